// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {MarketFixture, TestMerkle} from "./MarketFixture.sol";
import {ProviderRegistry} from "../../main/solidity/ProviderRegistry.sol";
import {JobMarket} from "../../main/solidity/JobMarket.sol";

/// @notice Fuzz tests on amounts, prices, shard ranges and deadlines.
contract JobMarketFuzzTest is MarketFixture {
    function testFuzzEscrowRefundAndPriceRule(uint32 shards, uint8 redundancy, uint96 maxPrice, uint96 price)
        public
    {
        shards = uint32(bound(shards, 1, 10_000));
        redundancy = uint8(bound(redundancy, 1, 5));
        maxPrice = uint96(bound(maxPrice, 1, 1 ether));
        price = uint96(bound(price, 0, 2 ether));
        JobMarket.JobSpec memory s = spec(1, redundancy);
        s.shardCount = shards; // the input root does not matter here
        s.maxPricePerShard = maxPrice;
        uint256 escrow = escrowOf(s);
        vm.deal(requester, escrow);
        vm.prank(requester);
        market.postJob{value: escrow}(s);
        JobMarket.Bid memory b = bid(jobIdOf(s), 0, 0, shards, 0);
        b.pricePerShard = price;
        bytes memory sig = sign(0, b);
        vm.prank(requester);
        if (price > maxPrice) {
            vm.expectRevert(abi.encodeWithSelector(JobMarket.PriceAboveMax.selector, 0, price, maxPrice));
            market.assign(s, one(b), one(sig));
            return;
        }
        market.assign(s, one(b), one(sig));
        uint256 cost = uint256(price) * shards;
        assertEq(market.balanceOf(requester), escrow - cost, "refund = escrow - cost");
        assertEq(address(market).balance, escrow, "market holds escrow");
    }

    function testFuzzShardRanges(uint32 jobShards, uint32 first, uint32 count) public {
        jobShards = uint32(bound(jobShards, 1, 1000));
        first = uint32(bound(first, 0, 1100));
        count = uint32(bound(count, 0, 1100));
        JobMarket.JobSpec memory s = spec(1, 1);
        s.shardCount = jobShards;
        JobMarket.Bid memory b = bid(jobIdOf(s), 0, first, count, 0);
        bytes memory sig = sign(0, b);
        bool valid = count > 0 && uint256(first) + count <= jobShards;
        vm.prank(requester);
        if (!valid) {
            vm.expectRevert(abi.encodeWithSelector(JobMarket.InvalidShardRange.selector, 0, first, count, jobShards));
        }
        market.postAndAssign{value: uint256(PRICE) * count}(s, one(b), one(sig));
    }

    function testFuzzTwoBidsOverlapRule(uint32 firstA, uint32 countA, uint32 firstB, uint32 countB) public {
        firstA = uint32(bound(firstA, 0, 50));
        countA = uint32(bound(countA, 1, 50));
        firstB = uint32(bound(firstB, 0, 50));
        countB = uint32(bound(countB, 1, 50));
        JobMarket.JobSpec memory s = spec(1, 1);
        s.shardCount = 100;
        JobMarket.Bid[] memory bids = new JobMarket.Bid[](2);
        bids[0] = bid(jobIdOf(s), 0, firstA, countA, 0);
        bids[1] = bid(jobIdOf(s), 1, firstB, countB, 0);
        bytes[] memory sigs = new bytes[](2);
        sigs[0] = sign(0, bids[0]);
        sigs[1] = sign(1, bids[1]);
        vm.prank(requester);
        if (firstB < uint256(firstA) + countA) {
            vm.expectRevert(abi.encodeWithSelector(JobMarket.BidsOverlapOrUnsorted.selector, 1));
        }
        market.postAndAssign{value: escrowOf(s)}(s, bids, sigs);
    }

    function testFuzzCollateralAgainstFreeStake(uint96 collateral) public {
        collateral = uint96(bound(collateral, 0, 10 ether));
        JobMarket.JobSpec memory s = spec(1, 1);
        JobMarket.Bid memory b = bid(jobIdOf(s), 0, 0, 1, 0);
        b.collateral = collateral;
        bytes memory sig = sign(0, b);
        vm.prank(requester);
        if (collateral > 5 ether) {
            vm.expectRevert(
                abi.encodeWithSelector(ProviderRegistry.InsufficientFreeStake.selector, providers[0], collateral, 5 ether)
            );
        }
        market.postAndAssign{value: PRICE}(s, one(b), one(sig));
        if (collateral <= 5 ether) assertEq(registry.providerOf(providers[0]).locked, collateral, "locked");
    }

    function testFuzzCommitDeadline(uint32 deadlineOffset, uint32 wait) public {
        deadlineOffset = uint32(bound(deadlineOffset, 1, 30 days));
        wait = uint32(bound(wait, 0, 60 days));
        JobMarket.JobSpec memory s = spec(2, 1);
        s.commitDeadline = uint40(block.timestamp + deadlineOffset);
        JobMarket.Bid memory b = bid(jobIdOf(s), 0, 0, 2, 0);
        bytes memory sig = sign(0, b);
        vm.prank(requester);
        market.postAndAssign{value: 2 * uint256(PRICE)}(s, one(b), one(sig));
        JobMarket.Assignment memory a = assignmentOf(s, b, 0);
        vm.warp(block.timestamp + wait);
        if (block.timestamp <= s.commitDeadline) {
            commitResults(a);
            vm.expectRevert(JobMarket.AssignmentMismatch.selector);
            market.reclaim(a);
        } else {
            vm.prank(a.provider);
            vm.expectRevert(abi.encodeWithSelector(JobMarket.CommitDeadlinePassed.selector, s.commitDeadline));
            market.commit(a, bytes32(uint256(1)));
            market.reclaim(a);
            assertEq(market.balanceOf(requester), 2 * uint256(PRICE) + COLLATERAL, "made whole");
        }
    }

    function testFuzzChallengeWindow(uint32 window, uint32 wait) public {
        window = uint32(bound(window, 1, 30 days));
        wait = uint32(bound(wait, 0, 31 days));
        JobMarket.JobSpec memory s = spec(2, 1);
        s.challengeWindow = window;
        JobMarket.Bid memory b = bid(jobIdOf(s), 0, 0, 2, 0);
        bytes memory sig = sign(0, b);
        vm.prank(requester);
        market.postAndAssign{value: 2 * uint256(PRICE)}(s, one(b), one(sig));
        JobMarket.Assignment memory a = commitResults(assignmentOf(s, b, 0));
        vm.warp(block.timestamp + wait);
        if (block.timestamp <= a.challengeDeadline) {
            vm.expectRevert(abi.encodeWithSelector(JobMarket.ChallengeWindowOpen.selector, a.challengeDeadline));
            market.finalize(a);
            openChallenge(a, 1);
        } else {
            bytes32[] memory proof = TestMerkle.proof(resultLeaves(a), 1);
            bytes32 leaf = inputLeaves(2)[1];
            vm.prank(challenger);
            vm.expectRevert(abi.encodeWithSelector(JobMarket.ChallengeWindowClosed.selector, a.challengeDeadline));
            market.challenge{value: BOND}(a, 1, leaf, outputHash(1), proof);
            market.finalize(a);
        }
    }

    function testFuzzMerkleProofsForEveryShardCount(uint8 n, uint8 pick) public view {
        uint256 count = bound(n, 1, 64);
        uint256 index = bound(pick, 0, count - 1);
        bytes32[] memory leaves = inputLeaves(count);
        bytes32 root = TestMerkle.root(leaves);
        if (count == 1) assertEq(root, leaves[0], "one-leaf root is the leaf");
        bytes32[] memory proof = TestMerkle.proof(leaves, index);
        bytes32 node = leaves[index];
        for (uint256 i; i < proof.length; ++i) node = TestMerkle.hashPair(node, proof[i]);
        assertEq(node, root, "proof folds to the root");
        assertEq(market.hashInputLeaf(index, keccak256(abi.encode("input", index))), leaves[index], "leaf format");
    }
}
