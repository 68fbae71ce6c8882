package io.hyphae.contracts.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyphae.contracts.generated.JobMarket;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** The whole market on a real chain: anvil as a child process on a free loopback port. */
class MarketLifecycleIT {

  private static final Path ROOT =
      Path.of(System.getProperty("hyphae.root", "..")).toAbsolutePath();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final BigInteger ETHER = BigInteger.TEN.pow(18);
  private static final BigInteger PRICE = ETHER.divide(BigInteger.valueOf(100));
  private static final BigInteger COLLATERAL = ETHER.divide(BigInteger.TEN);
  private static final byte[] PEER_ID = {0x08, 0x02, 0x12, 0x21, 0x02};
  private static final int PROVIDERS = 6; // accounts 1..6
  private static final int REQUESTER = 7;

  private static Anvil anvil;
  private static ChainConnection chain;
  private static Deployment deployment;
  private static final Map<Integer, MarketClient> clients = new HashMap<>();
  private static long salt;

  @BeforeAll
  static void startChainAndDeploy(@TempDir Path dir) throws Exception {
    anvil = Anvil.start(Anvil.binary(ROOT), List.of(), TIMEOUT);
    chain = ChainConnection.open(anvil.rpcUrl(), TIMEOUT);
    DevnetAccounts accounts = new DevnetAccounts();
    MarketDeployer.Result deployed =
        new MarketDeployer(new TransactionSender(chain, accounts.account(0), TIMEOUT))
            .deploy(MarketConfig.devnetDefaults());
    Path file = dir.resolve("deployment.json");
    deployed.deployment().write(file);
    deployment = Deployment.read(file);
    assertThat(deployment).isEqualTo(deployed.deployment());
    for (int i = 1; i <= REQUESTER; i++) {
      clients.put(
          i,
          new MarketClient(new TransactionSender(chain, accounts.account(i), TIMEOUT), deployment));
    }
    for (int i = 1; i <= PROVIDERS; i++) {
      clients.get(i).register(PEER_ID, ETHER.multiply(BigInteger.TWO));
    }
  }

  @AfterAll
  static void stopChain() {
    if (chain != null) {
      chain.close();
    }
    if (anvil != null) {
      anvil.close();
    }
  }

  private static MarketClient requester() {
    return clients.get(REQUESTER);
  }

  private static byte[] inputHash(int shard) {
    return Hash.sha3(("input " + shard).getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] outputHash(int shard) {
    return Hash.sha3(("output " + shard).getBytes(StandardCharsets.UTF_8));
  }

  private static List<byte[]> inputLeaves(int shards) {
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < shards; i++) {
      leaves.add(MarketHashes.inputLeaf(i, inputHash(i)));
    }
    return leaves;
  }

