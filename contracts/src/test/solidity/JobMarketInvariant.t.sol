// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {HyphaeTest} from "./HyphaeTest.sol";
import {MarketFixture, TestMerkle} from "./MarketFixture.sol";
import {ProviderRegistry} from "../../main/solidity/ProviderRegistry.sol";
import {JobMarket} from "../../main/solidity/JobMarket.sol";

/// @notice Drives the market through random sequences of whole-protocol actions and keeps ghost
/// accounts of what the market and the registry owe.
contract MarketHandler is MarketFixture {
    JobMarket.Assignment[] internal live; // Assigned or Committed
    JobMarket.Assignment[] internal ended; // Finalized, Reclaimed or Slashed
    JobMarket.JobSpec[] internal openJobs;
    uint256 internal salt = 1000;

    // Ghosts.
    uint256 public escrowOpen; // escrow of open jobs
    uint256 public paymentsLive; // payments held for live assignments
    mapping(bytes32 => uint256) public timesPaid;
    bool public paidTwice;
    bool public endedWasChallenged;
    uint256 public challengesResolved;
    uint256 public assignmentsEnded;
    address[] public accounts;

    constructor() {
        setUp();
        accounts.push(requester);
        accounts.push(challenger);
        for (uint256 i; i < providers.length; ++i) accounts.push(providers[i]);
    }

    function registryOf() external view returns (ProviderRegistry) {
        return registry;
    }

    function marketOf() external view returns (JobMarket) {
        return market;
    }

    function providerCount() external view returns (uint256) {
        return providers.length;
    }

    function providerAddress(uint256 i) external view returns (address) {
        return providers[i];
    }

    function accountCount() external view returns (uint256) {
        return accounts.length;
    }

    // ---------------------------------------------------------------- actions

    function postAndAssign(uint8 who, uint8 shards, uint96 price) external {
        uint256 p = bound(who, 0, providers.length - 1);
        if (registry.freeStake(providers[p]) < COLLATERAL) return;
        if (registry.providerOf(providers[p]).stake < MIN_STAKE) return;
        JobMarket.JobSpec memory s = spec(uint32(bound(shards, 1, 20)), 1);
        s.salt = uint64(++salt);
        JobMarket.Bid memory b = bid(jobIdOf(s), p, 0, s.shardCount, 0);
        b.pricePerShard = uint96(bound(price, 0, PRICE));
        bytes memory sig = sign(p, b);
        uint256 cost = uint256(b.pricePerShard) * s.shardCount;
        vm.prank(requester);
        market.postAndAssign{value: cost}(s, one(b), one(sig));
        live.push(assignmentOf(s, b, 0));
        paymentsLive += cost;
    }

    function postOpenJob(uint8 shards) external {
        JobMarket.JobSpec memory s = spec(uint32(bound(shards, 1, 20)), 1);
        s.salt = uint64(++salt);
        vm.prank(requester);
        market.postJob{value: escrowOf(s)}(s);
        openJobs.push(s);
        escrowOpen += escrowOf(s);
    }

    function cancelOrAssignOpenJob(uint256 pick, bool cancel, uint8 who) external {
        if (openJobs.length == 0) return;
        uint256 i = pick % openJobs.length;
        JobMarket.JobSpec memory s = openJobs[i];
        openJobs[i] = openJobs[openJobs.length - 1];
        openJobs.pop();
        escrowOpen -= escrowOf(s);
        uint256 p = bound(who, 0, providers.length - 1);
        bool eligible =
            registry.freeStake(providers[p]) >= COLLATERAL && registry.providerOf(providers[p]).stake >= MIN_STAKE;
        if (cancel || !eligible || block.timestamp >= s.commitDeadline) {
            vm.prank(requester);
            market.cancelJob(s);
            return;
        }
        JobMarket.Bid memory b = bid(jobIdOf(s), p, 0, s.shardCount, 0);
        bytes memory sig = sign(p, b);
        vm.prank(requester);
        market.assign(s, one(b), one(sig));
        live.push(assignmentOf(s, b, 0));
        paymentsLive += uint256(PRICE) * s.shardCount;
    }

    function commit(uint256 pick) external {
        if (live.length == 0) return;
        uint256 i = pick % live.length;
        if (live[i].status != JobMarket.Status.Assigned || block.timestamp > live[i].commitDeadline) return;
        live[i] = commitResults(live[i]);
    }

    function warp(uint32 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 2 days));
        vm.roll(block.number + 1);
    }

    /// @dev Settles every live assignment that can be settled (a keeper's sweep).
    function finalizeOrReclaim() external {
        for (uint256 i = live.length; i > 0; --i) {
            JobMarket.Assignment memory a = live[i - 1];
            if (a.status == JobMarket.Status.Committed && block.timestamp > a.challengeDeadline) {
                market.finalize(a);
                _paid(a);
                _end(i - 1);
            } else if (a.status == JobMarket.Status.Assigned && block.timestamp > a.commitDeadline) {
                market.reclaim(a);
                _paid(a);
                _end(i - 1);
            }
        }
    }

    /// @dev A whole challenge in one step: open, vote (some members silent), resolve.
    function challengeAndResolve(uint256 pick, uint8 votePattern, uint8 revealPattern) external {
        if (live.length == 0) return;
        uint256 i = pick % live.length;
        JobMarket.Assignment memory a = live[i];
        if (a.status != JobMarket.Status.Committed || block.timestamp > a.challengeDeadline) return;
        bytes32[] memory inputs = inputLeaves(a.firstShard + a.shardCount);
        bytes32[] memory proof = TestMerkle.proof(resultLeaves(a), 0);
        vm.prank(challenger);
        try market.challenge{value: BOND}(a, a.firstShard, inputs[a.firstShard], outputHash(a.firstShard), proof) returns (
            uint256 id
        ) {
            address[] memory m = members(id);
            for (uint256 k; k < m.length; ++k) commitVote(id, m[k], (votePattern >> k) & 1 == 1);
            vm.warp(block.timestamp + VOTING + 1);
            for (uint256 k; k < m.length; ++k) {
                if ((revealPattern >> k) & 1 == 1) revealVote(id, m[k], (votePattern >> k) & 1 == 1);
            }
            vm.warp(block.timestamp + REVEAL);
            JobMarket.Assignment memory c = clone(a);
            c.status = JobMarket.Status.Challenged;
            market.resolve(id, c);
            challengesResolved++;
            if (uint256(market.assignmentRecord(a.jobId, a.index)) == uint256(JobMarket.Status.Slashed)) {
                _paid(a);
                _end(i);
            }
        } catch (bytes memory err) {
            // Only a committee that cannot be drawn may stop a valid challenge.
            if (bytes4(err) != ProviderRegistry.CommitteeUnavailable.selector) {
                assembly {
                    revert(add(err, 32), mload(err))
                }
            }
        }
    }

    /// @dev A whole withholding challenge in one step: demand a leaf (bonded or not), then answer it
    /// or let the response deadline pass and claim.
    function demandLeaf(uint256 pick, bool answer, bool bonded) external {
        if (live.length == 0) return;
        uint256 i = pick % live.length;
        JobMarket.Assignment memory a = live[i];
        if (a.status != JobMarket.Status.Committed || block.timestamp > a.challengeDeadline) return;
        // Demands stop at the deadline as first set; an answer's extension opens no room for more.
        if (market.leafDemandOf(a.jobId, a.index).demandsUntil != 0) return;
        address who = bonded ? challenger : requester;
        vm.prank(who);
        market.demandLeaf{value: bonded ? BOND : 0}(a, a.firstShard);
        JobMarket.Assignment memory d = clone(a);
        d.status = JobMarket.Status.LeafDemanded;
        if (answer) {
            bytes32[] memory inputs = inputLeaves(a.firstShard + a.shardCount);
            bytes32[] memory proof = TestMerkle.proof(resultLeaves(a), 0);
            market.answerLeaf(d, inputs[a.firstShard], outputHash(a.firstShard), proof);
            if (a.challengeDeadline < block.timestamp + VOTING) a.challengeDeadline = uint40(block.timestamp + VOTING);
            live[i] = a;
        } else {
            vm.warp(block.timestamp + VOTING + 1);
            market.claimWithheld(d);
            _paid(a);
            _end(i);
        }
    }

    /// @dev Tries to pay or challenge an assignment that already ended; records any success.
    function replayEnded(uint256 pick) external {
        if (ended.length == 0) return;
        JobMarket.Assignment memory a = ended[pick % ended.length];
        JobMarket.Assignment memory committedView = clone(a);
        committedView.status = JobMarket.Status.Committed;
        try market.finalize(committedView) {
            paidTwice = true;
        } catch {}
        try market.finalize(a) {
            paidTwice = true;
        } catch {}
        try market.reclaim(a) {
            paidTwice = true;
        } catch {}
        JobMarket.Assignment memory demandedView = clone(a);
        demandedView.status = JobMarket.Status.LeafDemanded;
        try market.claimWithheld(demandedView) {
            paidTwice = true;
        } catch {}
        bytes32[] memory none = new bytes32[](0);
        vm.deal(address(this), BOND);
        try market.challenge{value: BOND}(committedView, a.firstShard, 0, 0, none) {
            endedWasChallenged = true;
        } catch {}
    }

    function withdraw(uint8 who) external {
        address account = accounts[bound(who, 0, accounts.length - 1)];
        if (market.withdrawable(account) == 0) return;
        vm.prank(account);
        market.withdraw();
    }

    function addStake(uint8 who, uint96 amount) external {
        address p = providers[bound(who, 0, providers.length - 1)];
        vm.prank(p);
        registry.addStake{value: bound(amount, 1, 1 ether)}();
    }

    function unbondAndWithdraw(uint8 who, uint96 amount) external {
        address p = providers[bound(who, 0, providers.length - 1)];
        uint256 free = registry.freeStake(p);
        if (free == 0) return;
        vm.prank(p);
        registry.unbond(bound(amount, 1, free));
        if (block.timestamp >= registry.providerOf(p).unbondReadyAt) {
            vm.prank(p);
            registry.withdrawUnbonded();
        }
    }

    function _paid(JobMarket.Assignment memory a) private {
        bytes32 key = keccak256(abi.encode(a.jobId, a.index));
        if (++timesPaid[key] > 1) paidTwice = true;
        paymentsLive -= uint256(a.pricePerShard) * a.shardCount;
    }

    function _end(uint256 i) private {
        assignmentsEnded++;
        ended.push(live[i]);
        live[i] = live[live.length - 1];
        live.pop();
    }
}

