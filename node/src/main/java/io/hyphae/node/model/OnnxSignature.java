package io.hyphae.node.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The named inputs and outputs of an ONNX model, read by ONNX Runtime; reading them is how a
 * corrupt ONNX file is caught when a model is loaded rather than when a job runs.
 */
public record OnnxSignature(Map<String, Spec> inputs, Map<String, Spec> outputs) {

  /** One tensor's element type (ONNX Runtime's name) and shape; -1 marks a free dimension. */
  public record Spec(String type, long[] shape) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Spec s && s.type.equals(type) && Arrays.equals(s.shape, shape);
    }

    @Override
    public int hashCode() {
      return type.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
      return type + Arrays.toString(shape);
    }
  }

  public OnnxSignature {
    inputs = Map.copyOf(inputs);
    outputs = Map.copyOf(outputs);
  }

  /** Opens the model once, without optimisation, and reads its signature. */
  public static OnnxSignature read(byte[] onnx, String where) throws ModelException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
      options.setIntraOpNumThreads(1);
      try (OrtSession session = OrtEnvironment.getEnvironment().createSession(onnx, options)) {
        return of(session);
      }
    } catch (OrtException e) {
      throw new ModelException(
          ModelException.Reason.CORRUPT_FILE,
          where + " is not a model ONNX Runtime can load: " + e.getMessage(),
          e);
    }
  }

  /** The signature of an open session. */
  public static OnnxSignature of(OrtSession session) throws OrtException {
    return new OnnxSignature(specs(session.getInputInfo()), specs(session.getOutputInfo()));
  }

  private static Map<String, Spec> specs(Map<String, NodeInfo> infos) {
    Map<String, Spec> specs = new LinkedHashMap<>();
    infos.forEach(
        (name, info) -> {
          if (info.getInfo() instanceof TensorInfo tensor) {
            specs.put(name, new Spec(tensor.type.name(), tensor.getShape()));
          } else {
            specs.put(name, new Spec(info.getInfo().toString(), new long[0]));
          }
        });
    return specs;
  }
}
