package io.hyphae.protocol.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.commitment.Keccak256;
import io.hyphae.protocol.proto.JobProto;
import java.math.BigInteger;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class JobMessagesTest {
  private static final String PROVIDER = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";

  @Test
  void bidRoundTripsThroughTheCodec() throws Exception {
    byte[] sig = new byte[65];
    Arrays.fill(sig, (byte) 7);
    BidMessage bid =
        new BidMessage(
            BigInteger.TWO.pow(255),
            PROVIDER,
            2,
            3,
            1,
            BigInteger.TEN,
            BigInteger.ONE,
            1_800_000_000L,
            sig);
    JobProto.BidReply reply = JobProto.BidReply.newBuilder().setOffer(bid.toProto()).build();
    byte[] wire = JobProtocols.BID.responseCodec().encode(reply);
    BidMessage back =
        BidMessage.fromProto(JobProtocols.BID.responseCodec().decode(wire).getOffer());
    assertEquals(bid.jobId(), back.jobId());
    assertEquals(bid.provider(), back.provider());
    assertEquals(bid.pricePerShard(), back.pricePerShard());
    assertEquals(bid.expiry(), back.expiry());
    assertArrayEquals(sig, back.signature());
  }

  @Test
  void bidWithAShortSignatureOrNoShardsIsRefused() {
    JobProto.BidOffer good =
        new BidMessage(
                BigInteger.ONE, PROVIDER, 0, 1, 0, BigInteger.ONE, BigInteger.ZERO, 1, new byte[65])
            .toProto();
    assertThrows(
        WireValues.WireFormatException.class,
        () ->
            BidMessage.fromProto(
                good.toBuilder().setSignature(ByteString.copyFrom(new byte[64])).build()));
    assertThrows(
        WireValues.WireFormatException.class,
        () -> BidMessage.fromProto(good.toBuilder().setShardCount(0).build()));
  }

  @Test
  void resultWhoseHashDoesNotMatchItsOutputIsRefused() {
    byte[] output = {1, 2, 3};
    Bytes32 leaf = Keccak256.hash(new byte[] {9});
    ResultMessage r =
        new ResultMessage(
            BigInteger.ONE, 4, output, leaf, Keccak256.hash(output), leaf, PROVIDER, new byte[65]);
    ResultMessage back = ResultMessage.fromProto(r.toProto());
    assertEquals(r.resultLeaf(), back.resultLeaf());
    assertArrayEquals(output, back.output());
    var e =
        assertThrows(
            WireValues.WireFormatException.class,
            () ->
                ResultMessage.fromProto(
                    r.toProto().toBuilder()
                        .setOutput(ByteString.copyFrom(new byte[] {1, 2, 4}))
                        .build()));
    assertEquals("output_hash is not keccak256 of output", e.getMessage());
  }
}
