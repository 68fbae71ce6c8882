// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {MarketFixture, TestMerkle} from "./MarketFixture.sol";
import {ProviderRegistry} from "../../main/solidity/ProviderRegistry.sol";
import {JobMarket} from "../../main/solidity/JobMarket.sol";

contract JobMarketChallengeTest is MarketFixture {
    JobMarket.Assignment internal committed;

    function setUp() public override {
        super.setUp();
        (, JobMarket.Assignment memory a) = postAssigned(4, 0);
        committed = commitResults(a);
    }

    function vote(uint256 id, bool[3] memory upheld, bool[3] memory reveals) internal {
        address[] memory m = members(id);
        for (uint256 i; i < m.length; ++i) {
            commitVote(id, m[i], upheld[i]);
        }
        vm.warp(block.timestamp + VOTING + 1);
        for (uint256 i; i < m.length; ++i) {
            if (reveals[i]) revealVote(id, m[i], upheld[i]);
        }
    }

    function testCommitteeExcludesThePartiesAndLocksPenalty() public {
        (uint256 id,) = openChallenge(committed, 2);
        address[] memory m = members(id);
        assertEq(m.length, COMMITTEE, "committee size");
        for (uint256 i; i < m.length; ++i) {
            assertTrue(m[i] != providers[0] && m[i] != challenger && m[i] != requester, "no party");
            assertEq(registry.providerOf(m[i]).locked, PENALTY, "penalty locked");
            for (uint256 j; j < i; ++j) assertTrue(m[i] != m[j], "distinct");
        }
        assertEq(
            market.assignmentRecord(committed.jobId, 0),
            keccak256(abi.encode(_challenged())),
            "record shows the challenge"
        );
    }

    function _challenged() internal view returns (JobMarket.Assignment memory c) {
        c = clone(committed);
        c.status = JobMarket.Status.Challenged;
    }

    function testUpheldChallengeSlashesProviderAndPaysChallengerAndMajority() public {
        (uint256 id, JobMarket.Assignment memory c) = openChallenge(committed, 1);
        address[] memory m = members(id);
        vote(id, [true, true, false], [true, true, true]);
        market.resolve(id, c);
        // Pool = collateral; half to the challenger, half to the two upholding members.
        assertEq(market.balanceOf(challenger), BOND + COLLATERAL / 2, "bond back + half the pool");
        assertEq(market.balanceOf(m[0]), COLLATERAL / 4, "majority voter");
        assertEq(market.balanceOf(m[1]), COLLATERAL / 4, "majority voter");
        assertEq(market.balanceOf(m[2]), 0, "minority voter unpaid");
        assertEq(registry.providerOf(m[2]).locked, 0, "minority voter's penalty unlocked");
        assertEq(market.balanceOf(requester), 4 * uint256(PRICE), "requester refunded");
        ProviderRegistry.Provider memory p = registry.providerOf(providers[0]);
        assertEq(p.stake, 5 ether - COLLATERAL, "provider slashed");
        assertEq(p.locked, 0, "nothing left locked");
        assertEq(p.timesSlashed, 1, "counted");
        assertEq(uint256(market.assignmentRecord(c.jobId, 0)), uint256(JobMarket.Status.Slashed), "terminal");
        vm.warp(c.challengeDeadline + 1);
        vm.expectRevert(
            abi.encodeWithSelector(JobMarket.WrongStatus.selector, JobMarket.Status.Slashed, JobMarket.Status.Committed)
        );
        market.finalize(committed);
    }

    function testRejectedChallengeForfeitsBondAndLetsProviderFinalize() public {
        (uint256 id, JobMarket.Assignment memory c) = openChallenge(committed, 0);
        address[] memory m = members(id);
        vote(id, [false, false, true], [true, true, true]);
        market.resolve(id, c);
        assertEq(market.withdrawable(providers[0]), BOND / 2, "half the bond to the provider");
        assertEq(market.balanceOf(m[0]), BOND / 4, "majority voter");
        assertEq(market.balanceOf(m[1]), BOND / 4, "majority voter");
        assertEq(market.balanceOf(m[2]), 0, "minority voter unpaid");
        assertEq(market.balanceOf(challenger), 0, "bond lost");
        assertEq(market.assignmentRecord(c.jobId, 0), keccak256(abi.encode(committed)), "back to committed");
        vm.warp(committed.challengeDeadline + 1);
        market.finalize(committed);
        assertEq(market.withdrawable(providers[0]), BOND / 2 + 4 * uint256(PRICE), "paid");
    }

    function testNoQuorumVoidsTheChallengeAndPenalizesSilentMembers() public {
        (uint256 id, JobMarket.Assignment memory c) = openChallenge(committed, 0);
        address[] memory m = members(id);
        vote(id, [true, true, true], [true, false, false]);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.ChallengeNotDecidable.selector, uint40(block.timestamp - VOTING - 1 + VOTING + REVEAL)));
        market.resolve(id, c);
        vm.warp(block.timestamp + REVEAL);
        market.resolve(id, c);
        assertEq(market.balanceOf(challenger), BOND, "bond refunded");
        // Pool = two penalties; half to the single revealer, the rest to the provider.
        assertEq(market.balanceOf(m[0]), PENALTY, "revealer");
        assertEq(market.withdrawable(providers[0]), PENALTY, "provider");
        assertEq(registry.providerOf(m[1]).stake, 5 ether - PENALTY, "silent member slashed");
        assertEq(registry.providerOf(m[1]).locked, 0, "nothing left locked");
        assertEq(market.assignmentRecord(c.jobId, 0), keccak256(abi.encode(committed)), "back to committed");
    }

    function testTieIsVoid() public {
        (uint256 id, JobMarket.Assignment memory c) = openChallenge(committed, 0);
        vote(id, [true, false, false], [true, true, false]);
        vm.warp(block.timestamp + REVEAL);
        market.resolve(id, c);
        assertEq(market.balanceOf(challenger), BOND, "bond refunded on a tie");
        assertEq(registry.providerOf(providers[0]).stake, 5 ether, "provider not slashed");
    }

    function testNobodyRevealsPenaltiesGoToProvider() public {
        (uint256 id, JobMarket.Assignment memory c) = openChallenge(committed, 0);
        vm.warp(block.timestamp + VOTING + REVEAL + 1);
        market.resolve(id, c);
        assertEq(market.withdrawable(providers[0]), 3 * PENALTY, "penalties to the provider");
        assertEq(market.balanceOf(challenger), BOND, "bond refunded");
    }

    function testWindowKeepsRunningDuringAChallenge() public {
        (uint256 id, JobMarket.Assignment memory c) = openChallenge(committed, 0);
        vote(id, [false, false, false], [true, true, true]);
        market.resolve(id, c);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.ChallengeWindowClosed.selector, committed.challengeDeadline));
        this.challengeAgain(committed);
    }

    function testSecondChallengeAfterARejectedOneInsideTheWindow() public {
        (, JobMarket.Assignment memory a) = postAssignedSalt(2, 2, 11, 1 days);
        a = commitResults(a);
        (uint256 id, JobMarket.Assignment memory c) = openChallenge(a, 0);
        vote(id, [false, false, false], [true, true, true]);
        market.resolve(id, c);
        (uint256 id2,) = openChallenge(a, 1);
        assertEq(id2, id + 1, "second challenge opened");
    }

    function challengeAgain(JobMarket.Assignment memory a) external {
        openChallenge(a, 3);
    }

    // ---------------------------------------------------------------- challenge reverts

    function testChallengeRules() public {
        bytes32[] memory inputs = inputLeaves(4);
        bytes32[] memory proof = TestMerkle.proof(resultLeaves(committed), 1);
        vm.startPrank(challenger);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.WrongBond.selector, 1, BOND));
        market.challenge{value: 1}(committed, 1, inputs[1], outputHash(1), proof);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.ShardNotInAssignment.selector, uint32(4)));
        market.challenge{value: BOND}(committed, 4, inputs[1], outputHash(1), proof);
        vm.expectRevert(JobMarket.InvalidProof.selector);
        market.challenge{value: BOND}(committed, 1, inputs[1], outputHash(2), proof);
        vm.expectRevert(JobMarket.InvalidProof.selector);
        market.challenge{value: BOND}(committed, 2, inputs[1], outputHash(1), proof);
        vm.warp(committed.challengeDeadline + 1);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.ChallengeWindowClosed.selector, committed.challengeDeadline));
        market.challenge{value: BOND}(committed, 1, inputs[1], outputHash(1), proof);
        vm.stopPrank();
    }

    function testChallengeOnUncommittedOrFinalizedOrChallengedAssignmentReverts() public {
        (, JobMarket.Assignment memory fresh) = postAssignedSalt(2, 1, 99);
        bytes32[] memory none = new bytes32[](0);
        vm.prank(challenger);
        vm.expectRevert(
            abi.encodeWithSelector(JobMarket.WrongStatus.selector, JobMarket.Status.Assigned, JobMarket.Status.Committed)
        );
        market.challenge{value: BOND}(fresh, 0, 0, 0, none);

        (, JobMarket.Assignment memory c) = openChallenge(committed, 0);
        vm.prank(challenger);
        vm.expectRevert(
            abi.encodeWithSelector(JobMarket.WrongStatus.selector, JobMarket.Status.Challenged, JobMarket.Status.Committed)
        );
        market.challenge{value: BOND}(c, 0, 0, 0, none);
        vm.expectRevert(
            abi.encodeWithSelector(JobMarket.WrongStatus.selector, JobMarket.Status.Challenged, JobMarket.Status.Committed)
        );
        market.finalize(c);

        JobMarket.Assignment memory done = commitResults(fresh);
        vm.warp(done.challengeDeadline + 1);
        market.finalize(done);
        vm.prank(challenger);
        vm.expectRevert(
            abi.encodeWithSelector(JobMarket.WrongStatus.selector, JobMarket.Status.Finalized, JobMarket.Status.Committed)
        );
        market.challenge{value: BOND}(done, 0, 0, 0, none);
    }

    function postAssignedSalt(uint32 shards, uint256 who, uint64 salt)
        internal
        returns (JobMarket.JobSpec memory s, JobMarket.Assignment memory a)
    {
        return postAssignedSalt(shards, who, salt, WINDOW);
    }

    function postAssignedSalt(uint32 shards, uint256 who, uint64 salt, uint32 window)
        internal
        returns (JobMarket.JobSpec memory s, JobMarket.Assignment memory a)
    {
        s = spec(shards, 1);
        s.salt = salt;
        s.challengeWindow = window;
        JobMarket.Bid memory b = bid(jobIdOf(s), who, 0, shards, 0);
        bytes memory sig = sign(who, b);
        vm.prank(requester);
        market.postAndAssign{value: uint256(PRICE) * shards}(s, one(b), one(sig));
        a = assignmentOf(s, b, 0);
    }

    function testChallengeNeedsEnoughEligibleProviders() public {
        // Unbond all but the provider and three others: too few for a committee of three.
        for (uint256 i = 3; i < 6; ++i) {
            vm.prank(providers[i]);
            registry.unbond(5 ether);
        }
        bytes32[] memory inputs = inputLeaves(4);
        bytes32[] memory proof = TestMerkle.proof(resultLeaves(committed), 0);
        vm.prank(challenger);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.CommitteeUnavailable.selector, 2, 3));
        market.challenge{value: BOND}(committed, 0, inputs[0], outputHash(0), proof);
    }

    function testProviderSlashedBelowMinimumTakesNoWorkAndSitsOnNoCommittee() public {
        // Provider 1 keeps exactly the minimum, commits, loses a challenge and drops below it.
        vm.prank(providers[1]);
        registry.unbond(4 ether);
        (, JobMarket.Assignment memory a) = postAssignedSalt(2, 1, 5);
        a = commitResults(a);
        (uint256 id, JobMarket.Assignment memory c) = openChallenge(a, 0);
        vote(id, [true, true, true], [true, true, true]);
        market.resolve(id, c);
        assertEq(registry.providerOf(providers[1]).stake, MIN_STAKE - COLLATERAL, "below minimum");
        JobMarket.JobSpec memory s = spec(1, 1);
        s.salt = 6;
        JobMarket.Bid memory b = bid(jobIdOf(s), 1, 0, 1, 0);
        bytes memory sig = sign(1, b);
        vm.prank(requester);
        vm.expectRevert(
            abi.encodeWithSelector(
                ProviderRegistry.ProviderNotEligible.selector, providers[1], MIN_STAKE - COLLATERAL, MIN_STAKE
            )
        );
        market.postAndAssign{value: PRICE}(s, one(b), one(sig));
        (, JobMarket.Assignment memory other) = postAssignedSalt(2, 2, 8);
        other = commitResults(other);
        (uint256 id2,) = openChallenge(other, 1);
        address[] memory m = members(id2);
        for (uint256 i; i < m.length; ++i) assertTrue(m[i] != providers[1], "not drawn");
    }

    // ---------------------------------------------------------------- voting reverts

    function testVotingRules() public {
        (uint256 id, JobMarket.Assignment memory c) = openChallenge(committed, 0);
        address[] memory m = members(id);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.UnknownChallenge.selector, 99));
        market.commitVote(99, bytes32(uint256(1)));
        vm.prank(challenger);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.NotCommitteeMember.selector, challenger));
        market.commitVote(id, bytes32(uint256(1)));
        commitVote(id, m[0], true);
        vm.prank(m[0]);
        vm.expectRevert(JobMarket.AlreadyCommitted.selector);
        market.commitVote(id, bytes32(uint256(1)));
        JobMarket.Challenge memory info = market.challengeOf(id);
        vm.prank(m[0]);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.RevealNotOpen.selector, info.commitDeadline));
        market.revealVote(id, true, keccak256(abi.encode(m[0])));
        vm.warp(info.commitDeadline + 1);
        vm.prank(m[1]);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.VotingClosed.selector, info.commitDeadline));
        market.commitVote(id, bytes32(uint256(1)));
        vm.prank(m[1]);
        vm.expectRevert(JobMarket.NoCommitment.selector);
        market.revealVote(id, true, keccak256(abi.encode(m[1])));
        vm.prank(m[0]);
        vm.expectRevert(JobMarket.CommitmentMismatch.selector);
        market.revealVote(id, false, keccak256(abi.encode(m[0])));
        revealVote(id, m[0], true);
        vm.prank(m[0]);
        vm.expectRevert(JobMarket.AlreadyRevealed.selector);
        market.revealVote(id, true, keccak256(abi.encode(m[0])));
        vm.warp(info.revealDeadline + 1);
        vm.prank(m[0]);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.RevealClosed.selector, info.revealDeadline));
        market.revealVote(id, true, keccak256(abi.encode(m[0])));
        vm.expectRevert(JobMarket.AssignmentMismatch.selector);
        market.resolve(id, committed); // the record says Challenged
        JobMarket.Assignment memory other = clone(c);
        other.index = 1;
        vm.expectRevert(JobMarket.AssignmentMismatch.selector);
        market.resolve(id, other);
        market.resolve(id, c);
        vm.expectRevert(JobMarket.ChallengeAlreadyResolved.selector);
        market.resolve(id, c);
    }

    function testResolveEarlyOnceEveryMemberRevealed() public {
        (uint256 id, JobMarket.Assignment memory c) = openChallenge(committed, 0);
        vote(id, [true, true, true], [true, true, true]);
        market.resolve(id, c); // before the reveal deadline
        assertEq(uint256(market.assignmentRecord(c.jobId, 0)), uint256(JobMarket.Status.Slashed), "decided");
    }

    function testMarketHoldsExactlyWhatItOwesAfterAChallenge() public {
        (uint256 id, JobMarket.Assignment memory c) = openChallenge(committed, 0);
        vote(id, [true, false, true], [true, true, false]);
        vm.warp(block.timestamp + REVEAL);
        market.resolve(id, c);
        address[] memory m = members(id);
        uint256 owed = market.balanceOf(challenger) + market.balanceOf(requester) + market.withdrawable(providers[0]);
        for (uint256 i; i < m.length; ++i) owed += market.balanceOf(m[i]);
        owed += 4 * uint256(PRICE); // the assignment is live again: its payment stays in escrow
        assertEq(address(market).balance, owed, "market balance = what it owes");
    }
}
