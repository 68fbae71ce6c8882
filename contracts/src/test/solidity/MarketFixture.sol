// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {HyphaeTest} from "./HyphaeTest.sol";
import {ProviderRegistry} from "../../main/solidity/ProviderRegistry.sol";
import {JobMarket} from "../../main/solidity/JobMarket.sol";

/// @notice Merkle trees in the fixed Hyphae format: commutative keccak pairs, an odd last node
/// carried up unchanged, a one-leaf tree's root is the leaf (docs/contracts.md).
library TestMerkle {
    function hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }

    function root(bytes32[] memory leaves) internal pure returns (bytes32) {
        uint256 n = leaves.length;
        bytes32[] memory level = new bytes32[](n);
        for (uint256 i; i < n; ++i) level[i] = leaves[i];
        while (n > 1) {
            uint256 m = (n + 1) / 2;
            for (uint256 i; i < n / 2; ++i) level[i] = hashPair(level[2 * i], level[2 * i + 1]);
            if (n % 2 == 1) level[m - 1] = level[n - 1];
            n = m;
        }
        return level[0];
    }

    function proof(bytes32[] memory leaves, uint256 index) internal pure returns (bytes32[] memory) {
        uint256 n = leaves.length;
        bytes32[] memory level = new bytes32[](n);
        for (uint256 i; i < n; ++i) level[i] = leaves[i];
        bytes32[] memory out = new bytes32[](256);
        uint256 len;
        while (n > 1) {
            uint256 sibling = index ^ 1;
            if (sibling < n) out[len++] = level[sibling];
            uint256 m = (n + 1) / 2;
            for (uint256 i; i < n / 2; ++i) level[i] = hashPair(level[2 * i], level[2 * i + 1]);
            if (n % 2 == 1) level[m - 1] = level[n - 1];
            n = m;
            index /= 2;
        }
        bytes32[] memory p = new bytes32[](len);
        for (uint256 i; i < len; ++i) p[i] = out[i];
        return p;
    }
}

