package io.hyphae.node.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyphae.contracts.market.Assignment;
import io.hyphae.contracts.market.Bytes32;
import io.hyphae.contracts.market.JobSpec;
import io.hyphae.node.journal.JournalException;
import io.hyphae.protocol.multiaddr.Multiaddr;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The values the node keeps with a job in the journal (JSON, so an operator can read them with
 * sqlite3), and their names: the job's spec and requester, the assignment as last recorded on
 * chain, the requester's addresses, and per shard its output and whether the requester acknowledged
 * it.
 */
public final class JobData {

  public static final String SPEC = "spec";
  public static final String ASSIGNMENT = "assignment";
  public static final String REQUESTER_ADDRESSES = "requester-addresses";

  /**
   * The id of the last challenge of the job that was resolved (unsigned big-endian), so that a
   * replayed ChallengeOpened of a decided challenge does not challenge the job again.
   */
  public static final String RESOLVED_CHALLENGE = "resolved-challenge";

  /** The id of the job's open challenge (unsigned big-endian), while it is CHALLENGED. */
  public static final String OPEN_CHALLENGE = "open-challenge";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  private JobData() {}

  /** A shard's canonical output bytes (dropped once the job is settled). */
  public static String output(int shard) {
    return "tmp/output/" + shard;
  }

  /** A shard's input leaf (kept: answering a leaf demand needs it). */
  public static String inputLeaf(int shard) {
    return "input-leaf/" + shard;
  }

  /** Present once the requester acknowledged the shard's result. */
  public static String acknowledged(int shard) {
    return "ack/" + shard;
  }

  /** The job as posted: its requester and spec. */
  public record Posted(String requester, JobSpec spec) {}

  public static byte[] encode(Posted posted) {
    JobSpec s = posted.spec();
    ObjectNode o = JSON.createObjectNode();
    o.put("requester", posted.requester());
    o.put("modelHash", s.modelHash().toString());
    o.put("profileHash", s.profileHash().toString());
    o.put("inputRoot", s.inputRoot().toString());
    o.put("shardCount", s.shardCount());
    o.put("redundancy", s.redundancy());
    o.put("maxPricePerShard", s.maxPricePerShard().toString());
    o.put("commitDeadline", s.commitDeadline());
    o.put("challengeWindow", s.challengeWindow());
    o.put("salt", s.salt());
    o.put("requesterPeerId", HEX.formatHex(s.requesterPeerId()));
    return bytes(o);
  }

  public static Posted decodePosted(byte[] bytes) {
    JsonNode o = tree(bytes, SPEC);
    return new Posted(
        o.get("requester").asText(),
        new JobSpec(
            hash(o, "modelHash"),
            hash(o, "profileHash"),
            hash(o, "inputRoot"),
            o.get("shardCount").asInt(),
            o.get("redundancy").asInt(),
            new BigInteger(o.get("maxPricePerShard").asText()),
            o.get("commitDeadline").asLong(),
            o.get("challengeWindow").asLong(),
            o.get("salt").asLong(),
            HEX.parseHex(o.get("requesterPeerId").asText())));
  }

  public static byte[] encode(Assignment a) {
    ObjectNode o = JSON.createObjectNode();
    o.put("jobId", a.jobId().toString());
    o.put("index", a.index());
    o.put("replica", a.replica());
    o.put("status", a.status().name());
    o.put("requester", a.requester());
    o.put("provider", a.provider());
    o.put("firstShard", a.firstShard());
    o.put("shardCount", a.shardCount());
    o.put("pricePerShard", a.pricePerShard().toString());
    o.put("collateral", a.collateral().toString());
    o.put("commitDeadline", a.commitDeadline());
    o.put("challengeWindow", a.challengeWindow());
    o.put("resultRoot", a.resultRoot().toString());
    o.put("challengeDeadline", a.challengeDeadline());
    return bytes(o);
  }

  public static Assignment decodeAssignment(byte[] bytes) {
    JsonNode o = tree(bytes, ASSIGNMENT);
    return new Assignment(
        new BigInteger(o.get("jobId").asText()),
        o.get("index").asInt(),
        o.get("replica").asInt(),
        Assignment.Status.valueOf(o.get("status").asText()),
        o.get("requester").asText(),
        o.get("provider").asText(),
        o.get("firstShard").asInt(),
        o.get("shardCount").asInt(),
        new BigInteger(o.get("pricePerShard").asText()),
        new BigInteger(o.get("collateral").asText()),
        o.get("commitDeadline").asLong(),
        o.get("challengeWindow").asLong(),
        hash(o, "resultRoot"),
        o.get("challengeDeadline").asLong());
  }

  public static byte[] encodeAddresses(List<Multiaddr> addresses) {
    ArrayNode a = JSON.createArrayNode();
    addresses.forEach(m -> a.add(m.toString()));
    return bytes(a);
  }

  public static List<Multiaddr> decodeAddresses(byte[] bytes) {
    List<Multiaddr> out = new ArrayList<>();
    for (JsonNode n : tree(bytes, REQUESTER_ADDRESSES)) {
      out.add(Multiaddr.parse(n.asText()));
    }
    return out;
  }

  private static Bytes32 hash(JsonNode o, String field) {
    String hex = o.get(field).asText();
    return Bytes32.of(HEX.parseHex(hex.substring(2)));
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("encoding JSON in memory failed", e);
    }
  }

  private static JsonNode tree(byte[] bytes, String what) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException | RuntimeException e) {
      throw new JournalException("the journal's " + what + " value is unreadable: " + e, e);
    }
  }
}
