package io.hyphae.node.committee;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyphae.node.inference.ExecutionProfile;
import io.hyphae.node.journal.CommitteeDuty;
import io.hyphae.protocol.commitment.Keccak256;
import io.hyphae.protocol.commitment.ShardCodec;
import io.hyphae.protocol.commitment.ShardInput;
import io.hyphae.protocol.commitment.ShardLeaves;
import io.hyphae.protocol.commitment.ShardOutput;
import io.hyphae.protocol.proto.JobProto.Refusal.Code;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The committee member's pure rules: which evidence counts, and how it votes on a re-run. */
class CommitteeDecisionTest {

  private static final String CHALLENGER = "0x00000000000000000000000000000000000000c1";
  private static final int SHARD = 3;

  private static final ShardOutput RIGHT =
      new ShardOutput.Embeddings(
          3, List.of(new float[] {0.6f, 0.8f, 0f}, new float[] {0f, 0.6f, 0.8f}));
  private static final ShardOutput CLOSE =
      new ShardOutput.Embeddings(
          3, List.of(new float[] {0.6f, 0.8f, 0.001f}, new float[] {0f, 0.6f, 0.8f}));
  private static final ShardOutput WRONG =
      new ShardOutput.Embeddings(
          3, List.of(new float[] {0.8f, -0.6f, 0f}, new float[] {0f, 0.6f, 0.8f}));

  private static final byte[] INPUT =
      ShardCodec.encodeInput(new ShardInput.Texts(30, List.of("a row", "another row")));

  private static CommitteeDuty duty(byte[] output) {
    return new CommitteeDuty(
        31337,
        "0x00000000000000000000000000000000000a11ce",
        BigInteger.ONE,
        BigInteger.TEN,
        0,
        SHARD,
        ShardLeaves.inputLeaf(SHARD, Keccak256.hash(INPUT)),
        Keccak256.hash(output),
        Keccak256.hash("model".getBytes(StandardCharsets.UTF_8)),
        ExecutionProfile.CPU_DET_V1.hash(),
        CHALLENGER,
        1000,
        2000,
        CommitteeDuty.Step.OPEN,
        Optional.empty(),
        "");
  }

  private static byte[] bytes(ShardOutput output) {
    return ShardCodec.encodeOutput(output);
  }

  @Test
  void anExactProfileUpholdsAnyDifferenceAndRejectsIdenticalBytes() {
    assertThat(Decision.of(ExecutionProfile.CPU_DET_V1, bytes(RIGHT), RIGHT).upheld()).isFalse();
    Decision close = Decision.of(ExecutionProfile.CPU_DET_V1, bytes(CLOSE), RIGHT);
    assertThat(close.upheld()).isTrue();
    assertThat(close.reason()).contains(Keccak256.hash(bytes(CLOSE)).toString());
  }

  @Test
  void aTolerantProfileUpholdsOnlyWhatIsBeyondItsTolerance() {
    assertThat(Decision.of(ExecutionProfile.CPU_FAST, bytes(CLOSE), RIGHT).upheld()).isFalse();
    Decision wrong = Decision.of(ExecutionProfile.CPU_FAST, bytes(WRONG), RIGHT);
    assertThat(wrong.upheld()).isTrue();
    assertThat(wrong.reason()).startsWith("row 0:");
    assertThat(Decision.of(ExecutionProfile.CPU_FAST, new byte[] {1, 2, 3}, RIGHT).upheld())
        .isTrue();
  }

  @Test
  void withoutEvidenceOrAWayToReRunTheMemberRejects() {
    assertThat(Decision.noEvidence().upheld()).isFalse();
    assertThat(Decision.cannotRerun("no model").upheld()).isFalse();
  }

  @Test
  void acceptsTheChallengersEvidenceThatMatchesTheChallenge() {
    byte[] output = bytes(WRONG);
    Evidence.Checked checked = Evidence.check(duty(output), CHALLENGER, INPUT, output);
    assertThat(checked).isInstanceOf(Evidence.Valid.class);
    Evidence evidence = ((Evidence.Valid) checked).evidence();
    assertThat(evidence.input().rowCount()).isEqualTo(2);
    assertThat(evidence.output()).isEqualTo(output);
  }

  @Test
  void refusesEvidenceFromAnyoneButTheChallenger() {
    byte[] output = bytes(WRONG);
    assertRefused(
        Evidence.check(duty(output), "0x00000000000000000000000000000000000000c2", INPUT, output),
        Code.FORBIDDEN);
    assertRefused(Evidence.check(duty(output), null, INPUT, output), Code.FORBIDDEN);
  }

  @Test
  void refusesEvidenceWhoseInputOrOutputIsNotTheChallenged() {
    byte[] output = bytes(WRONG);
    byte[] otherInput =
        ShardCodec.encodeInput(new ShardInput.Texts(30, List.of("a row", "changed row")));
    assertRefused(Evidence.check(duty(output), CHALLENGER, otherInput, output), Code.INVALID);
    assertRefused(Evidence.check(duty(output), CHALLENGER, INPUT, bytes(RIGHT)), Code.INVALID);
    // Bytes that prove under the leaf but are no canonical input.
    byte[] junk = "not a shard".getBytes(StandardCharsets.UTF_8);
    CommitteeDuty junkDuty = duty(output);
    junkDuty =
        new CommitteeDuty(
            junkDuty.chainId(),
            junkDuty.market(),
            junkDuty.challengeId(),
            junkDuty.jobId(),
            junkDuty.index(),
            SHARD,
            ShardLeaves.inputLeaf(SHARD, Keccak256.hash(junk)),
            junkDuty.outputHash(),
            junkDuty.modelHash(),
            junkDuty.profileHash(),
            CHALLENGER,
            1000,
            2000,
            CommitteeDuty.Step.OPEN,
            Optional.empty(),
            "");
    Evidence.Checked checked = Evidence.check(junkDuty, CHALLENGER, junk, output);
    assertRefused(checked, Code.INVALID);
    assertThat(((Evidence.Invalid) checked).refused().message()).contains("canonical");
  }

  private static void assertRefused(Evidence.Checked checked, Code code) {
    assertThat(checked)
        .isInstanceOfSatisfying(
            Evidence.Invalid.class, i -> assertThat(i.refused().code()).isEqualTo(code));
  }
}