contract JobMarketInvariantTest is HyphaeTest {
    /// @dev The shape forge reads from `targetSelectors()`.
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    MarketHandler internal handler;

    function setUp() public {
        handler = new MarketHandler();
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @dev Only the actions: not the handler's setUp or views.
    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory actions = new bytes4[](12);
        actions[0] = MarketHandler.postAndAssign.selector;
        actions[1] = MarketHandler.postOpenJob.selector;
        actions[2] = MarketHandler.cancelOrAssignOpenJob.selector;
        actions[3] = MarketHandler.commit.selector;
        actions[4] = MarketHandler.warp.selector;
        actions[5] = MarketHandler.finalizeOrReclaim.selector;
        actions[6] = MarketHandler.challengeAndResolve.selector;
        actions[7] = MarketHandler.replayEnded.selector;
        actions[8] = MarketHandler.withdraw.selector;
        actions[9] = MarketHandler.addStake.selector;
        actions[10] = MarketHandler.unbondAndWithdraw.selector;
        actions[11] = MarketHandler.demandLeaf.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector(address(handler), actions);
    }

    /// ETH held equals stakes + escrows + bonds + withdrawable balances.
    function invariant_etherIsAccountedFor() public view {
        JobMarket market = handler.marketOf();
        ProviderRegistry registry = handler.registryOf();
        uint256 owed = handler.escrowOpen() + handler.paymentsLive();
        for (uint256 i; i < handler.accountCount(); ++i) owed += market.withdrawable(handler.accounts(i));
        // Bonds: challenges and leaf demands are opened and settled within one action, so none is
        // open here.
        assertEq(address(market).balance, owed, "market: escrows + payments + balances");
        uint256 staked;
        for (uint256 i; i < handler.providerCount(); ++i) {
            ProviderRegistry.Provider memory p = registry.providerOf(handler.providerAddress(i));
            staked += uint256(p.stake) + p.unbonding;
        }
        assertEq(address(registry).balance, staked, "registry: stakes + unbonding");
    }

    function invariant_lockedNeverExceedsStake() public view {
        ProviderRegistry registry = handler.registryOf();
        for (uint256 i; i < handler.providerCount(); ++i) {
            ProviderRegistry.Provider memory p = registry.providerOf(handler.providerAddress(i));
            assertTrue(p.locked <= p.stake, "locked <= stake");
        }
    }

    function invariant_noAssignmentPaysTwice() public view {
        assertFalse(handler.paidTwice(), "an assignment paid twice");
    }

    function invariant_endedAssignmentCannotBeChallenged() public view {
        assertFalse(handler.endedWasChallenged(), "a finalized assignment was challenged");
    }
}
