// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

/// @title Hyphae provider registry
/// @notice Providers register with a stake and their libp2p peer id. Stake leaves only through an
/// unbonding delay, so a provider cannot run from a pending slash. The peer id is kept in the
/// event log only; the chain stores what it must check.
contract ProviderRegistry is ReentrancyGuard {
    struct Provider {
        uint128 stake; // bonded stake, in wei
        uint128 unbonding; // stake on its way out, withdrawable at `unbondReadyAt`
        uint64 unbondReadyAt;
        bool registered;
    }

    uint256 public immutable minStake;
    uint64 public immutable unbondingDelay;

    mapping(address => Provider) private providers;

    event ProviderRegistered(address indexed provider, bytes peerId, uint256 stake);
    event StakeAdded(address indexed provider, uint256 amount, uint256 stake);
    event UnbondStarted(address indexed provider, uint256 amount, uint64 readyAt);
    event StakeWithdrawn(address indexed provider, uint256 amount);

    error AlreadyRegistered();
    error NotRegistered();
    error StakeTooLow(uint256 sent, uint256 minimum);
    error EmptyPeerId();
    error ZeroAmount();
    error InsufficientStake(uint256 requested, uint256 available);
    error UnbondingNotReady(uint64 readyAt);
    error NothingToWithdraw();
    error TransferFailed();

    constructor(uint256 minStake_, uint64 unbondingDelay_) {
        minStake = minStake_;
        unbondingDelay = unbondingDelay_;
    }

    function register(bytes calldata peerId) external payable {
        Provider storage p = providers[msg.sender];
        if (p.registered) revert AlreadyRegistered();
        if (peerId.length == 0) revert EmptyPeerId();
        if (msg.value < minStake) revert StakeTooLow(msg.value, minStake);
        p.registered = true;
        p.stake = uint128(msg.value);
        emit ProviderRegistered(msg.sender, peerId, msg.value);
    }

    function addStake() external payable {
        Provider storage p = providers[msg.sender];
        if (!p.registered) revert NotRegistered();
        if (msg.value == 0) revert ZeroAmount();
        p.stake += uint128(msg.value);
        emit StakeAdded(msg.sender, msg.value, p.stake);
    }

    /// @notice Moves `amount` of stake into unbonding; a new unbond restarts the delay.
    function unbond(uint256 amount) external {
        Provider storage p = providers[msg.sender];
        if (!p.registered) revert NotRegistered();
        if (amount == 0) revert ZeroAmount();
        if (amount > p.stake) revert InsufficientStake(amount, p.stake);
        p.stake -= uint128(amount);
        p.unbonding += uint128(amount);
        p.unbondReadyAt = uint64(block.timestamp) + unbondingDelay;
        emit UnbondStarted(msg.sender, amount, p.unbondReadyAt);
    }

    function withdrawUnbonded() external nonReentrant {
        Provider storage p = providers[msg.sender];
        uint256 amount = p.unbonding;
        if (amount == 0) revert NothingToWithdraw();
        if (block.timestamp < p.unbondReadyAt) revert UnbondingNotReady(p.unbondReadyAt);
        p.unbonding = 0;
        emit StakeWithdrawn(msg.sender, amount);
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert TransferFailed();
    }

    function providerOf(address provider) external view returns (Provider memory) {
        return providers[provider];
    }
}
