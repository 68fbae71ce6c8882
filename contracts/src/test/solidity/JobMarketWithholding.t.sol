// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {MarketFixture, TestMerkle} from "./MarketFixture.sol";
import {JobMarket} from "../../main/solidity/JobMarket.sol";

/// @notice Withholding challenge: demand a shard's result leaf, answer it with a proof, or slash
/// the provider when it does not answer.
contract JobMarketWithholdingTest is MarketFixture {
    JobMarket.Assignment internal committed; // 4 shards, honest root
    JobMarket.Assignment internal holey; // 4 shards, root over shards 0..2 only

    function setUp() public override {
        super.setUp();
        (, JobMarket.Assignment memory a) = postAssigned(4, 0);
        committed = commitResults(a);
        holey = _commitWithoutLastLeaf();
    }

    function _commitWithoutLastLeaf() internal returns (JobMarket.Assignment memory a) {
        JobMarket.JobSpec memory s = spec(4, 1);
        s.salt = 8;
        JobMarket.Bid memory b = bid(jobIdOf(s), 1, 0, 4, 0);
        bytes memory sig = sign(1, b);
        vm.prank(requester);
        market.postAndAssign{value: uint256(PRICE) * 4}(s, one(b), one(sig));
        a = assignmentOf(s, b, 0);
        bytes32[] memory all = resultLeaves(a);
        bytes32[] memory three = new bytes32[](3);
        for (uint256 i; i < 3; ++i) three[i] = all[i];
        bytes32 root = TestMerkle.root(three);
        vm.prank(a.provider);
        market.commit(a, root);
        a.status = JobMarket.Status.Committed;
        a.resultRoot = root;
        a.challengeDeadline = uint40(block.timestamp + a.challengeWindow);
    }

    function _demanded(JobMarket.Assignment memory a) internal pure returns (JobMarket.Assignment memory d) {
        d = clone(a);
        d.status = JobMarket.Status.LeafDemanded;
    }

    function _demand(JobMarket.Assignment memory a, address who, uint32 shard)
        internal
        returns (JobMarket.Assignment memory)
    {
        vm.prank(who);
        market.demandLeaf{value: who == requester ? 0 : BOND}(a, shard);
        return _demanded(a);
    }

    function _answer(JobMarket.Assignment memory d, uint32 shard) internal {
        bytes32[] memory inputs = inputLeaves(d.firstShard + d.shardCount);
        bytes32[] memory proof = TestMerkle.proof(resultLeaves(d), shard - d.firstShard);
        vm.prank(d.provider);
        market.answerLeaf(d, inputs[shard], outputHash(shard), proof);
    }

    // ---------------------------------------------------------------- paths

    function testWithheldLeafSlashesProviderAndMakesRequesterWhole() public {
        uint256 stakeBefore = registry.providerOf(holey.provider).stake;
        JobMarket.Assignment memory d = _demand(holey, requester, 3);
        assertEq(market.assignmentRecord(holey.jobId, 0), keccak256(abi.encode(d)), "record shows the demand");
        JobMarket.LeafDemand memory ld = market.leafDemandOf(holey.jobId, 0);
        assertEq(ld.demander, requester, "demander");
        assertEq(ld.shard, 3, "shard");
        assertEq(ld.responseDeadline, block.timestamp + VOTING, "response deadline");

        // Nobody can answer: the root has no leaf for shard 3.
        bytes32[] memory inputs = inputLeaves(4);
        bytes32[] memory proof = TestMerkle.proof(resultLeaves(holey), 2);
        vm.expectRevert(JobMarket.InvalidProof.selector);
        market.answerLeaf(d, inputs[3], outputHash(3), proof);

        vm.warp(block.timestamp + VOTING + 1);
        uint256 before = market.balanceOf(requester);
        market.claimWithheld(d);
        uint256 payment = uint256(PRICE) * 4;
        assertEq(market.balanceOf(requester) - before, payment + COLLATERAL, "payment and collateral to requester");
        assertEq(registry.providerOf(holey.provider).stake, stakeBefore - COLLATERAL, "collateral slashed");
        assertEq(registry.providerOf(holey.provider).locked, 0, "nothing left locked");
        assertEq(registry.providerOf(holey.provider).timesSlashed, 1, "slash counted");
        assertEq(
            market.assignmentRecord(holey.jobId, 0), bytes32(uint256(JobMarket.Status.Slashed)), "ended Slashed"
        );
        assertEq(market.leafDemandOf(holey.jobId, 0).demander, address(0), "demand closed");

        vm.expectRevert(
            abi.encodeWithSelector(
                JobMarket.WrongStatus.selector, JobMarket.Status.Slashed, JobMarket.Status.LeafDemanded
            )
        );
        market.claimWithheld(d);
        vm.expectRevert(
            abi.encodeWithSelector(JobMarket.WrongStatus.selector, JobMarket.Status.Slashed, JobMarket.Status.Committed)
        );
        market.finalize(holey);
    }

    function testBondedDemandTimeoutReturnsBond() public {
        JobMarket.Assignment memory d = _demand(holey, challenger, 3);
        vm.warp(block.timestamp + VOTING + 1);
        uint256 before = market.balanceOf(requester);
        market.claimWithheld(d);
        assertEq(market.balanceOf(challenger), BOND, "bond back");
        assertEq(market.balanceOf(requester) - before, uint256(PRICE) * 4 + COLLATERAL, "requester whole");
    }

    function testAnsweredDemandReopensWindowForAChallengeOfThatLeaf() public {
        uint40 originalDeadline = committed.challengeDeadline;
        vm.warp(originalDeadline - 10 minutes);
        JobMarket.Assignment memory d = _demand(committed, challenger, 2);
        vm.warp(block.timestamp + 50 minutes); // past the original window, inside the response period
        _answer(d, 2);
        assertEq(market.balanceOf(providers[0]), BOND, "an answered bonded demand pays the provider");
        JobMarket.Assignment memory c = clone(committed);
        c.challengeDeadline = uint40(block.timestamp + VOTING);
        assertEq(market.assignmentRecord(c.jobId, 0), keccak256(abi.encode(c)), "Committed, window extended");
        assertEq(market.leafDemandOf(c.jobId, 0).demander, address(0), "demand closed");

        // No fresh demand in the extension, but a challenge of the answered leaf goes ahead.
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.ChallengeWindowClosed.selector, originalDeadline));
        market.demandLeaf(c, 1);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.ChallengeWindowOpen.selector, c.challengeDeadline));
        market.finalize(c);
        (uint256 id,) = openChallenge(c, 2);
        assertEq(members(id).length, COMMITTEE, "committee drawn");
    }

    function testRequesterDemandIsFreeAndFinalizesAfterTheWindow() public {
        vm.warp(block.timestamp + 1 minutes);
        JobMarket.Assignment memory d = _demand(committed, requester, 1);
        _answer(d, 1);
        assertEq(market.balanceOf(providers[0]), 0, "requester's demand costs no bond");
        JobMarket.Assignment memory c = clone(committed);
        if (c.challengeDeadline < block.timestamp + VOTING) c.challengeDeadline = uint40(block.timestamp + VOTING);
        assertEq(market.assignmentRecord(c.jobId, 0), keccak256(abi.encode(c)), "Committed again");
        // Another demand inside the original window is allowed.
        d = _demand(c, requester, 0);
        _answer(d, 0);
        c.challengeDeadline = uint40(block.timestamp + VOTING);
        vm.warp(c.challengeDeadline + 1);
        market.finalize(c);
        assertEq(market.assignmentRecord(c.jobId, 0), bytes32(uint256(JobMarket.Status.Finalized)), "finalized");
    }

    // ---------------------------------------------------------------- reverts

    function testDemandRules() public {
        // Not committed yet.
        (, JobMarket.Assignment memory assigned) = postAssignedSalted(2, 9);
        vm.prank(requester);
        vm.expectRevert(
            abi.encodeWithSelector(JobMarket.WrongStatus.selector, JobMarket.Status.Assigned, JobMarket.Status.Committed)
        );
        market.demandLeaf(assigned, 0);
        // Wrong record.
        JobMarket.Assignment memory wrong = clone(committed);
        wrong.collateral += 1;
        vm.prank(requester);
        vm.expectRevert(JobMarket.AssignmentMismatch.selector);
        market.demandLeaf(wrong, 0);
        // Bonds: the requester pays none, anyone else exactly the bond.
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.WrongBond.selector, BOND, 0));
        market.demandLeaf{value: BOND}(committed, 0);
        vm.prank(challenger);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.WrongBond.selector, 0, BOND));
        market.demandLeaf(committed, 0);
        // Shard outside the assignment.
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.ShardNotInAssignment.selector, 4));
        market.demandLeaf(committed, 4);
        // One demand at a time; no finalize or challenge meanwhile.
        JobMarket.Assignment memory d = _demand(committed, requester, 0);
        vm.prank(challenger);
        vm.expectRevert(
            abi.encodeWithSelector(
                JobMarket.WrongStatus.selector, JobMarket.Status.LeafDemanded, JobMarket.Status.Committed
            )
        );
        market.demandLeaf{value: BOND}(d, 1);
        vm.warp(committed.challengeDeadline + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                JobMarket.WrongStatus.selector, JobMarket.Status.LeafDemanded, JobMarket.Status.Committed
            )
        );
        market.finalize(d);
    }

    function testDemandAfterWindowReverts() public {
        vm.warp(committed.challengeDeadline + 1);
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.ChallengeWindowClosed.selector, committed.challengeDeadline));
        market.demandLeaf(committed, 0);
    }

    function testChallengeDuringDemandReverts() public {
        JobMarket.Assignment memory d = _demand(committed, requester, 0);
        bytes32[] memory inputs = inputLeaves(4);
        bytes32[] memory proof = TestMerkle.proof(resultLeaves(committed), 0);
        vm.prank(challenger);
        vm.expectRevert(
            abi.encodeWithSelector(
                JobMarket.WrongStatus.selector, JobMarket.Status.LeafDemanded, JobMarket.Status.Committed
            )
        );
        market.challenge{value: BOND}(d, 0, inputs[0], outputHash(0), proof);
    }

    function testAnswerRules() public {
        // No demand open.
        bytes32[] memory inputs = inputLeaves(4);
        bytes32[] memory proof = TestMerkle.proof(resultLeaves(committed), 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                JobMarket.WrongStatus.selector, JobMarket.Status.Committed, JobMarket.Status.LeafDemanded
            )
        );
        market.answerLeaf(committed, inputs[1], outputHash(1), proof);
        JobMarket.Assignment memory d = _demand(committed, requester, 1);
        // A valid leaf of another shard does not answer.
        bytes32[] memory proof0 = TestMerkle.proof(resultLeaves(committed), 0);
        vm.expectRevert(JobMarket.InvalidProof.selector);
        market.answerLeaf(d, inputs[0], outputHash(0), proof0);
        // A wrong output does not answer.
        vm.expectRevert(JobMarket.InvalidProof.selector);
        market.answerLeaf(d, inputs[1], outputHash(2), proof);
        // Too late.
        vm.warp(block.timestamp + VOTING + 1);
        vm.expectRevert(
            abi.encodeWithSelector(JobMarket.ResponseDeadlinePassed.selector, uint40(block.timestamp - 1))
        );
        market.answerLeaf(d, inputs[1], outputHash(1), proof);
    }

    function testClaimRules() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                JobMarket.WrongStatus.selector, JobMarket.Status.Committed, JobMarket.Status.LeafDemanded
            )
        );
        market.claimWithheld(committed);
        JobMarket.Assignment memory d = _demand(committed, requester, 1);
        uint40 deadline = uint40(block.timestamp + VOTING);
        vm.warp(deadline);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.ResponseDeadlineNotPassed.selector, deadline));
        market.claimWithheld(d);
        // Answered at the last second: nothing to claim (the record is Committed again).
        _answer(d, 1);
        vm.warp(deadline + 1);
        vm.expectRevert(JobMarket.AssignmentMismatch.selector);
        market.claimWithheld(d);
    }

    function postAssignedSalted(uint32 shards, uint64 salt)
        internal
        returns (JobMarket.JobSpec memory s, JobMarket.Assignment memory a)
    {
        s = spec(shards, 1);
        s.salt = salt;
        JobMarket.Bid memory b = bid(jobIdOf(s), 2, 0, shards, 0);
        bytes memory sig = sign(2, b);
        vm.prank(requester);
        market.postAndAssign{value: uint256(PRICE) * shards}(s, one(b), one(sig));
        a = assignmentOf(s, b, 0);
    }
}
