package io.hyphae.wallet.job;

import io.hyphae.contracts.chain.ChainException;
import io.hyphae.contracts.chain.ContractRevertException;
import io.hyphae.contracts.chain.MarketClient;
import io.hyphae.contracts.generated.JobMarket;
import io.hyphae.contracts.market.Assignment;
import io.hyphae.protocol.commitment.Bytes32;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

/**
 * {@link ChallengeChain} through one account's {@link MarketClient}: the generated wrapper encodes
 * the calls and decodes {@code ChallengeOpened}, {@code VoteCommitted}, {@code VoteRevealed} and
 * {@code ChallengeResolved} from {@code eth_getLogs}.
 */
public final class Web3jChallengeChain implements ChallengeChain {

  private static final String OPENED = EventEncoder.encode(JobMarket.CHALLENGEOPENED_EVENT);
  private static final String COMMITTED = EventEncoder.encode(JobMarket.VOTECOMMITTED_EVENT);
  private static final String REVEALED = EventEncoder.encode(JobMarket.VOTEREVEALED_EVENT);
  private static final String RESOLVED = EventEncoder.encode(JobMarket.CHALLENGERESOLVED_EVENT);

  private final MarketClient client;

  public Web3jChallengeChain(MarketClient client) {
    this.client = client;
  }

  @Override
  public BigInteger bond() {
    try {
      return client.marketView().challengeBond().send();
    } catch (Exception e) {
      throw new ChainException("reading the challenge bond failed: " + e.getMessage(), e);
    }
  }

  @Override
  public ChallengeState open(
      Assignment committed, int shard, Bytes32 inputLeaf, Bytes32 outputHash, List<Bytes32> proof) {
    BigInteger bond = bond();
    var receipt =
        client.challenge(
            generated(committed),
            shard,
            inputLeaf.toArray(),
            outputHash.toArray(),
            proof.stream().map(Bytes32::toArray).toList(),
            bond);
    return opened(MarketClient.challengeOf(receipt), Set.of(), Map.of(), Optional.empty());
  }

  @Override
  public List<ChallengeState> ofJob(BigInteger jobId) {
    EthFilter filter = filter();
    filter.addSingleTopic(OPENED);
    filter.addNullTopic();
    filter.addSingleTopic(Numeric.toHexStringWithPrefixZeroPadded(jobId, 64));
    List<ChallengeState> out = new ArrayList<>();
    for (Log log : logs(filter, "reading the challenges of job " + jobId)) {
      out.add(withVotes(JobMarket.getChallengeOpenedEventFromLog(log)));
    }
    return out;
  }

  @Override
  public Optional<ChallengeState> state(BigInteger challengeId) {
    EthFilter filter = filter();
    filter.addSingleTopic(OPENED);
    filter.addSingleTopic(Numeric.toHexStringWithPrefixZeroPadded(challengeId, 64));
    List<Log> logs = logs(filter, "reading challenge " + challengeId);
    return logs.isEmpty()
        ? Optional.empty()
        : Optional.of(withVotes(JobMarket.getChallengeOpenedEventFromLog(logs.get(0))));
  }

  @Override
  public boolean resolve(BigInteger challengeId, Assignment challenged) {
    try {
      client.resolve(challengeId, generated(challenged));
      return true;
    } catch (ContractRevertException e) {
      if ("ChallengeAlreadyResolved".equals(e.errorName())) {
        return false;
      }
      throw e;
    }
  }

  private ChallengeState withVotes(JobMarket.ChallengeOpenedEventResponse opened) {
    EthFilter filter = filter();
    filter.addOptionalTopics(COMMITTED, REVEALED, RESOLVED);
    filter.addSingleTopic(Numeric.toHexStringWithPrefixZeroPadded(opened.challengeId, 64));
    Set<String> committed = new HashSet<>();
    Map<String, Boolean> revealed = new HashMap<>();
    ChallengeState.Resolution resolution = null;
    for (Log log : logs(filter, "reading the votes of challenge " + opened.challengeId)) {
      String topic = log.getTopics().get(0);
      if (topic.equals(COMMITTED)) {
        committed.add(lower(JobMarket.getVoteCommittedEventFromLog(log).member));
      } else if (topic.equals(REVEALED)) {
        var e = JobMarket.getVoteRevealedEventFromLog(log);
        revealed.put(lower(e.member), e.upheld);
      } else if (topic.equals(RESOLVED)) {
        var e = JobMarket.getChallengeResolvedEventFromLog(log);
        resolution =
            new ChallengeState.Resolution(
                Verdict.ofCode(e.verdict.intValueExact()),
                e.upheld.intValueExact(),
                e.rejected.intValueExact(),
                e.revealed.intValueExact(),
                e.pool);
      }
    }
    return opened(opened, committed, revealed, Optional.ofNullable(resolution));
  }

  private static ChallengeState opened(
      JobMarket.ChallengeOpenedEventResponse e,
      Set<String> committed,
      Map<String, Boolean> revealed,
      Optional<ChallengeState.Resolution> resolution) {
    return new ChallengeState(
        e.challengeId,
        e.jobId,
        e.index.intValueExact(),
        lower(e.challenger),
        e.shard.intValueExact(),
        Bytes32.wrap(e.inputLeaf),
        Bytes32.wrap(e.outputHash),
        e.members.stream().map(Web3jChallengeChain::lower).toList(),
        e.commitDeadline.longValueExact(),
        e.revealDeadline.longValueExact(),
        committed,
        revealed,
        resolution);
  }

  private EthFilter filter() {
    return new EthFilter(
        DefaultBlockParameterName.EARLIEST,
        DefaultBlockParameterName.LATEST,
        client.deployment().market());
  }

  private List<Log> logs(EthFilter filter, String action) {
    EthLog result;
    try {
      result = client.chain().web3j().ethGetLogs(filter).send();
    } catch (IOException e) {
      throw new ChainException(action + " failed: " + e.getMessage(), e);
    }
    if (result.hasError()) {
      throw new ChainException(action + " failed: " + result.getError().getMessage());
    }
    List<Log> out = new ArrayList<>();
    for (EthLog.LogResult<?> item : result.getLogs()) {
      if (item.get() instanceof Log log && !log.isRemoved() && !log.getTopics().isEmpty()) {
        out.add(log);
      }
    }
    return out;
  }

  private static String lower(String address) {
    return address.toLowerCase(Locale.ROOT);
  }

  /** The assignment as the generated wrapper encodes it (the record the chain holds). */
  public static JobMarket.Assignment generated(Assignment a) {
    return new JobMarket.Assignment(
        a.jobId(),
        BigInteger.valueOf(a.index()),
        BigInteger.valueOf(a.replica()),
        BigInteger.valueOf(a.status().ordinal()),
        a.requester(),
        a.provider(),
        BigInteger.valueOf(a.firstShard()),
        BigInteger.valueOf(a.shardCount()),
        a.pricePerShard(),
        a.collateral(),
        BigInteger.valueOf(a.commitDeadline()),
        BigInteger.valueOf(a.challengeWindow()),
        a.resultRoot().toArray(),
        BigInteger.valueOf(a.challengeDeadline()));
  }
}
