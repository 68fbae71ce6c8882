package io.hyphae.wallet.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.hyphae.contracts.chain.Eip712;
import io.hyphae.contracts.market.Assignment;
import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.commitment.Keccak256;
import io.hyphae.protocol.commitment.MerkleTree;
import io.hyphae.protocol.commitment.ShardCodec;
import io.hyphae.protocol.commitment.ShardInput;
import io.hyphae.protocol.commitment.ShardLeaves;
import io.hyphae.protocol.commitment.ShardOutput;
import io.hyphae.protocol.job.ResultMessage;
import io.hyphae.protocol.job.WireValues;
import io.hyphae.protocol.proto.JobProto;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RequesterSessionTest {

  private static final BigInteger JOB = BigInteger.valueOf(42);
  private static final Bytes32 PROFILE = Keccak256.hash(new byte[] {1});
  private static final String P1 = JobKeys.account(1).getAddress().toLowerCase(Locale.ROOT);
  private static final String P2 = JobKeys.account(2).getAddress().toLowerCase(Locale.ROOT);

  private RequesterSession session;

  @BeforeEach
  void setUp() {
    List<ShardInput> shards =
        List.of(new ShardInput.Texts(0, List.of("a", "b")), new ShardInput.Texts(2, List.of("c")));
    session = new RequesterSession(JOB, PROFILE, JobKeys.EIP712, shards, () -> {});
    session.assigned(List.of(assignment(0, P1, 0), assignment(1, P2, 1)));
  }

  private static Assignment assignment(int index, String provider, int shard) {
    return new Assignment(
        JOB,
        index,
        0,
        Assignment.Status.ASSIGNED,
        "0x00000000000000000000000000000000000000ff",
        provider,
        shard,
        1,
        BigInteger.TEN,
        BigInteger.TEN,
        100,
        10,
        io.hyphae.contracts.market.Bytes32.ZERO,
        0);
  }

  /**
   * A result of {@code shard} by {@code provider}, its receipt signed by account {@code signer}.
   */
  private JobProto.ShardResult.Builder result(
      int shard, int provider, int signer, Bytes32 profile) {
    int rows = session.shards().get(shard).rowCount();
    List<float[]> values = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      values.add(new float[] {i, shard});
    }
    byte[] output = ShardCodec.encodeOutput(new ShardOutput.Embeddings(2, values));
    Bytes32 inputLeaf = session.inputTree().leaf(shard);
    Bytes32 outputHash = Keccak256.hash(output);
    String address = JobKeys.account(provider).getAddress();
    byte[] sig =
        Eip712.sign(
            JobKeys.EIP712.receiptDigest(
                new Eip712.ShardReceipt(
                    JOB,
                    shard,
                    inputLeaf.toArray(),
                    outputHash.toArray(),
                    profile.toArray(),
                    address)),
            JobKeys.account(signer));
    return new ResultMessage(JOB, shard, output, inputLeaf, outputHash, profile, address, sig)
        .toProto().toBuilder();
  }

  @Test
  void acceptsAResultSignedByTheAssignedProviderAndRebuildsItsRoot() {
    JobProto.ResultAck ack = session.result(P1, result(0, 1, 1, PROFILE).build());
    assertThat(ack.hasAccepted()).as(ack.toString()).isTrue();
    assertThat(session.delivered()).isEqualTo(1);
    Assignment a = session.assignments().get(0);
    assertThat(session.missing(a)).isEmpty();
    Bytes32 leaf = session.results(0).get(0).resultLeaf();
    assertThat(session.resultRoot(a)).contains(MerkleTree.of(List.of(leaf)).root());
    assertThat(session.missing(session.assignments().get(1))).containsExactly(1);
  }

  @Test
  void refusesAReceiptNotSignedByTheProvider() {
    JobProto.ResultAck ack = session.result(P1, result(0, 1, 3, PROFILE).build());
    assertThat(ack.getRefusal().getCode()).isEqualTo(JobProto.Refusal.Code.INVALID);
    assertThat(ack.getRefusal().getMessage()).contains("not by the assigned provider");
    assertThat(session.delivered()).isZero();
  }

  @Test
  void refusesAResultFromAProviderNotAssignedTheShard() {
    // Provider 2 signs a valid receipt for shard 0, which is provider 1's.
    JobProto.ResultAck ack = session.result(P2, result(0, 2, 2, PROFILE).build());
    assertThat(ack.getRefusal().getCode()).isEqualTo(JobProto.Refusal.Code.FORBIDDEN);
    // And a result sent by one peer in another provider's name.
    ack = session.result(P2, result(0, 1, 1, PROFILE).build());
    assertThat(ack.getRefusal().getMessage()).contains("not the sender");
  }

  @Test
  void refusesAWrongOutputHashInputLeafOrProfile() {
    JobProto.ResultAck ack =
        session.result(
            P1, result(0, 1, 1, PROFILE).setOutputHash(ByteString.copyFrom(new byte[32])).build());
    assertThat(ack.getRefusal().getMessage()).contains("output_hash");
    ack =
        session.result(
            P1,
            result(0, 1, 1, PROFILE)
                .setInputLeaf(WireValues.bytes32(session.inputTree().leaf(1)))
                .build());
    assertThat(ack.getRefusal().getMessage()).contains("input leaf");
    ack = session.result(P1, result(0, 1, 1, Keccak256.hash(new byte[] {2})).build());
    assertThat(ack.getRefusal().getMessage()).contains("profile hash");
    assertThat(session.delivered()).isZero();
  }

  @Test
  void givesAShardsInputOnlyToItsProviderWithAValidProof() {
    JobProto.InputRequest ask =
        JobProto.InputRequest.newBuilder().setJobId(WireValues.uint256(JOB)).setShard(1).build();
    assertThat(session.input(P1, ask).getRefusal().getCode())
        .isEqualTo(JobProto.Refusal.Code.FORBIDDEN);
    JobProto.InputResponse ok = session.input(P2, ask);
    assertThat(ok.hasShard()).isTrue();
    byte[] input = ok.getShard().getInput().toByteArray();
    List<Bytes32> proof = new ArrayList<>();
    ok.getShard().getProofList().forEach(p -> proof.add(WireValues.bytes32(p, "proof")));
    assertThat(
            MerkleTree.verify(
                proof, session.inputTree().root(), ShardLeaves.inputLeaf(1, Keccak256.hash(input))))
        .isTrue();
    JobProto.InputRequest other =
        ask.toBuilder().setJobId(WireValues.uint256(BigInteger.ONE)).build();
    assertThat(session.input(P2, other).getRefusal().getCode())
        .isEqualTo(JobProto.Refusal.Code.UNKNOWN);
  }
}
