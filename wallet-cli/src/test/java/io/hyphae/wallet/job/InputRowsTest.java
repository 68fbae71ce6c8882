package io.hyphae.wallet.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyphae.protocol.commitment.ShardInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputRowsTest {

  @TempDir Path dir;

  private Path file(String content) throws Exception {
    Path f = dir.resolve("rows.jsonl");
    Files.writeString(f, content);
    return f;
  }

  @Test
  void readsStringsAndTextObjectsSkippingBlankLines() throws Exception {
    assertThat(InputRows.read(file("\"a\"\n\n{\"text\":\"b\",\"id\":7}\n  \n\"c\\u00e9\"\n")))
        .containsExactly("a", "b", "cé");
  }

  @Test
  void refusesAnEmptyFile() throws Exception {
    assertThatThrownBy(() -> InputRows.read(file("\n \n")))
        .isInstanceOf(InputFileException.class)
        .hasMessageContaining("has no rows");
  }

  @Test
  void namesTheLineOfMalformedJson() throws Exception {
    assertThatThrownBy(() -> InputRows.read(file("\"a\"\n{\"text\": \n")))
        .isInstanceOf(InputFileException.class)
        .hasMessageContaining("line 2: not valid JSON");
  }

  @Test
  void namesTheLineOfANonStringText() throws Exception {
    assertThatThrownBy(() -> InputRows.read(file("\"a\"\n\"b\"\n{\"text\": [1]}\n")))
        .hasMessageContaining("line 3: \"text\" must be a string");
    assertThatThrownBy(() -> InputRows.read(file("42\n")))
        .hasMessageContaining("line 1: expected a JSON string or an object");
  }

  @Test
  void refusesAMissingFile() {
    assertThatThrownBy(() -> InputRows.read(dir.resolve("nope.jsonl")))
        .hasMessageContaining("no input file at");
  }

  @Test
  void splitsRowsIntoShardsWhoseSizesDifferByAtMostOne() {
    List<String> rows = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    List<ShardInput> shards = Sharding.split(rows, 4);
    assertThat(shards).extracting(ShardInput::rowCount).containsExactly(3, 3, 2, 2);
    assertThat(shards).extracting(ShardInput::firstRow).containsExactly(0L, 3L, 6L, 8L);
    assertThat(((ShardInput.Texts) shards.get(3)).rows()).containsExactly("8", "9");
    assertThatThrownBy(() -> Sharding.split(rows, 11))
        .hasMessageContaining("more than the 10 rows");
  }

  @Test
  void splitsRangesEvenlyOverProviders() {
    assertThat(Sharding.evenRanges(0, 5, 2))
        .containsExactly(new ShardRange(0, 3), new ShardRange(3, 2));
    assertThat(Sharding.evenRanges(2, 2, 5))
        .containsExactly(new ShardRange(2, 1), new ShardRange(3, 1));
  }

  @Test
  void parsesAmountsInWeiOrEth() {
    assertThat(Amounts.parse("1000")).isEqualTo(1000);
    assertThat(Amounts.parse("0.5eth")).isEqualTo(new java.math.BigInteger("500000000000000000"));
    assertThat(Amounts.parse("2 ETH")).isEqualTo(new java.math.BigInteger("2000000000000000000"));
    assertThatThrownBy(() -> Amounts.parse("1e-30eth")).hasMessageContaining("not");
    assertThatThrownBy(() -> Amounts.parse("-1")).hasMessageContaining("negative");
    assertThatThrownBy(() -> Amounts.parse("ten")).hasMessageContaining("not an amount");
    assertThat(Amounts.eth(new java.math.BigInteger("1500000000000000000"))).isEqualTo("1.5");
  }
}