/// @notice A registry and a market wired together, funded providers, and helpers for specs, signed
/// bids, commits and committee votes.
abstract contract MarketFixture is HyphaeTest {
    uint256 internal constant MIN_STAKE = 1 ether;
    uint64 internal constant UNBONDING_DELAY = 1 days;
    uint256 internal constant BOND = 0.5 ether;
    uint256 internal constant PENALTY = 0.1 ether;
    uint256 internal constant COMMITTEE = 3;
    uint256 internal constant VOTING = 1 hours;
    uint256 internal constant REVEAL = 1 hours;
    uint96 internal constant PRICE = 0.01 ether;
    uint96 internal constant COLLATERAL = 0.2 ether;
    uint32 internal constant WINDOW = 1 hours;

    ProviderRegistry internal registry;
    JobMarket internal market;

    address internal requester = address(0xBEEF);
    address internal challenger = address(0xC4A1);
    uint256[] internal providerKeys;
    address[] internal providers;
    bytes internal constant PEER_ID = hex"08021221024b1e5b";

    function setUp() public virtual {
        vm.warp(1_000_000);
        vm.roll(100);
        registry = new ProviderRegistry(MIN_STAKE, UNBONDING_DELAY);
        market = new JobMarket(registry, BOND, PENALTY, COMMITTEE, VOTING, REVEAL);
        registry.setMarket(address(market));
        vm.deal(requester, 1000 ether);
        vm.deal(challenger, 100 ether);
        for (uint256 i; i < 6; ++i) {
            uint256 key = 0xA000 + i;
            address p = vm.addr(key);
            providerKeys.push(key);
            providers.push(p);
            vm.deal(p, 100 ether);
            vm.prank(p);
            registry.register{value: 5 ether}(PEER_ID);
        }
    }

    // ---------------------------------------------------------------- specs and bids

    function inputLeaves(uint256 shards) internal pure returns (bytes32[] memory leaves) {
        leaves = new bytes32[](shards);
        for (uint256 i; i < shards; ++i) {
            leaves[i] = keccak256(bytes.concat(keccak256(abi.encode(i, keccak256(abi.encode("input", i))))));
        }
    }

    function outputHash(uint256 shard) internal pure returns (bytes32) {
        return keccak256(abi.encode("output", shard));
    }

    function spec(uint32 shards, uint8 redundancy) internal view returns (JobMarket.JobSpec memory s) {
        s.modelHash = keccak256("model");
        s.profileHash = keccak256("profile");
        s.inputRoot = TestMerkle.root(inputLeaves(shards));
        s.shardCount = shards;
        s.redundancy = redundancy;
        s.maxPricePerShard = PRICE;
        s.commitDeadline = uint40(block.timestamp + 1 days);
        s.challengeWindow = WINDOW;
        s.salt = 7;
        s.requesterPeerId = PEER_ID;
    }

    function escrowOf(JobMarket.JobSpec memory s) internal pure returns (uint256) {
        return uint256(s.shardCount) * s.redundancy * s.maxPricePerShard;
    }

    function jobIdOf(JobMarket.JobSpec memory s) internal view returns (uint256) {
        return uint256(keccak256(abi.encode(requester, s)));
    }

    function bid(uint256 jobId, uint256 who, uint32 first, uint32 count, uint8 replica)
        internal
        view
        returns (JobMarket.Bid memory b)
    {
        b = JobMarket.Bid({
            jobId: jobId,
            provider: providers[who],
            firstShard: first,
            shardCount: count,
            replica: replica,
            pricePerShard: PRICE,
            collateral: COLLATERAL,
            expiry: uint64(block.timestamp + 1 hours)
        });
    }

    function sign(uint256 who, JobMarket.Bid memory b) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(providerKeys[who], market.hashBid(b));
        return abi.encodePacked(r, s, v);
    }

    function one(JobMarket.Bid memory b) internal pure returns (JobMarket.Bid[] memory bids) {
        bids = new JobMarket.Bid[](1);
        bids[0] = b;
    }

    function one(bytes memory sig) internal pure returns (bytes[] memory sigs) {
        sigs = new bytes[](1);
        sigs[0] = sig;
    }

    /// @dev The assignment record the market emits for bid `i` of a job.
    function assignmentOf(JobMarket.JobSpec memory s, JobMarket.Bid memory b, uint16 index)
        internal
        view
        returns (JobMarket.Assignment memory a)
    {
        a.jobId = b.jobId;
        a.index = index;
        a.replica = b.replica;
        a.status = JobMarket.Status.Assigned;
        a.requester = requester;
        a.provider = b.provider;
        a.firstShard = b.firstShard;
        a.shardCount = b.shardCount;
        a.pricePerShard = b.pricePerShard;
        a.collateral = b.collateral;
        a.commitDeadline = s.commitDeadline;
        a.challengeWindow = s.challengeWindow;
    }

    /// @dev Posts and assigns a job of `shards` shards to provider `who` in one transaction.
    function postAssigned(uint32 shards, uint256 who)
        internal
        returns (JobMarket.JobSpec memory s, JobMarket.Assignment memory a)
    {
        s = spec(shards, 1);
        JobMarket.Bid memory b = bid(jobIdOf(s), who, 0, shards, 0);
        bytes memory sig = sign(who, b); // before the prank: it calls the market
        vm.prank(requester);
        market.postAndAssign{value: uint256(PRICE) * shards}(s, one(b), one(sig));
        a = assignmentOf(s, b, 0);
    }

    // ---------------------------------------------------------------- results

    function resultLeaves(JobMarket.Assignment memory a) internal pure returns (bytes32[] memory leaves) {
        bytes32[] memory inputs = inputLeaves(a.firstShard + a.shardCount);
        leaves = new bytes32[](a.shardCount);
        for (uint256 i; i < a.shardCount; ++i) {
            uint256 shard = a.firstShard + i;
            leaves[i] = keccak256(bytes.concat(keccak256(abi.encode(shard, inputs[shard], outputHash(shard)))));
        }
    }

    /// @dev Memory structs are references: tests that change a copy must clone first.
    function clone(JobMarket.Assignment memory a) internal pure returns (JobMarket.Assignment memory) {
        return abi.decode(abi.encode(a), (JobMarket.Assignment));
    }

    function clone(JobMarket.Bid memory b) internal pure returns (JobMarket.Bid memory) {
        return abi.decode(abi.encode(b), (JobMarket.Bid));
    }

    function commitResults(JobMarket.Assignment memory assigned) internal returns (JobMarket.Assignment memory a) {
        a = clone(assigned);
        bytes32 root = TestMerkle.root(resultLeaves(a));
        vm.prank(a.provider);
        market.commit(a, root);
        a.status = JobMarket.Status.Committed;
        a.resultRoot = root;
        a.challengeDeadline = uint40(block.timestamp + a.challengeWindow);
    }

    function openChallenge(JobMarket.Assignment memory a, uint32 shard)
        internal
        returns (uint256 id, JobMarket.Assignment memory challenged)
    {
        bytes32[] memory inputs = inputLeaves(a.firstShard + a.shardCount);
        bytes32[] memory proof = TestMerkle.proof(resultLeaves(a), shard - a.firstShard);
        vm.prank(challenger);
        id = market.challenge{value: BOND}(a, shard, inputs[shard], outputHash(shard), proof);
        challenged = clone(a);
        challenged.status = JobMarket.Status.Challenged;
    }

    function members(uint256 id) internal view returns (address[] memory) {
        return market.challengeOf(id).members;
    }

    function commitVote(uint256 id, address member, bool upheld) internal {
        bytes32 commitment = market.voteCommitment(id, member, upheld, keccak256(abi.encode(member)));
        vm.prank(member);
        market.commitVote(id, commitment);
    }

    function revealVote(uint256 id, address member, bool upheld) internal {
        vm.prank(member);
        market.revealVote(id, upheld, keccak256(abi.encode(member)));
    }
}
