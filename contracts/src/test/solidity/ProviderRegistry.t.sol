// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {HyphaeTest} from "./HyphaeTest.sol";
import {ProviderRegistry} from "../../main/solidity/ProviderRegistry.sol";

contract ProviderRegistryTest is HyphaeTest {
    ProviderRegistry internal registry;
    address internal alice = address(0xA11CE);
    bytes internal peerId = hex"0025080212210279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";

    uint256 internal constant MIN_STAKE = 1 ether;
    uint64 internal constant DELAY = 1 days;

    function setUp() public {
        registry = new ProviderRegistry(MIN_STAKE, DELAY);
        vm.deal(alice, 100 ether);
    }

    function testRegisterRecordsStake() public {
        vm.prank(alice);
        registry.register{value: 2 ether}(peerId);
        ProviderRegistry.Provider memory p = registry.providerOf(alice);
        assertTrue(p.registered, "registered");
        assertEq(p.stake, 2 ether, "stake");
        assertEq(address(registry).balance, 2 ether, "registry holds the stake");
    }

    function testRegisterRejectsStakeBelowMinimum() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.StakeTooLow.selector, 0.5 ether, MIN_STAKE));
        registry.register{value: 0.5 ether}(peerId);
    }

    function testRegisterRejectsEmptyPeerId() public {
        vm.prank(alice);
        vm.expectRevert(ProviderRegistry.EmptyPeerId.selector);
        registry.register{value: 1 ether}("");
    }

    function testRegisterTwiceReverts() public {
        vm.startPrank(alice);
        registry.register{value: 1 ether}(peerId);
        vm.expectRevert(ProviderRegistry.AlreadyRegistered.selector);
        registry.register{value: 1 ether}(peerId);
        vm.stopPrank();
    }

    function testAddStakeNeedsRegistration() public {
        vm.prank(alice);
        vm.expectRevert(ProviderRegistry.NotRegistered.selector);
        registry.addStake{value: 1 ether}();
    }

    function testUnbondThenWithdrawAfterDelay() public {
        vm.startPrank(alice);
        registry.register{value: 3 ether}(peerId);
        registry.unbond(1 ether);
        vm.expectRevert(
            abi.encodeWithSelector(ProviderRegistry.UnbondingNotReady.selector, uint64(block.timestamp + DELAY))
        );
        registry.withdrawUnbonded();
        vm.warp(block.timestamp + DELAY);
        uint256 before = alice.balance;
        registry.withdrawUnbonded();
        vm.stopPrank();
        assertEq(alice.balance - before, 1 ether, "paid out");
        assertEq(registry.providerOf(alice).stake, 2 ether, "rest stays bonded");
    }

    function testUnbondMoreThanStakeReverts() public {
        vm.startPrank(alice);
        registry.register{value: 1 ether}(peerId);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.InsufficientStake.selector, 2 ether, 1 ether));
        registry.unbond(2 ether);
        vm.stopPrank();
    }

    function testFuzzStakeIsConserved(uint96 initial, uint96 added, uint96 out) public {
        uint256 first = bound(initial, MIN_STAKE, 20 ether);
        uint256 more = bound(added, 1, 20 ether);
        vm.startPrank(alice);
        registry.register{value: first}(peerId);
        registry.addStake{value: more}();
        uint256 unbonded = bound(out, 1, first + more);
        registry.unbond(unbonded);
        vm.stopPrank();
        ProviderRegistry.Provider memory p = registry.providerOf(alice);
        assertEq(uint256(p.stake) + p.unbonding, address(registry).balance, "stake + unbonding = balance");
    }

    // ---------------------------------------------------------------- wiring and market actions

    function testSetMarketOnlyOnceByTheDeployer() public {
        vm.prank(alice);
        vm.expectRevert(ProviderRegistry.NotWirer.selector);
        registry.setMarket(address(this));
        vm.expectRevert(ProviderRegistry.ZeroAddress.selector);
        registry.setMarket(address(0));
        registry.setMarket(address(this));
        assertEq(registry.market(), address(this), "wired");
        vm.expectRevert(ProviderRegistry.MarketAlreadySet.selector);
        registry.setMarket(alice);
    }

    function testConstructorRejectsZeroMinimumStake() public {
        vm.expectRevert(ProviderRegistry.ZeroAmount.selector);
        new ProviderRegistry(0, DELAY);
    }

    function testOnlyTheMarketLocksUnlocksSlashesAndDraws() public {
        registry.setMarket(address(0x3A3));
        address[3] memory none;
        vm.expectRevert(ProviderRegistry.OnlyMarket.selector);
        registry.lock(alice, 1);
        vm.expectRevert(ProviderRegistry.OnlyMarket.selector);
        registry.unlock(alice, 1);
        vm.expectRevert(ProviderRegistry.OnlyMarket.selector);
        registry.recordWork(alice, 1, 1, 1);
        vm.expectRevert(ProviderRegistry.OnlyMarket.selector);
        registry.slash(alice, 1);
        vm.expectRevert(ProviderRegistry.OnlyMarket.selector);
        registry.takeEarnings(alice);
        vm.expectRevert(ProviderRegistry.OnlyMarket.selector);
        registry.drawCommittee(bytes32(0), 1, none, 0);
    }

    function testLockedStakeCannotBeUnbondedAndSlashTakesOnlyLocked() public {
        registry.setMarket(address(this));
        vm.prank(alice);
        registry.register{value: 3 ether}(peerId);
        registry.lock(alice, 2 ether);
        assertEq(registry.freeStake(alice), 1 ether, "free");
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.InsufficientStake.selector, 2 ether, 1 ether));
        registry.unbond(2 ether);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.InsufficientFreeStake.selector, alice, 2 ether, 1 ether));
        registry.lock(alice, 2 ether);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.UnlockExceedsLocked.selector, alice, 3 ether, 2 ether));
        registry.slash(alice, 3 ether);
        uint256 before = address(this).balance;
        registry.slash(alice, 0.5 ether);
        assertEq(address(this).balance - before, 0.5 ether, "slashed stake sent to the market");
        ProviderRegistry.Provider memory p = registry.providerOf(alice);
        assertEq(p.stake, 2.5 ether, "stake");
        assertEq(p.locked, 1.5 ether, "locked");
        assertEq(p.timesSlashed, 1, "counted");
        registry.recordWork(alice, 1 ether, 7, 3);
        registry.unlock(alice, 0.5 ether);
        p = registry.providerOf(alice);
        assertEq(p.locked, 0, "all unlocked");
        assertEq(p.jobsCompleted, 1, "jobs");
        assertEq(p.shardsServed, 7, "shards");
        assertEq(p.earnings, 3, "earnings booked");
        assertEq(registry.takeEarnings(alice), 3, "taken");
        assertEq(registry.providerOf(alice).earnings, 0, "zeroed");
        assertEq(address(registry).balance, 2.5 ether, "registry holds the stake");
    }

    function testUnderstakedProviderCannotBeLocked() public {
        registry.setMarket(address(this));
        vm.prank(alice);
        registry.register{value: 1 ether}(peerId);
        vm.prank(alice);
        registry.unbond(0.5 ether);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderNotEligible.selector, alice, 0.5 ether, MIN_STAKE));
        registry.lock(alice, 0);
    }

    function testDrawCommitteeWithNoProvidersReverts() public {
        registry.setMarket(address(this));
        address[3] memory none;
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.CommitteeUnavailable.selector, 0, 1));
        registry.drawCommittee(bytes32(0), 1, none, 0);
    }

    function testWithdrawWithNothingUnbondingReverts() public {
        vm.prank(alice);
        vm.expectRevert(ProviderRegistry.NothingToWithdraw.selector);
        registry.withdrawUnbonded();
    }

    function testAddStakeRejectsZeroAndUnbondRejectsZeroOrUnregistered() public {
        vm.startPrank(alice);
        vm.expectRevert(ProviderRegistry.NotRegistered.selector);
        registry.unbond(1);
        registry.register{value: 1 ether}(peerId);
        vm.expectRevert(ProviderRegistry.ZeroAmount.selector);
        registry.addStake{value: 0}();
        vm.expectRevert(ProviderRegistry.ZeroAmount.selector);
        registry.unbond(0);
        registry.addStake{value: 1 ether}();
        vm.stopPrank();
        assertEq(registry.providerOf(alice).stake, 2 ether, "added");
        assertEq(registry.providerCount(), 1, "listed once");
        assertEq(registry.providerAt(0), alice, "listed");
    }

    receive() external payable {}
}
