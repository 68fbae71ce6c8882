package io.hyphae.devnet.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Submits one sharded job as a requester and waits for its outcome: the demo's single point of
 * contact with the wallet.
 */
public interface JobSubmission {

  /**
   * One job.
   *
   * @param devnetInfo the devnet.json the wallet takes its chain, contracts, model and profile
   *     hashes and requester keystore from
   * @param passwordFile unlocks the requester keystore
   * @param input JSONL rows
   * @param output where the results go (JSONL, one line per input row)
   * @param model a model name from devnet.json
   * @param profile an execution profile name from devnet.json
   * @param shards how many shards the rows are split into
   * @param timeout how long the whole job may take
   */
  record Request(
      Path devnetInfo,
      Path passwordFile,
      Path input,
      Path output,
      String model,
      String profile,
      int shards,
      Duration timeout) {}

  /** What the job submit printed as JSON ({@code --json}), as a tree. */
  record Outcome(JsonNode report) {}

  /**
   * Whether this build can submit jobs at all; when not, the reason, for people.
   *
   * @return empty when available
   */
  java.util.Optional<String> unavailable();

  /**
   * Runs the job to its end.
   *
   * @throws io.hyphae.devnet.local.DevnetException when the job fails (the message says why)
   */
  Outcome submit(Request request);

  /**
   * What a requester sees of the market before submitting: {@code ./hyphae market --json} against
   * the devnet's providers, as a tree.
   *
   * @throws io.hyphae.devnet.local.DevnetException when the command fails
   */
  JsonNode market(Path devnetInfo, Duration timeout);
}