  private static List<byte[]> resultLeaves(int shards) {
    List<byte[]> inputs = inputLeaves(shards);
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < shards; i++) {
      leaves.add(MarketHashes.resultLeaf(i, inputs.get(i), outputHash(i)));
    }
    return leaves;
  }

  private static long now() throws Exception {
    return chain
        .web3j()
        .ethGetBlockByNumber(org.web3j.protocol.core.DefaultBlockParameterName.LATEST, false)
        .send()
        .getBlock()
        .getTimestamp()
        .longValueExact();
  }

  private static JobMarket.JobSpec spec(int shards) throws Exception {
    return new JobMarket.JobSpec(
        Hash.sha3("model".getBytes(StandardCharsets.UTF_8)),
        Hash.sha3("profile".getBytes(StandardCharsets.UTF_8)),
        MarketHashes.merkleRoot(inputLeaves(shards)),
        BigInteger.valueOf(shards),
        BigInteger.ONE,
        PRICE,
        BigInteger.valueOf(now() + 3600),
        BigInteger.valueOf(600),
        BigInteger.valueOf(++salt),
        PEER_ID);
  }

  private static JobMarket.Bid bid(JobMarket.JobSpec spec, int provider, BigInteger collateral)
      throws Exception {
    return new JobMarket.Bid(
        MarketHashes.jobId(requester().address(), spec),
        clients.get(provider).address(),
        BigInteger.ZERO,
        spec.shardCount,
        BigInteger.ZERO,
        PRICE,
        collateral,
        BigInteger.valueOf(now() + 600));
  }

  private static JobMarket.Assignment postAndAssign(int shards, int provider) throws Exception {
    JobMarket.JobSpec spec = spec(shards);
    MarketClient.SignedBid signed = clients.get(provider).signBid(bid(spec, provider, COLLATERAL));
    TransactionReceipt receipt =
        requester()
            .postAndAssign(spec, List.of(signed), PRICE.multiply(BigInteger.valueOf(shards)));
    List<JobMarket.Assignment> assignments = MarketClient.assignmentsOf(receipt);
    assertThat(assignments).hasSize(1);
    return assignments.get(0);
  }

  @Test
  void javaHashingMatchesTheContractByteForByte() throws Exception {
    JobMarket market = requester().marketView();
    Eip712 eip712 = requester().eip712();
    assertThat(market.domainSeparator().send()).isEqualTo(eip712.domainSeparator());
    JobMarket.JobSpec spec = spec(3);
    assertThat(market.jobIdOf(requester().address(), spec).send())
        .isEqualTo(MarketHashes.jobId(requester().address(), spec));
    JobMarket.Bid bid = bid(spec, 1, COLLATERAL);
    assertThat(market.hashBid(bid).send()).isEqualTo(eip712.bidDigest(bid));
    byte[] leaf = MarketHashes.inputLeaf(2, inputHash(2));
    assertThat(market.hashInputLeaf(BigInteger.TWO, inputHash(2)).send()).isEqualTo(leaf);
    assertThat(market.hashResultLeaf(BigInteger.TWO, leaf, outputHash(2)).send())
        .isEqualTo(MarketHashes.resultLeaf(2, leaf, outputHash(2)));
    Eip712.ShardReceipt receipt =
        new Eip712.ShardReceipt(
            bid.jobId, 2, leaf, outputHash(2), spec.profileHash, clients.get(1).address());
    assertThat(
            market
                .hashReceipt(
                    bid.jobId,
                    BigInteger.TWO,
                    leaf,
                    outputHash(2),
                    spec.profileHash,
                    clients.get(1).address())
                .send())
        .isEqualTo(eip712.receiptDigest(receipt));
    byte[] salt32 = Hash.sha3(new byte[] {9});
    assertThat(market.voteCommitment(BigInteger.TEN, clients.get(1).address(), true, salt32).send())
        .isEqualTo(
            MarketHashes.voteCommitment(BigInteger.TEN, clients.get(1).address(), true, salt32));
  }

  @Test
  void fullLifecycleWithAJavaSignedBidPaysTheProvider() throws Exception {
    JobMarket.Assignment a = postAndAssign(4, 1);
    MarketClient provider = clients.get(1);
    JobMarket.Assignment committed =
        MarketClient.committed(a, provider.commit(a, MarketHashes.merkleRoot(resultLeaves(4))));
    assertThatThrownBy(() -> provider.finalizeAssignment(committed))
        .isInstanceOf(ContractRevertException.class)
        .hasMessageContaining("ChallengeWindowOpen(deadline=");
    Anvil.advanceTime(chain, Duration.ofSeconds(601));
    TransactionReceipt finalized = provider.finalizeAssignment(committed);
    assertThat(JobMarket.getAssignmentFinalizedEvents(finalized).get(0).payment)
        .isEqualTo(PRICE.multiply(BigInteger.valueOf(4)));
    BigInteger owed = provider.marketView().withdrawable(provider.address()).send();
    assertThat(owed).isGreaterThanOrEqualTo(PRICE.multiply(BigInteger.valueOf(4)));
    TransactionReceipt withdrawn = provider.withdraw();
    assertThat(JobMarket.getWithdrawnEvents(withdrawn).get(0).amount).isEqualTo(owed);
    assertThatThrownBy(() -> provider.finalizeAssignment(committed))
        .isInstanceOf(ContractRevertException.class)
        .hasMessageContaining("WrongStatus(actual=Finalized, expected=Committed)");
  }

  @Test
  void tamperedSignatureIsRejectedWithAReadableError() throws Exception {
    JobMarket.JobSpec spec = spec(2);
    MarketClient.SignedBid signed = clients.get(2).signBid(bid(spec, 2, COLLATERAL));
    byte[] sig = signed.signature();
    sig[10] ^= 0x01;
    MarketClient.SignedBid tampered = new MarketClient.SignedBid(signed.bid(), sig);
    assertThatThrownBy(
            () ->
                requester().postAndAssign(spec, List.of(tampered), PRICE.multiply(BigInteger.TWO)))
        .isInstanceOfSatisfying(
            ContractRevertException.class,
            e -> assertThat(e.errorName()).isEqualTo("InvalidBidSignature"))
        .hasMessageContaining("posting and assigning the job was rejected by JobMarket")
        .hasMessageContaining("InvalidBidSignature(bid=0, signer=");
    // A bid with changed terms no longer matches its signature either.
    JobMarket.Bid b = signed.bid();
    JobMarket.Bid raised =
        new JobMarket.Bid(
            b.jobId,
            b.provider,
            b.firstShard,
            b.shardCount,
            b.replica,
            b.pricePerShard,
            b.collateral.add(BigInteger.ONE),
            b.expiry);
    assertThatThrownBy(
            () ->
                requester()
                    .postAndAssign(
                        spec,
                        List.of(new MarketClient.SignedBid(raised, signed.signature())),
                        PRICE.multiply(BigInteger.TWO)))
        .isInstanceOf(ContractRevertException.class)
        .hasMessageContaining("InvalidBidSignature");
  }

  @Test
  void challengeIsDecidedByACommitteeAndSlashesTheProvider() throws Exception {
    JobMarket.Assignment a = postAndAssign(3, 3);
    MarketClient provider = clients.get(3);
    List<byte[]> results = resultLeaves(3);
    JobMarket.Assignment committed =
        MarketClient.committed(a, provider.commit(a, MarketHashes.merkleRoot(results)));
    BigInteger bond = requester().marketView().challengeBond().send();
    TransactionReceipt opened =
        requester()
            .challenge(
                committed,
                1,
                inputLeaves(3).get(1),
                outputHash(1),
                MarketHashes.merkleProof(results, 1),
                bond);
    JobMarket.ChallengeOpenedEventResponse challenge = MarketClient.challengeOf(opened);
    List<String> members = challenge.members;
    assertThat(members).hasSize(3).doesNotContain(provider.address(), requester().address());
    List<MarketClient> voters = new ArrayList<>();
    for (String member : members) {
      voters.add(
          clients.values().stream()
              .filter(c -> c.address().equalsIgnoreCase(member))
              .findFirst()
              .orElseThrow());
    }
    for (MarketClient voter : voters) {
      voter.commitVote(challenge.challengeId, true, Hash.sha3(voter.address().getBytes()));
    }
    Anvil.advanceTime(chain, Duration.ofHours(1).plusSeconds(1));
    for (MarketClient voter : voters) {
      voter.revealVote(challenge.challengeId, true, Hash.sha3(voter.address().getBytes()));
    }
    TransactionReceipt resolved =
        requester().resolve(challenge.challengeId, MarketClient.challenged(committed));
    JobMarket.ChallengeResolvedEventResponse verdict =
        JobMarket.getChallengeResolvedEvents(resolved).get(0);
    assertThat(verdict.verdict).isEqualTo(BigInteger.ONE); // Upheld
    assertThat(requester().marketView().assignmentRecord(a.jobId, a.index).send())
        .isEqualTo(org.web3j.utils.Numeric.toBytesPadded(MarketClient.Status.SLASHED.code(), 32));
    BigInteger share = COLLATERAL.divide(BigInteger.TWO).divide(BigInteger.valueOf(3));
    for (MarketClient voter : voters) {
      assertThat(voter.marketView().balanceOf(voter.address()).send()).isEqualTo(share);
    }
    assertThatThrownBy(() -> provider.finalizeAssignment(committed))
        .isInstanceOf(ContractRevertException.class)
        .hasMessageContaining("WrongStatus(actual=Slashed");
  }

  @Test
  void withheldLeafDemandTimesOutAndSlashesTheProvider() throws Exception {
    JobMarket.Assignment a = postAndAssign(3, 4);
    MarketClient provider = clients.get(4);
    List<byte[]> results = resultLeaves(3);
    // A root with no leaf for shard 2: nobody can prove that shard, so it cannot be challenged.
    byte[] holeyRoot = MarketHashes.merkleRoot(results.subList(0, 2));
    JobMarket.Assignment committed = MarketClient.committed(a, provider.commit(a, holeyRoot));
    TransactionReceipt demanded = requester().demandLeaf(committed, 2, BigInteger.ZERO);
    assertThat(JobMarket.getLeafDemandedEvents(demanded)).hasSize(1);
    JobMarket.Assignment open = MarketClient.leafDemanded(committed);
    assertThatThrownBy(
            () ->
                provider.answerLeaf(
                    open,
                    inputLeaves(3).get(1),
                    outputHash(1),
                    MarketHashes.merkleProof(results.subList(0, 2), 1)))
        .isInstanceOf(ContractRevertException.class)
        .hasMessageContaining("InvalidProof");
    assertThatThrownBy(() -> requester().claimWithheld(open))
        .isInstanceOf(ContractRevertException.class)
        .hasMessageContaining("ResponseDeadlineNotPassed(deadline=");
    Anvil.advanceTime(chain, Duration.ofHours(1).plusSeconds(1));
    BigInteger before = requester().marketView().balanceOf(requester().address()).send();
    TransactionReceipt claimed = requester().claimWithheld(open);
    assertThat(JobMarket.getLeafWithheldEvents(claimed).get(0).slashed).isEqualTo(COLLATERAL);
    BigInteger after = requester().marketView().balanceOf(requester().address()).send();
    assertThat(after.subtract(before))
        .isEqualTo(PRICE.multiply(BigInteger.valueOf(3)).add(COLLATERAL));
    assertThat(requester().marketView().assignmentRecord(a.jobId, a.index).send())
        .isEqualTo(org.web3j.utils.Numeric.toBytesPadded(MarketClient.Status.SLASHED.code(), 32));
  }
}
