// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {MarketFixture, TestMerkle} from "./MarketFixture.sol";
import {ProviderRegistry} from "../../main/solidity/ProviderRegistry.sol";
import {JobMarket} from "../../main/solidity/JobMarket.sol";

contract RejectsEther {
    function withdrawFrom(JobMarket market) external {
        market.withdraw();
    }

    function post(JobMarket market, JobMarket.JobSpec calldata s) external payable {
        market.postJob{value: msg.value}(s);
    }

    function cancel(JobMarket market, JobMarket.JobSpec calldata s) external {
        market.cancelJob(s);
    }
}

contract JobMarketTest is MarketFixture {
    // ---------------------------------------------------------------- happy paths

    function testPostAndAssignCommitFinalizeWithdrawPaysProvider() public {
        (, JobMarket.Assignment memory a) = postAssigned(4, 0);
        assertEq(registry.providerOf(providers[0]).locked, COLLATERAL, "collateral locked");
        assertEq(market.assignmentRecord(a.jobId, 0), keccak256(abi.encode(a)), "record is the hash");
        a = commitResults(a);
        vm.warp(a.challengeDeadline + 1);
        market.finalize(a);
        assertEq(market.withdrawable(providers[0]), 4 * uint256(PRICE), "payment withdrawable");
        ProviderRegistry.Provider memory p = registry.providerOf(providers[0]);
        assertEq(p.locked, 0, "collateral unlocked");
        assertEq(p.jobsCompleted, 1, "jobs completed");
        assertEq(p.shardsServed, 4, "shards served");
        assertEq(uint256(market.assignmentRecord(a.jobId, 0)), uint256(JobMarket.Status.Finalized), "terminal");
        uint256 before = providers[0].balance;
        vm.prank(providers[0]);
        market.withdraw();
        assertEq(providers[0].balance - before, 4 * uint256(PRICE), "withdrawn");
        assertEq(address(market).balance, 0, "market holds nothing");
    }

    function testPostJobThenAssignTwoReplicasRefundsUnusedEscrow() public {
        JobMarket.JobSpec memory s = spec(10, 2);
        uint256 jobId = jobIdOf(s);
        vm.prank(requester);
        uint256 posted = market.postJob{value: escrowOf(s)}(s);
        assertEq(posted, jobId, "job id is the spec hash");
        assertEq(uint256(market.jobStatus(jobId)), uint256(JobMarket.JobStatus.Open), "open");
        JobMarket.Bid[] memory bids = new JobMarket.Bid[](3);
        bids[0] = bid(jobId, 0, 0, 6, 0);
        bids[1] = bid(jobId, 1, 6, 4, 0);
        bids[2] = bid(jobId, 2, 0, 5, 1);
        bids[2].pricePerShard = PRICE / 2;
        bytes[] memory sigs = new bytes[](3);
        for (uint256 i; i < 3; ++i) sigs[i] = sign(i, bids[i]);
        vm.prank(requester);
        market.assign(s, bids, sigs);
        uint256 cost = 10 * uint256(PRICE) + 5 * uint256(PRICE / 2);
        assertEq(market.balanceOf(requester), escrowOf(s) - cost, "unused escrow refunded");
        assertEq(uint256(market.jobStatus(jobId)), uint256(JobMarket.JobStatus.Assigned), "assigned");
        for (uint256 i; i < 3; ++i) {
            JobMarket.Assignment memory a = assignmentOf(s, bids[i], uint16(i));
            assertEq(market.assignmentRecord(jobId, uint16(i)), keccak256(abi.encode(a)), "record");
        }
    }

    function testPostAndAssignCreditsExcessValue() public {
        JobMarket.JobSpec memory s = spec(2, 1);
        JobMarket.Bid memory b = bid(jobIdOf(s), 0, 0, 2, 0);
        bytes memory sig = sign(0, b);
        vm.prank(requester);
        market.postAndAssign{value: 1 ether}(s, one(b), one(sig));
        assertEq(market.balanceOf(requester), 1 ether - 2 * uint256(PRICE), "excess withdrawable");
    }

    function testCancelOpenJobRefundsEscrow() public {
        JobMarket.JobSpec memory s = spec(3, 1);
        vm.startPrank(requester);
        market.postJob{value: escrowOf(s)}(s);
        market.cancelJob(s);
        vm.stopPrank();
        assertEq(market.balanceOf(requester), escrowOf(s), "escrow refunded");
        assertEq(uint256(market.jobStatus(jobIdOf(s))), uint256(JobMarket.JobStatus.Cancelled), "cancelled");
    }

    function testFinalizeBatchFinalizesEveryAssignment() public {
        JobMarket.JobSpec memory s = spec(4, 1);
        uint256 jobId = jobIdOf(s);
        JobMarket.Bid[] memory bids = new JobMarket.Bid[](2);
        bids[0] = bid(jobId, 0, 0, 2, 0);
        bids[1] = bid(jobId, 1, 2, 2, 0);
        bytes[] memory sigs = new bytes[](2);
        sigs[0] = sign(0, bids[0]);
        sigs[1] = sign(1, bids[1]);
        vm.prank(requester);
        market.postAndAssign{value: escrowOf(s)}(s, bids, sigs);
        JobMarket.Assignment[] memory list = new JobMarket.Assignment[](2);
        list[0] = commitResults(assignmentOf(s, bids[0], 0));
        list[1] = commitResults(assignmentOf(s, bids[1], 1));
        vm.warp(block.timestamp + WINDOW + 1);
        market.finalizeBatch(list);
        assertEq(market.withdrawable(providers[0]), 2 * uint256(PRICE), "first paid");
        assertEq(market.withdrawable(providers[1]), 2 * uint256(PRICE), "second paid");
    }

    function testReclaimAfterMissedCommitSlashesAndRefunds() public {
        (, JobMarket.Assignment memory a) = postAssigned(3, 0);
        vm.warp(a.commitDeadline + 1);
        market.reclaim(a);
        assertEq(market.balanceOf(requester), 3 * uint256(PRICE) + COLLATERAL, "payment + collateral");
        ProviderRegistry.Provider memory p = registry.providerOf(providers[0]);
        assertEq(p.stake, 5 ether - COLLATERAL, "slashed");
        assertEq(p.locked, 0, "nothing locked");
        assertEq(p.timesSlashed, 1, "counted");
        assertEq(address(market).balance, market.balanceOf(requester), "all ETH accounted");
    }

    // ---------------------------------------------------------------- posting rules

    function testPostRejectsInvalidSpecs() public {
        string[7] memory reasons = [
            "shardCount",
            "redundancy",
            "maxPricePerShard",
            "commitDeadline",
            "challengeWindow",
            "inputRoot",
            "requesterPeerId"
        ];
        for (uint256 i; i < reasons.length; ++i) {
            JobMarket.JobSpec memory s = spec(2, 1);
            if (i == 0) s.shardCount = 0;
            if (i == 1) s.redundancy = 0;
            if (i == 2) s.maxPricePerShard = 0;
            if (i == 3) s.commitDeadline = uint40(block.timestamp);
            if (i == 4) s.challengeWindow = 0;
            if (i == 5) s.inputRoot = 0;
            if (i == 6) s.requesterPeerId = "";
            vm.prank(requester);
            vm.expectRevert(abi.encodeWithSelector(JobMarket.InvalidSpec.selector, reasons[i]));
            market.postJob{value: 1 ether}(s);
        }
        JobMarket.JobSpec memory tooLong = spec(2, 1);
        tooLong.challengeWindow = uint32(31 days);
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.InvalidSpec.selector, "challengeWindow"));
        market.postJob{value: 1 ether}(tooLong);
    }

    function testPostRejectsWrongEscrow() public {
        JobMarket.JobSpec memory s = spec(2, 1);
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.WrongEscrow.selector, 1, escrowOf(s)));
        market.postJob{value: 1}(s);
    }

    function testPostingTheSameJobTwiceReverts() public {
        JobMarket.JobSpec memory s = spec(2, 1);
        vm.startPrank(requester);
        market.postJob{value: escrowOf(s)}(s);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.JobExists.selector, jobIdOf(s)));
        market.postJob{value: escrowOf(s)}(s);
        JobMarket.Bid memory b = bid(jobIdOf(s), 0, 0, 2, 0);
        bytes memory sig = sign(0, b);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.JobExists.selector, jobIdOf(s)));
        market.postAndAssign{value: escrowOf(s)}(s, one(b), one(sig));
        vm.stopPrank();
    }

    function testFinalizedJobCannotBeReplayedWithTheSameBids() public {
        JobMarket.JobSpec memory s = spec(1, 1);
        JobMarket.Bid memory b = bid(jobIdOf(s), 0, 0, 1, 0);
        bytes memory sig = sign(0, b);
        vm.prank(requester);
        market.postAndAssign{value: PRICE}(s, one(b), one(sig));
        JobMarket.Assignment memory a = commitResults(assignmentOf(s, b, 0));
        vm.warp(a.challengeDeadline + 1);
        market.finalize(a);
        vm.warp(a.challengeDeadline - WINDOW); // back inside the bid's expiry
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.JobExists.selector, jobIdOf(s)));
        market.postAndAssign{value: PRICE}(s, one(b), one(sig));
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.JobExists.selector, jobIdOf(s)));
        market.postJob{value: PRICE}(s);
    }

    function testCancelRequiresAnOpenJob() public {
        JobMarket.JobSpec memory s = spec(2, 1);
        uint256 jobId = jobIdOf(s);
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.JobNotOpen.selector, jobId, JobMarket.JobStatus.None));
        market.cancelJob(s);
        vm.prank(requester);
        market.postJob{value: escrowOf(s)}(s);
        // Another account names another job: the job id includes the requester.
        uint256 otherId = uint256(keccak256(abi.encode(challenger, s)));
        vm.prank(challenger);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.JobNotOpen.selector, otherId, JobMarket.JobStatus.None));
        market.cancelJob(s);
        JobMarket.Bid memory b = bid(jobId, 0, 0, 2, 0);
        bytes memory sig = sign(0, b);
        vm.startPrank(requester);
        market.assign(s, one(b), one(sig));
        vm.expectRevert(abi.encodeWithSelector(JobMarket.JobNotOpen.selector, jobId, JobMarket.JobStatus.Assigned));
        market.cancelJob(s);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.JobNotOpen.selector, jobId, JobMarket.JobStatus.Assigned));
        market.assign(s, one(b), one(sig));
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- bid rules

    function expectAssignRevert(JobMarket.JobSpec memory s, JobMarket.Bid[] memory bids, bytes[] memory sigs, bytes memory err)
        internal
    {
        vm.prank(requester);
        vm.expectRevert(err);
        market.postAndAssign{value: escrowOf(s)}(s, bids, sigs);
    }

    function testAssignRejectsEmptyAndMismatchedBidLists() public {
        JobMarket.JobSpec memory s = spec(2, 1);
        expectAssignRevert(s, new JobMarket.Bid[](0), new bytes[](0), abi.encodeWithSelector(JobMarket.NoBids.selector));
        JobMarket.Bid memory b = bid(jobIdOf(s), 0, 0, 2, 0);
        expectAssignRevert(
            s, one(b), new bytes[](0), abi.encodeWithSelector(JobMarket.SignatureCountMismatch.selector, 1, 0)
        );
        expectAssignRevert(
            s,
            new JobMarket.Bid[](257),
            new bytes[](257),
            abi.encodeWithSelector(JobMarket.TooManyBids.selector, 257, 256)
        );
    }

    function testAssignRejectsBidForAnotherJob() public {
        JobMarket.JobSpec memory s = spec(2, 1);
        JobMarket.Bid memory b = bid(123, 0, 0, 2, 0);
        expectAssignRevert(
            s, one(b), one(sign(0, b)), abi.encodeWithSelector(JobMarket.BidForOtherJob.selector, 0, 123, jobIdOf(s))
        );
    }

    function testAssignRejectsExpiredBid() public {
        JobMarket.JobSpec memory s = spec(2, 1);
        JobMarket.Bid memory b = bid(jobIdOf(s), 0, 0, 2, 0);
        b.expiry = uint64(block.timestamp - 1);
        expectAssignRevert(
            s, one(b), one(sign(0, b)), abi.encodeWithSelector(JobMarket.BidExpired.selector, 0, b.expiry)
        );
    }

    function testAssignRejectsInvalidShardRanges() public {
        JobMarket.JobSpec memory s = spec(4, 1);
        JobMarket.Bid memory empty = bid(jobIdOf(s), 0, 0, 0, 0);
        expectAssignRevert(
            s,
            one(empty),
            one(sign(0, empty)),
            abi.encodeWithSelector(JobMarket.InvalidShardRange.selector, 0, uint32(0), uint32(0), uint32(4))
        );
        JobMarket.Bid memory beyond = bid(jobIdOf(s), 0, 3, 2, 0);
        expectAssignRevert(
            s,
            one(beyond),
            one(sign(0, beyond)),
            abi.encodeWithSelector(JobMarket.InvalidShardRange.selector, 0, uint32(3), uint32(2), uint32(4))
        );
    }

    function testAssignRejectsReplicaBeyondRedundancy() public {
        JobMarket.JobSpec memory s = spec(4, 2);
        JobMarket.Bid memory b = bid(jobIdOf(s), 0, 0, 4, 2);
        expectAssignRevert(
            s, one(b), one(sign(0, b)), abi.encodeWithSelector(JobMarket.InvalidReplica.selector, 0, uint8(2), uint8(2))
        );
    }

    function testAssignRejectsOverlappingOrUnsortedBids() public {
        JobMarket.JobSpec memory s = spec(10, 2);
        uint256 jobId = jobIdOf(s);
        JobMarket.Bid[] memory bids = new JobMarket.Bid[](2);
        bytes[] memory sigs = new bytes[](2);
        // Overlap within replica 0.
        bids[0] = bid(jobId, 0, 0, 5, 0);
        bids[1] = bid(jobId, 1, 4, 3, 0);
        sigs[0] = sign(0, bids[0]);
        sigs[1] = sign(1, bids[1]);
        expectAssignRevert(s, bids, sigs, abi.encodeWithSelector(JobMarket.BidsOverlapOrUnsorted.selector, 1));
        // Replicas out of order.
        bids[0] = bid(jobId, 0, 0, 5, 1);
        bids[1] = bid(jobId, 1, 5, 5, 0);
        sigs[0] = sign(0, bids[0]);
        sigs[1] = sign(1, bids[1]);
        expectAssignRevert(s, bids, sigs, abi.encodeWithSelector(JobMarket.BidsOverlapOrUnsorted.selector, 1));
        // The same shards in two replicas is fine.
        bids[0] = bid(jobId, 0, 0, 10, 0);
        bids[1] = bid(jobId, 1, 0, 10, 1);
        sigs[0] = sign(0, bids[0]);
        sigs[1] = sign(1, bids[1]);
        vm.prank(requester);
        market.postAndAssign{value: escrowOf(s)}(s, bids, sigs);
    }

    function testAssignRejectsPriceAboveMax() public {
        JobMarket.JobSpec memory s = spec(2, 1);
        JobMarket.Bid memory b = bid(jobIdOf(s), 0, 0, 2, 0);
        b.pricePerShard = PRICE + 1;
        expectAssignRevert(
            s, one(b), one(sign(0, b)), abi.encodeWithSelector(JobMarket.PriceAboveMax.selector, 0, PRICE + 1, PRICE)
        );
    }

    function testAssignRejectsTamperedOrForeignSignatures() public {
        JobMarket.JobSpec memory s = spec(2, 1);
        JobMarket.Bid memory b = bid(jobIdOf(s), 0, 0, 2, 0);
        bytes memory sig = sign(0, b);
        // The requester raises the collateral after the provider signed.
        JobMarket.Bid memory tampered = clone(b);
        tampered.collateral = COLLATERAL + 1;
        vm.prank(requester);
        vm.expectRevert(); // the recovered signer is some other address
        market.postAndAssign{value: escrowOf(s)}(s, one(tampered), one(sig));
        // Signed by another provider.
        expectAssignRevert(
            s,
            one(b),
            one(sign(1, b)),
            abi.encodeWithSelector(JobMarket.InvalidBidSignature.selector, 0, providers[1], providers[0])
        );
        // Malformed signature.
        expectAssignRevert(
            s,
            one(b),
            one(hex"1234"),
            abi.encodeWithSelector(JobMarket.InvalidBidSignature.selector, 0, address(0), providers[0])
        );
    }

    function testAssignRejectsUnregisteredOrUnderstakedProvider() public {
        JobMarket.JobSpec memory s = spec(2, 1);
        uint256 key = 0xDEAD;
        JobMarket.Bid memory b = bid(jobIdOf(s), 0, 0, 2, 0);
        b.provider = vm.addr(key);
        (uint8 v, bytes32 r, bytes32 sg) = vm.sign(key, market.hashBid(b));
        expectAssignRevert(
            s,
            one(b),
            one(abi.encodePacked(r, sg, v)),
            abi.encodeWithSelector(ProviderRegistry.ProviderNotEligible.selector, b.provider, 0, MIN_STAKE)
        );
        JobMarket.Bid memory greedy = bid(jobIdOf(s), 0, 0, 2, 0);
        greedy.collateral = 6 ether;
        expectAssignRevert(
            s,
            one(greedy),
            one(sign(0, greedy)),
            abi.encodeWithSelector(ProviderRegistry.InsufficientFreeStake.selector, providers[0], 6 ether, 5 ether)
        );
    }

    function testAssignAfterCommitDeadlineReverts() public {
        JobMarket.JobSpec memory s = spec(2, 1);
        vm.prank(requester);
        market.postJob{value: escrowOf(s)}(s);
        JobMarket.Bid memory b = bid(jobIdOf(s), 0, 0, 2, 0);
        b.expiry = uint64(s.commitDeadline + 10);
        bytes memory sig = sign(0, b);
        vm.warp(s.commitDeadline);
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.CommitDeadlinePassed.selector, s.commitDeadline));
        market.assign(s, one(b), one(sig));
    }

    function testPostAndAssignRejectsTooLittleValue() public {
        JobMarket.JobSpec memory s = spec(2, 1);
        JobMarket.Bid memory b = bid(jobIdOf(s), 0, 0, 2, 0);
        bytes memory sig = sign(0, b);
        vm.prank(requester);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.WrongEscrow.selector, PRICE, 2 * uint256(PRICE)));
        market.postAndAssign{value: PRICE}(s, one(b), one(sig));
    }

    // ---------------------------------------------------------------- commit, finalize, reclaim rules

    function testCommitRules() public {
        (, JobMarket.Assignment memory a) = postAssigned(2, 0);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.NotProvider.selector, address(this), providers[0]));
        market.commit(a, bytes32(uint256(1)));
        vm.prank(providers[0]);
        vm.expectRevert(JobMarket.EmptyResultRoot.selector);
        market.commit(a, 0);
        JobMarket.Assignment memory forged = clone(a);
        forged.pricePerShard = PRICE * 2;
        vm.prank(providers[0]);
        vm.expectRevert(JobMarket.AssignmentMismatch.selector);
        market.commit(forged, bytes32(uint256(1)));
        JobMarket.Assignment memory unknown = clone(a);
        unknown.index = 1;
        vm.prank(providers[0]);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.UnknownAssignment.selector, a.jobId, uint16(1)));
        market.commit(unknown, bytes32(uint256(1)));
        vm.warp(a.commitDeadline + 1);
        vm.prank(providers[0]);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.CommitDeadlinePassed.selector, a.commitDeadline));
        market.commit(a, bytes32(uint256(1)));
    }

    function testCommitTwiceReverts() public {
        (, JobMarket.Assignment memory a) = postAssigned(2, 0);
        commitResults(a);
        vm.prank(providers[0]);
        vm.expectRevert(JobMarket.AssignmentMismatch.selector);
        market.commit(a, bytes32(uint256(1)));
    }

    function testFinalizeRules() public {
        (, JobMarket.Assignment memory a) = postAssigned(2, 0);
        vm.expectRevert(
            abi.encodeWithSelector(JobMarket.WrongStatus.selector, JobMarket.Status.Assigned, JobMarket.Status.Committed)
        );
        market.finalize(a);
        a = commitResults(a);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.ChallengeWindowOpen.selector, a.challengeDeadline));
        market.finalize(a);
        vm.warp(a.challengeDeadline + 1);
        market.finalize(a);
        vm.expectRevert(
            abi.encodeWithSelector(JobMarket.WrongStatus.selector, JobMarket.Status.Finalized, JobMarket.Status.Committed)
        );
        market.finalize(a);
        assertEq(market.withdrawable(providers[0]), 2 * uint256(PRICE), "paid once");
    }

    function testReclaimRules() public {
        (, JobMarket.Assignment memory a) = postAssigned(2, 0);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.CommitDeadlineNotPassed.selector, a.commitDeadline));
        market.reclaim(a);
        JobMarket.Assignment memory c = commitResults(a);
        vm.warp(a.commitDeadline + 1);
        vm.expectRevert(JobMarket.AssignmentMismatch.selector);
        market.reclaim(a);
        vm.expectRevert(
            abi.encodeWithSelector(JobMarket.WrongStatus.selector, JobMarket.Status.Committed, JobMarket.Status.Assigned)
        );
        market.reclaim(c);
    }

    // ---------------------------------------------------------------- money rules

    function testWithdrawRules() public {
        vm.expectRevert(JobMarket.NothingToWithdraw.selector);
        market.withdraw();
        RejectsEther rejecter = new RejectsEther();
        JobMarket.JobSpec memory s = spec(1, 1);
        vm.deal(address(this), 1 ether);
        rejecter.post{value: PRICE}(market, s);
        rejecter.cancel(market, s);
        vm.expectRevert(JobMarket.TransferFailed.selector);
        rejecter.withdrawFrom(market);
        assertEq(market.balanceOf(address(rejecter)), PRICE, "balance kept after a failed transfer");
    }

    function testMarketAcceptsEtherOnlyFromTheRegistry() public {
        vm.deal(address(this), 1 ether);
        (bool ok, bytes memory err) = address(market).call{value: 1}("");
        assertFalse(ok, "plain transfer rejected");
        assertEq(bytes4(err), JobMarket.OnlyRegistry.selector, "error");
    }

    function testConstructorRejectsBadConfig() public {
        vm.expectRevert(abi.encodeWithSelector(JobMarket.InvalidConfig.selector, "registry"));
        new JobMarket(ProviderRegistry(address(0)), BOND, PENALTY, 3, 1, 1);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.InvalidConfig.selector, "challengeBond"));
        new JobMarket(registry, 0, PENALTY, 3, 1, 1);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.InvalidConfig.selector, "committeeSize"));
        new JobMarket(registry, BOND, PENALTY, 0, 1, 1);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.InvalidConfig.selector, "committeeSize"));
        new JobMarket(registry, BOND, PENALTY, 16, 1, 1);
        vm.expectRevert(abi.encodeWithSelector(JobMarket.InvalidConfig.selector, "periods"));
        new JobMarket(registry, BOND, PENALTY, 3, 0, 1);
    }

    // ---------------------------------------------------------------- hashing formats

    function testBidDigestFollowsEip712() public view {
        JobMarket.Bid memory b = bid(42, 0, 1, 2, 0);
        bytes32 domain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("Hyphae"),
                keccak256("1"),
                block.chainid,
                address(market)
            )
        );
        assertEq(market.domainSeparator(), domain, "domain");
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256(
                    "Bid(uint256 jobId,address provider,uint32 firstShard,uint32 shardCount,uint8 replica,uint96 pricePerShard,uint96 collateral,uint64 expiry)"
                ),
                b.jobId,
                b.provider,
                b.firstShard,
                b.shardCount,
                b.replica,
                b.pricePerShard,
                b.collateral,
                b.expiry
            )
        );
        assertEq(market.hashBid(b), keccak256(abi.encodePacked(hex"1901", domain, structHash)), "bid digest");
        bytes32 receiptStruct = keccak256(
            abi.encode(
                keccak256(
                    "ShardReceipt(uint256 jobId,uint32 shard,bytes32 inputLeaf,bytes32 outputHash,bytes32 profileHash,address provider)"
                ),
                uint256(42),
                uint32(3),
                bytes32(uint256(4)),
                bytes32(uint256(5)),
                bytes32(uint256(6)),
                providers[0]
            )
        );
        assertEq(
            market.hashReceipt(42, 3, bytes32(uint256(4)), bytes32(uint256(5)), bytes32(uint256(6)), providers[0]),
            keccak256(abi.encodePacked(hex"1901", domain, receiptStruct)),
            "receipt digest"
        );
    }

    function testLeavesFollowTheFixedFormat() public view {
        bytes32 inputHash = keccak256("shard input");
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(uint256(3), inputHash))));
        assertEq(market.hashInputLeaf(3, inputHash), leaf, "input leaf");
        bytes32 out = keccak256("out");
        assertEq(
            market.hashResultLeaf(3, leaf, out),
            keccak256(bytes.concat(keccak256(abi.encode(uint256(3), leaf, out)))),
            "result leaf"
        );
        JobMarket.JobSpec memory s = spec(2, 1);
        assertEq(market.jobIdOf(requester, s), jobIdOf(s), "job id");
    }
}
