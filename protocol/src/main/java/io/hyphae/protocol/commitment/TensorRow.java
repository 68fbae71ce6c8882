package io.hyphae.protocol.commitment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** One row of a tensor shard: named tensors, kept sorted by name, names unique. */
public record TensorRow(List<Tensor> tensors) {
  public TensorRow {
    List<Tensor> sorted = new ArrayList<>(tensors);
    sorted.sort(Comparator.comparing(Tensor::name));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).name().equals(sorted.get(i - 1).name())) {
        throw new IllegalArgumentException("tensor '" + sorted.get(i).name() + "' given twice");
      }
    }
    tensors = List.copyOf(sorted);
  }

  public Optional<Tensor> tensor(String name) {
    return tensors.stream().filter(t -> t.name().equals(name)).findFirst();
  }
}
