// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ProviderRegistry} from "./ProviderRegistry.sol";

/// @title Hyphae job market
/// @notice Jobs are posted with escrow, assigned to providers by their EIP-712 signed bids,
/// executed off chain, committed as one Merkle root per assignment, open to challenge for a window,
/// then finalized (or reclaimed when a provider misses its commit deadline). A challenge is decided
/// by a committee of staked providers drawn on chain, voting with commit-reveal.
/// @dev Storage holds one hash per assignment (the keccak of its full `Assignment` record) and one
/// status per job posted without bids; callers pass the full records in calldata and every record
/// appears in an event. docs/contracts.md states every rule.
contract JobMarket is EIP712, ReentrancyGuard {
    // ---------------------------------------------------------------- types

    enum JobStatus {
        None,
        Open,
        Assigned,
        Cancelled
    }

    enum Status {
        None,
        Assigned,
        Committed,
        Challenged,
        Finalized,
        Reclaimed,
        Slashed,
        LeafDemanded
    }

    enum Verdict {
        Void,
        Upheld,
        Rejected
    }

    /// @notice What a requester asks for. jobId = uint256(keccak256(abi.encode(requester, spec))).
    struct JobSpec {
        bytes32 modelHash;
        bytes32 profileHash;
        bytes32 inputRoot;
        uint32 shardCount;
        uint8 redundancy;
        uint96 maxPricePerShard;
        uint40 commitDeadline;
        uint32 challengeWindow;
        uint64 salt;
        bytes requesterPeerId;
    }

    /// @notice A provider's offer, signed with EIP-712 (see BID_TYPEHASH).
    struct Bid {
        uint256 jobId;
        address provider;
        uint32 firstShard;
        uint32 shardCount;
        uint8 replica;
        uint96 pricePerShard;
        uint96 collateral;
        uint64 expiry;
    }

    /// @notice One provider's part of a job. Only keccak256(abi.encode(assignment)) is stored.
    struct Assignment {
        uint256 jobId;
        uint16 index;
        uint8 replica;
        Status status;
        address requester;
        address provider;
        uint32 firstShard;
        uint32 shardCount;
        uint96 pricePerShard;
        uint96 collateral;
        uint40 commitDeadline;
        uint32 challengeWindow;
        bytes32 resultRoot;
        uint40 challengeDeadline;
    }

    struct Challenge {
        uint256 jobId;
        uint16 index;
        address challenger;
        uint40 commitDeadline;
        uint40 revealDeadline;
        uint96 bond;
        uint32 shard;
        uint8 upheld;
        uint8 rejected;
        uint8 revealed;
        bool resolved;
        address[] members;
    }

    /// @notice An open or answered demand for one shard's result leaf (withholding challenge).
    struct LeafDemand {
        address demander; // zero once answered or timed out
        uint32 shard;
        uint40 responseDeadline;
        uint40 demandsUntil; // the challenge deadline when the first demand was made: no demand after it
    }

    struct Vote {
        bytes32 commitment;
        uint8 revealed; // 0 not revealed, 1 upheld (the provider was wrong), 2 rejected
    }

    // ---------------------------------------------------------------- constants and config

    bytes32 public constant BID_TYPEHASH = keccak256(
        "Bid(uint256 jobId,address provider,uint32 firstShard,uint32 shardCount,uint8 replica,uint96 pricePerShard,uint96 collateral,uint64 expiry)"
    );
    bytes32 public constant RECEIPT_TYPEHASH = keccak256(
        "ShardReceipt(uint256 jobId,uint32 shard,bytes32 inputLeaf,bytes32 outputHash,bytes32 profileHash,address provider)"
    );
    uint256 public constant MAX_BIDS = 256;
    uint256 public constant MAX_CHALLENGE_WINDOW = 30 days;
    uint256 public constant MAX_COMMITTEE = 15;

    ProviderRegistry public immutable registry;
    uint256 public immutable challengeBond;
    uint256 public immutable voterPenalty;
    uint256 public immutable committeeSize;
    uint256 public immutable votingPeriod;
    uint256 public immutable revealPeriod;

    // ---------------------------------------------------------------- storage

    mapping(uint256 => JobStatus) public jobStatus;
    mapping(uint256 => mapping(uint256 => bytes32)) private assignmentRecords;
    mapping(address => uint256) public balanceOf;
    mapping(uint256 => Challenge) private challenges;
    mapping(uint256 => mapping(address => Vote)) private votes;
    mapping(uint256 => mapping(uint256 => LeafDemand)) private leafDemands;
    uint256 public challengeCount;

    // ---------------------------------------------------------------- events

    event JobPosted(uint256 indexed jobId, address indexed requester, JobSpec spec, uint256 escrow);
    event JobCancelled(uint256 indexed jobId, uint256 refund);
    event JobAssigned(uint256 indexed jobId, uint256 assignments, uint256 cost, uint256 refund);
    event AssignmentCreated(uint256 indexed jobId, address indexed provider, Assignment assignment);
    event ResultCommitted(
        uint256 indexed jobId, uint16 indexed index, address indexed provider, bytes32 resultRoot, uint40 challengeDeadline
    );
    event AssignmentFinalized(uint256 indexed jobId, uint16 indexed index, address indexed provider, uint256 payment);
    event AssignmentReclaimed(
        uint256 indexed jobId, uint16 indexed index, address indexed provider, uint256 refund, uint256 slashed
    );
    event ChallengeOpened(
        uint256 indexed challengeId,
        uint256 indexed jobId,
        uint16 indexed index,
        address challenger,
        uint32 shard,
        bytes32 inputLeaf,
        bytes32 outputHash,
        address[] members,
        uint40 commitDeadline,
        uint40 revealDeadline
    );
    event LeafDemanded(
        uint256 indexed jobId, uint16 indexed index, address indexed demander, uint32 shard, uint40 responseDeadline
    );
    event LeafAnswered(
        uint256 indexed jobId,
        uint16 indexed index,
        uint32 shard,
        bytes32 inputLeaf,
        bytes32 outputHash,
        uint40 challengeDeadline
    );
    event LeafWithheld(
        uint256 indexed jobId, uint16 indexed index, address indexed provider, uint32 shard, uint256 refund, uint256 slashed
    );
    event VoteCommitted(uint256 indexed challengeId, address indexed member);
    event VoteRevealed(uint256 indexed challengeId, address indexed member, bool upheld);
    event ChallengeResolved(
        uint256 indexed challengeId, Verdict verdict, uint256 upheld, uint256 rejected, uint256 revealed, uint256 pool
    );
    event MemberPenalized(uint256 indexed challengeId, address indexed member, uint256 penalty);
    event Credited(address indexed account, uint256 amount, uint256 balance);
    event Withdrawn(address indexed account, uint256 amount);

    // ---------------------------------------------------------------- errors

    error InvalidSpec(string reason);
    error JobExists(uint256 jobId);
    error WrongEscrow(uint256 sent, uint256 required);
    error JobNotOpen(uint256 jobId, JobStatus status);
    error NoBids();
    error TooManyBids(uint256 count, uint256 max);
    error SignatureCountMismatch(uint256 bids, uint256 signatures);
    error BidForOtherJob(uint256 bid, uint256 jobId, uint256 job);
    error BidExpired(uint256 bid, uint64 expiry);
    error InvalidShardRange(uint256 bid, uint32 firstShard, uint32 shardCount, uint32 jobShards);
    error InvalidReplica(uint256 bid, uint8 replica, uint8 redundancy);
    error BidsOverlapOrUnsorted(uint256 bid);
    error PriceAboveMax(uint256 bid, uint96 price, uint96 maxPrice);
    error InvalidBidSignature(uint256 bid, address signer, address provider);
    error CommitDeadlinePassed(uint40 deadline);
    error UnknownAssignment(uint256 jobId, uint16 index);
    error WrongStatus(Status actual, Status expected);
    error NotProvider(address caller, address provider);
    error NotRequester(address caller, address requester);
    error EmptyResultRoot();
    error ChallengeWindowOpen(uint40 deadline);
    error ChallengeWindowClosed(uint40 deadline);
    error CommitDeadlineNotPassed(uint40 deadline);
    error WrongBond(uint256 sent, uint256 required);
    error ShardNotInAssignment(uint32 shard);
    error InvalidProof();
    error ResponseDeadlinePassed(uint40 deadline);
    error ResponseDeadlineNotPassed(uint40 deadline);
    error UnknownChallenge(uint256 challengeId);
    error NotCommitteeMember(address caller);
    error VotingClosed(uint40 deadline);
    error AlreadyCommitted();
    error RevealNotOpen(uint40 opensAfter);
    error RevealClosed(uint40 deadline);
    error NoCommitment();
    error AlreadyRevealed();
    error CommitmentMismatch();
    error ChallengeNotDecidable(uint40 revealDeadline);
    error ChallengeAlreadyResolved();
    error AssignmentMismatch();
    error NothingToWithdraw();
    error TransferFailed();
    error OnlyRegistry();
    error InvalidConfig(string reason);

    constructor(
        ProviderRegistry registry_,
        uint256 challengeBond_,
        uint256 voterPenalty_,
        uint256 committeeSize_,
        uint256 votingPeriod_,
        uint256 revealPeriod_
    ) EIP712("Hyphae", "1") {
        if (address(registry_) == address(0)) revert InvalidConfig("registry");
        if (challengeBond_ == 0) revert InvalidConfig("challengeBond");
        if (committeeSize_ == 0 || committeeSize_ > MAX_COMMITTEE) revert InvalidConfig("committeeSize");
        if (votingPeriod_ == 0 || revealPeriod_ == 0) revert InvalidConfig("periods");
        registry = registry_;
        challengeBond = challengeBond_;
        voterPenalty = voterPenalty_;
        committeeSize = committeeSize_;
        votingPeriod = votingPeriod_;
        revealPeriod = revealPeriod_;
    }

    /// @notice Slashed stake arrives from the registry; nobody else sends ETH without a purpose.
    receive() external payable {
        if (msg.sender != address(registry)) revert OnlyRegistry();
    }

    // ---------------------------------------------------------------- post, cancel, assign

    /// @notice Posts a job; the escrow must be exactly shardCount * redundancy * maxPricePerShard.
    function postJob(JobSpec calldata spec) external payable returns (uint256 jobId) {
        uint256 escrow = _validate(spec);
        if (msg.value != escrow) revert WrongEscrow(msg.value, escrow);
        jobId = jobIdOf(msg.sender, spec);
        if (jobStatus[jobId] != JobStatus.None || assignmentRecords[jobId][0] != 0) revert JobExists(jobId);
        jobStatus[jobId] = JobStatus.Open;
        emit JobPosted(jobId, msg.sender, spec, escrow);
    }

    /// @notice Cancels an open job (not yet assigned); its escrow becomes withdrawable.
    function cancelJob(JobSpec calldata spec) external {
        uint256 jobId = jobIdOf(msg.sender, spec);
        JobStatus status = jobStatus[jobId];
        if (status != JobStatus.Open) revert JobNotOpen(jobId, status);
        jobStatus[jobId] = JobStatus.Cancelled;
        uint256 refund = _escrowOf(spec);
        emit JobCancelled(jobId, refund);
        _credit(msg.sender, refund);
    }

    /// @notice Assigns an open job to the given bids, once; unused escrow becomes withdrawable.
    function assign(JobSpec calldata spec, Bid[] calldata bids, bytes[] calldata signatures) external {
        uint256 jobId = jobIdOf(msg.sender, spec);
        JobStatus status = jobStatus[jobId];
        if (status != JobStatus.Open) revert JobNotOpen(jobId, status);
        jobStatus[jobId] = JobStatus.Assigned;
        uint256 cost = _assignBids(jobId, spec, bids, signatures);
        uint256 refund = _escrowOf(spec) - cost;
        emit JobAssigned(jobId, bids.length, cost, refund);
        if (refund > 0) _credit(msg.sender, refund);
    }

    /// @notice Posts and assigns in one transaction, with bids gathered off chain first (bids sign
    /// the job id, which is known before posting). The value must cover the bids' total price;
    /// any excess becomes withdrawable.
    function postAndAssign(JobSpec calldata spec, Bid[] calldata bids, bytes[] calldata signatures)
        external
        payable
        returns (uint256 jobId)
    {
        _validate(spec);
        jobId = jobIdOf(msg.sender, spec);
        // An assignment record is never deleted, so a used job id can never be assigned again.
        if (jobStatus[jobId] != JobStatus.None || assignmentRecords[jobId][0] != 0) revert JobExists(jobId);
        emit JobPosted(jobId, msg.sender, spec, msg.value);
        uint256 cost = _assignBids(jobId, spec, bids, signatures);
        if (msg.value < cost) revert WrongEscrow(msg.value, cost);
        uint256 refund = msg.value - cost;
        emit JobAssigned(jobId, bids.length, cost, refund);
        if (refund > 0) _credit(msg.sender, refund);
    }

    // ---------------------------------------------------------------- commit, finalize, reclaim

    /// @notice The provider commits the Merkle root over its result leaves (ascending shard order).
    function commit(Assignment calldata a, bytes32 resultRoot) external {
        _require(a, Status.Assigned);
        if (msg.sender != a.provider) revert NotProvider(msg.sender, a.provider);
        if (block.timestamp > a.commitDeadline) revert CommitDeadlinePassed(a.commitDeadline);
        if (resultRoot == 0) revert EmptyResultRoot();
        Assignment memory m = a;
        m.status = Status.Committed;
        m.resultRoot = resultRoot;
        m.challengeDeadline = uint40(block.timestamp + a.challengeWindow);
        assignmentRecords[a.jobId][a.index] = keccak256(abi.encode(m));
        emit ResultCommitted(a.jobId, a.index, a.provider, resultRoot, m.challengeDeadline);
    }

    /// @notice After the challenge window, with no open challenge: pays the provider (withdrawable),
    /// unlocks its collateral and counts its work. Anyone may call.
    function finalize(Assignment calldata a) public {
        _require(a, Status.Committed);
        if (block.timestamp <= a.challengeDeadline) revert ChallengeWindowOpen(a.challengeDeadline);
        assignmentRecords[a.jobId][a.index] = _terminal(Status.Finalized);
        uint256 payment = uint256(a.pricePerShard) * a.shardCount;
        emit AssignmentFinalized(a.jobId, a.index, a.provider, payment);
        // The payment is booked in the provider's registry record (a slot it already has, where a
        // fresh balance slot here would cost 20k gas); withdraw pays it from this contract.
        registry.recordWork(a.provider, a.collateral, a.shardCount, payment);
    }

    function finalizeBatch(Assignment[] calldata list) external {
        for (uint256 i; i < list.length; ++i) {
            finalize(list[i]);
        }
    }

    /// @notice After a missed commit deadline: the provider's collateral is slashed and, with the
    /// payment, credited to the requester. Anyone may call.
    function reclaim(Assignment calldata a) external nonReentrant {
        _require(a, Status.Assigned);
        if (block.timestamp <= a.commitDeadline) revert CommitDeadlineNotPassed(a.commitDeadline);
        assignmentRecords[a.jobId][a.index] = _terminal(Status.Reclaimed);
        uint256 payment = uint256(a.pricePerShard) * a.shardCount;
        emit AssignmentReclaimed(a.jobId, a.index, a.provider, payment, a.collateral);
        registry.slash(a.provider, a.collateral);
        _credit(a.requester, payment + a.collateral);
    }

    // ---------------------------------------------------------------- withholding challenge

    /// @notice Demands the result leaf of one shard inside the challenge window: for a root with no
    /// leaf for a shard, or withheld outputs, no proof exists and `challenge` cannot be used. The
    /// requester demands without a bond; anyone else deposits `challengeBond`. The provider (or
    /// anyone holding the data) answers with `answerLeaf` within `votingPeriod`, or anyone calls
    /// `claimWithheld` after that and the provider is slashed as on reclaim.
    function demandLeaf(Assignment calldata a, uint32 shard) external payable {
        _require(a, Status.Committed);
        LeafDemand storage d = leafDemands[a.jobId][a.index];
        // Demands may not outlive the window as first set: an answer extends the window only so
        // that the answered leaf can still be challenged, never to open room for more demands.
        uint40 until = d.demandsUntil == 0 ? a.challengeDeadline : d.demandsUntil;
        if (block.timestamp > until) revert ChallengeWindowClosed(until);
        uint256 bond = msg.sender == a.requester ? 0 : challengeBond;
        if (msg.value != bond) revert WrongBond(msg.value, bond);
        if (shard < a.firstShard || shard - a.firstShard >= a.shardCount) revert ShardNotInAssignment(shard);
        Assignment memory m = a;
        m.status = Status.LeafDemanded;
        assignmentRecords[a.jobId][a.index] = keccak256(abi.encode(m));
        uint40 deadline = uint40(block.timestamp + votingPeriod);
        d.demander = msg.sender;
        d.shard = shard;
        d.responseDeadline = deadline;
        d.demandsUntil = until;
        emit LeafDemanded(a.jobId, a.index, msg.sender, shard, deadline);
    }

    /// @notice Answers a leaf demand with the shard's result leaf and its Merkle proof against the
    /// committed root, before the response deadline. Anyone may answer (the proof is what counts).
    /// The assignment is Committed again; the window is extended, if needed, to `votingPeriod`
    /// after the answer so the leaf can be challenged; a bond goes to the provider (the requester's
    /// demand is free, anyone else's costs the bond when the leaf existed).
    function answerLeaf(Assignment calldata a, bytes32 inputLeaf, bytes32 outputHash, bytes32[] calldata proof)
        external
    {
        _require(a, Status.LeafDemanded);
        LeafDemand storage d = leafDemands[a.jobId][a.index];
        if (block.timestamp > d.responseDeadline) revert ResponseDeadlinePassed(d.responseDeadline);
        uint32 shard = d.shard;
        if (!MerkleProof.verifyCalldata(proof, a.resultRoot, hashResultLeaf(shard, inputLeaf, outputHash))) {
            revert InvalidProof();
        }
        address demander = d.demander;
        d.demander = address(0);
        d.responseDeadline = 0;
        Assignment memory m = a;
        m.status = Status.Committed;
        uint256 earliest = block.timestamp + votingPeriod;
        if (m.challengeDeadline < earliest) m.challengeDeadline = uint40(earliest);
        assignmentRecords[a.jobId][a.index] = keccak256(abi.encode(m));
        emit LeafAnswered(a.jobId, a.index, shard, inputLeaf, outputHash, m.challengeDeadline);
        if (demander != a.requester) _credit(a.provider, challengeBond);
    }

    /// @notice After an unanswered leaf demand's response deadline, anyone may end the assignment:
    /// the provider's collateral is slashed and, with the payment, credited to the requester (as on
    /// reclaim); a demander's bond is credited back.
    function claimWithheld(Assignment calldata a) external nonReentrant {
        _require(a, Status.LeafDemanded);
        LeafDemand storage d = leafDemands[a.jobId][a.index];
        if (block.timestamp <= d.responseDeadline) revert ResponseDeadlineNotPassed(d.responseDeadline);
        address demander = d.demander;
        uint32 shard = d.shard;
        d.demander = address(0);
        d.responseDeadline = 0;
        assignmentRecords[a.jobId][a.index] = _terminal(Status.Slashed);
        uint256 payment = uint256(a.pricePerShard) * a.shardCount;
        emit LeafWithheld(a.jobId, a.index, a.provider, shard, payment, a.collateral);
        registry.slash(a.provider, a.collateral);
        _credit(a.requester, payment + a.collateral);
        if (demander != a.requester) _credit(demander, challengeBond);
    }

    /// @notice The leaf demand recorded for an assignment (demander zero when none is open).
    function leafDemandOf(uint256 jobId, uint16 index) external view returns (LeafDemand memory) {
        return leafDemands[jobId][index];
    }

    // ---------------------------------------------------------------- challenge and committee

    /// @notice Challenges one committed shard inside the window with its result leaf, the leaf's
    /// Merkle proof against the committed root, and the bond. Draws the committee.
    function challenge(
        Assignment calldata a,
        uint32 shard,
        bytes32 inputLeaf,
        bytes32 outputHash,
        bytes32[] calldata proof
    ) external payable nonReentrant returns (uint256 challengeId) {
        _require(a, Status.Committed);
        if (block.timestamp > a.challengeDeadline) revert ChallengeWindowClosed(a.challengeDeadline);
        if (msg.value != challengeBond) revert WrongBond(msg.value, challengeBond);
        if (shard < a.firstShard || shard - a.firstShard >= a.shardCount) revert ShardNotInAssignment(shard);
        if (!MerkleProof.verifyCalldata(proof, a.resultRoot, hashResultLeaf(shard, inputLeaf, outputHash))) {
            revert InvalidProof();
        }
        challengeId = ++challengeCount;
        Assignment memory m = a;
        m.status = Status.Challenged;
        assignmentRecords[a.jobId][a.index] = keccak256(abi.encode(m));

        Challenge storage c = challenges[challengeId];
        c.jobId = a.jobId;
        c.index = a.index;
        c.challenger = msg.sender;
        c.bond = uint96(msg.value);
        c.shard = shard;
        c.commitDeadline = uint40(block.timestamp + votingPeriod);
        c.revealDeadline = uint40(block.timestamp + votingPeriod + revealPeriod);
        // Chain randomness: biasable by the block proposer. Production needs a VRF (docs/contracts.md).
        bytes32 seed = keccak256(abi.encode(block.prevrandao, blockhash(block.number - 1), challengeId));
        c.members = registry.drawCommittee(seed, committeeSize, [a.provider, msg.sender, a.requester], voterPenalty);
        emit ChallengeOpened(
            challengeId,
            a.jobId,
            a.index,
            msg.sender,
            shard,
            inputLeaf,
            outputHash,
            c.members,
            c.commitDeadline,
            c.revealDeadline
        );
    }

    /// @notice A member commits keccak256(abi.encode(challengeId, member, upheld, salt)).
    function commitVote(uint256 challengeId, bytes32 commitment) external {
        Challenge storage c = _challenge(challengeId);
        _requireMember(c, msg.sender);
        if (block.timestamp > c.commitDeadline) revert VotingClosed(c.commitDeadline);
        Vote storage v = votes[challengeId][msg.sender];
        if (v.commitment != 0) revert AlreadyCommitted();
        v.commitment = commitment;
        emit VoteCommitted(challengeId, msg.sender);
    }

    /// @notice A member reveals after the commit phase; `upheld` means the provider was wrong.
    function revealVote(uint256 challengeId, bool upheld, bytes32 salt) external nonReentrant {
        Challenge storage c = _challenge(challengeId);
        _requireMember(c, msg.sender);
        if (block.timestamp <= c.commitDeadline) revert RevealNotOpen(c.commitDeadline);
        if (block.timestamp > c.revealDeadline) revert RevealClosed(c.revealDeadline);
        Vote storage v = votes[challengeId][msg.sender];
        if (v.commitment == 0) revert NoCommitment();
        if (v.revealed != 0) revert AlreadyRevealed();
        if (v.commitment != voteCommitment(challengeId, msg.sender, upheld, salt)) revert CommitmentMismatch();
        v.revealed = upheld ? 1 : 2;
        c.revealed += 1;
        if (upheld) c.upheld += 1;
        else c.rejected += 1;
        emit VoteRevealed(challengeId, msg.sender, upheld);
        registry.unlock(msg.sender, voterPenalty);
    }

    /// @notice Decides a challenge after the reveal deadline, or as soon as every member revealed.
    /// Anyone may call; `a` is the challenged assignment as recorded (status Challenged).
    function resolve(uint256 challengeId, Assignment calldata a) external nonReentrant {
        Challenge storage c = _challenge(challengeId);
        if (c.resolved) revert ChallengeAlreadyResolved();
        if (block.timestamp <= c.revealDeadline && c.revealed < c.members.length) {
            revert ChallengeNotDecidable(c.revealDeadline);
        }
        if (a.jobId != c.jobId || a.index != c.index) revert AssignmentMismatch();
        _require(a, Status.Challenged);
        c.resolved = true;

        // Members who did not reveal lose their locked penalty; it joins the pool.
        uint256 pool;
        uint256 n = c.members.length;
        for (uint256 i; i < n; ++i) {
            address member = c.members[i];
            if (votes[challengeId][member].revealed == 0) {
                pool += voterPenalty;
                emit MemberPenalized(challengeId, member, voterPenalty);
                registry.slash(member, voterPenalty);
            }
        }

        Verdict verdict = _verdict(c);
        address party; // who takes the other half of the pool
        uint8 winningVote;
        if (verdict == Verdict.Upheld) {
            assignmentRecords[a.jobId][a.index] = _terminal(Status.Slashed);
            pool += a.collateral;
            registry.slash(a.provider, a.collateral);
            _credit(a.requester, uint256(a.pricePerShard) * a.shardCount);
            _credit(c.challenger, c.bond);
            party = c.challenger;
            winningVote = 1;
        } else {
            Assignment memory m = a;
            m.status = Status.Committed;
            assignmentRecords[a.jobId][a.index] = keccak256(abi.encode(m));
            if (verdict == Verdict.Rejected) {
                pool += c.bond;
                party = a.provider;
                winningVote = 2;
            } else {
                _credit(c.challenger, c.bond);
                party = a.provider;
                winningVote = 0; // void: every revealer shares
            }
        }
        emit ChallengeResolved(challengeId, verdict, c.upheld, c.rejected, c.revealed, pool);
        _sharePool(challengeId, c, pool, party, winningVote);
    }

    // ---------------------------------------------------------------- withdraw

    /// @notice Pays out everything the caller is owed: its balance here and, for a provider, the
    /// earnings booked in its registry record.
    function withdraw() external nonReentrant {
        uint256 amount = balanceOf[msg.sender];
        if (amount > 0) balanceOf[msg.sender] = 0;
        amount += registry.takeEarnings(msg.sender);
        if (amount == 0) revert NothingToWithdraw();
        emit Withdrawn(msg.sender, amount);
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert TransferFailed();
    }

    // ---------------------------------------------------------------- views and hashing

    /// @notice What withdraw would pay `account` now.
    function withdrawable(address account) external view returns (uint256) {
        return balanceOf[account] + registry.providerOf(account).earnings;
    }

    function jobIdOf(address requester, JobSpec calldata spec) public pure returns (uint256) {
        return uint256(keccak256(abi.encode(requester, spec)));
    }

    /// @notice The stored record of an assignment: the keccak of its current `Assignment`, or, once
    /// it ended, bytes32(uint256(status)) for Finalized, Reclaimed or Slashed; zero if none.
    function assignmentRecord(uint256 jobId, uint16 index) external view returns (bytes32) {
        return assignmentRecords[jobId][index];
    }

    function hashAssignment(Assignment calldata a) external pure returns (bytes32) {
        return keccak256(abi.encode(a));
    }

    function hashBid(Bid calldata b) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    BID_TYPEHASH,
                    b.jobId,
                    b.provider,
                    b.firstShard,
                    b.shardCount,
                    b.replica,
                    b.pricePerShard,
                    b.collateral,
                    b.expiry
                )
            )
        );
    }

    function hashReceipt(
        uint256 jobId,
        uint32 shard,
        bytes32 inputLeaf,
        bytes32 outputHash,
        bytes32 profileHash,
        address provider
    ) external view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(abi.encode(RECEIPT_TYPEHASH, jobId, shard, inputLeaf, outputHash, profileHash, provider))
        );
    }

    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    function hashInputLeaf(uint256 shard, bytes32 inputHash) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(shard, inputHash))));
    }

    function hashResultLeaf(uint256 shard, bytes32 inputLeaf, bytes32 outputHash) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(shard, inputLeaf, outputHash))));
    }

    function voteCommitment(uint256 challengeId, address member, bool upheld, bytes32 salt)
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(challengeId, member, upheld, salt));
    }

    function challengeOf(uint256 challengeId) external view returns (Challenge memory) {
        return challenges[challengeId];
    }

    function voteOf(uint256 challengeId, address member) external view returns (Vote memory) {
        return votes[challengeId][member];
    }

    // ---------------------------------------------------------------- internals

    function _validate(JobSpec calldata spec) private view returns (uint256 escrow) {
        if (spec.shardCount == 0) revert InvalidSpec("shardCount");
        if (spec.redundancy == 0) revert InvalidSpec("redundancy");
        if (spec.maxPricePerShard == 0) revert InvalidSpec("maxPricePerShard");
        if (spec.commitDeadline <= block.timestamp) revert InvalidSpec("commitDeadline");
        if (spec.challengeWindow == 0 || spec.challengeWindow > MAX_CHALLENGE_WINDOW) {
            revert InvalidSpec("challengeWindow");
        }
        if (spec.inputRoot == 0) revert InvalidSpec("inputRoot");
        if (spec.requesterPeerId.length == 0) revert InvalidSpec("requesterPeerId");
        escrow = _escrowOf(spec);
    }

    function _escrowOf(JobSpec calldata spec) private pure returns (uint256) {
        return uint256(spec.shardCount) * spec.redundancy * spec.maxPricePerShard;
    }

    /// @dev Bids must be sorted by (replica, firstShard) with no overlap within a replica.
    function _assignBids(uint256 jobId, JobSpec calldata spec, Bid[] calldata bids, bytes[] calldata signatures)
        private
        returns (uint256 cost)
    {
        uint256 n = bids.length;
        if (n == 0) revert NoBids();
        if (n > MAX_BIDS) revert TooManyBids(n, MAX_BIDS);
        if (n != signatures.length) revert SignatureCountMismatch(n, signatures.length);
        if (spec.commitDeadline <= block.timestamp) revert CommitDeadlinePassed(spec.commitDeadline);
        uint256 prevReplica;
        uint256 prevEnd;
        for (uint256 i; i < n; ++i) {
            Bid calldata b = bids[i];
            _checkBid(i, jobId, spec, b);
            if (i > 0 && (b.replica < prevReplica || (b.replica == prevReplica && b.firstShard < prevEnd))) {
                revert BidsOverlapOrUnsorted(i);
            }
            prevReplica = b.replica;
            prevEnd = uint256(b.firstShard) + b.shardCount;
            (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecover(hashBid(b), signatures[i]);
            if (err != ECDSA.RecoverError.NoError || signer != b.provider) {
                revert InvalidBidSignature(i, signer, b.provider);
            }
            registry.lock(b.provider, b.collateral);
            _createAssignment(jobId, i, spec, b);
            cost += uint256(b.pricePerShard) * b.shardCount;
        }
    }

    function _createAssignment(uint256 jobId, uint256 i, JobSpec calldata spec, Bid calldata b) private {
        Assignment memory a;
        a.jobId = jobId;
        a.index = uint16(i);
        a.replica = b.replica;
        a.status = Status.Assigned;
        a.requester = msg.sender;
        a.provider = b.provider;
        a.firstShard = b.firstShard;
        a.shardCount = b.shardCount;
        a.pricePerShard = b.pricePerShard;
        a.collateral = b.collateral;
        a.commitDeadline = spec.commitDeadline;
        a.challengeWindow = spec.challengeWindow;
        assignmentRecords[jobId][i] = keccak256(abi.encode(a));
        emit AssignmentCreated(jobId, b.provider, a);
    }

    function _checkBid(uint256 i, uint256 jobId, JobSpec calldata spec, Bid calldata b) private view {
        if (b.jobId != jobId) revert BidForOtherJob(i, b.jobId, jobId);
        if (block.timestamp > b.expiry) revert BidExpired(i, b.expiry);
        if (b.shardCount == 0 || uint256(b.firstShard) + b.shardCount > spec.shardCount) {
            revert InvalidShardRange(i, b.firstShard, b.shardCount, spec.shardCount);
        }
        if (b.replica >= spec.redundancy) revert InvalidReplica(i, b.replica, spec.redundancy);
        if (b.pricePerShard > spec.maxPricePerShard) revert PriceAboveMax(i, b.pricePerShard, spec.maxPricePerShard);
    }

    function _require(Assignment calldata a, Status expected) private view {
        bytes32 record = assignmentRecords[a.jobId][a.index];
        if (record == 0) revert UnknownAssignment(a.jobId, a.index);
        if (uint256(record) <= uint256(type(uint8).max)) revert WrongStatus(Status(uint8(uint256(record))), expected);
        if (record != keccak256(abi.encode(a))) revert AssignmentMismatch();
        if (a.status != expected) revert WrongStatus(a.status, expected);
    }

    function _terminal(Status s) private pure returns (bytes32) {
        return bytes32(uint256(uint8(s)));
    }

    function _challenge(uint256 challengeId) private view returns (Challenge storage c) {
        c = challenges[challengeId];
        if (c.challenger == address(0)) revert UnknownChallenge(challengeId);
    }

    function _requireMember(Challenge storage c, address who) private view {
        uint256 n = c.members.length;
        for (uint256 i; i < n; ++i) {
            if (c.members[i] == who) return;
        }
        revert NotCommitteeMember(who);
    }

    /// @dev Quorum: more than half the committee revealed. Without quorum, or on a tie, void.
    function _verdict(Challenge storage c) private view returns (Verdict) {
        if (uint256(c.revealed) * 2 <= c.members.length) return Verdict.Void;
        if (c.upheld == c.rejected) return Verdict.Void;
        return c.upheld > c.rejected ? Verdict.Upheld : Verdict.Rejected;
    }

    /// @dev Half the pool to the winning party, half shared equally by the members who voted with
    /// the verdict (on a void verdict: by every member who revealed); rounding and any share with
    /// nobody to take it go to the party.
    function _sharePool(uint256 challengeId, Challenge storage c, uint256 pool, address party, uint8 winningVote)
        private
    {
        if (pool == 0) return;
        uint256 n = c.members.length;
        uint256 winners;
        for (uint256 i; i < n; ++i) {
            uint8 v = votes[challengeId][c.members[i]].revealed;
            if (v != 0 && (winningVote == 0 || v == winningVote)) winners++;
        }
        uint256 votersShare = winners == 0 ? 0 : pool / 2;
        uint256 each = winners == 0 ? 0 : votersShare / winners;
        for (uint256 i; i < n && each > 0; ++i) {
            address member = c.members[i];
            uint8 v = votes[challengeId][member].revealed;
            if (v != 0 && (winningVote == 0 || v == winningVote)) _credit(member, each);
        }
        _credit(party, pool - each * winners);
    }

    function _credit(address account, uint256 amount) private {
        uint256 balance = balanceOf[account] + amount;
        balanceOf[account] = balance;
        emit Credited(account, amount, balance);
    }
}
