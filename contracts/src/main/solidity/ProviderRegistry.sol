// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

/// @title Hyphae provider registry
/// @notice Providers register with a stake and their libp2p peer id. Stake is split into free and
/// locked: the market locks collateral for assigned work and a penalty for committee duty, unlocks
/// it when the duty is done, and slashes only what it locked. Stake leaves only through an unbonding
/// delay, so a provider cannot run from a pending slash. The peer id lives in the event log only.
/// @dev Only the market (wired once by the deployer) may lock, unlock, slash or count work. The
/// market's events (AssignmentCreated, AssignmentFinalized, ChallengeOpened, ...) record those
/// changes; the registry does not repeat them, to keep a job's gas low.
contract ProviderRegistry is ReentrancyGuard {
    /// @dev Two slots, both written at registration, so a job never pays for a fresh slot: the first
    /// holds stake, locked stake and the work counters, the second unbonding, the slash counter and
    /// the provider's earnings (paid out by the market's withdraw, which holds the ETH). uint88 holds
    /// 309M ETH, more than exists.
    struct Provider {
        uint88 stake; // bonded stake, locked part included
        uint88 locked; // part of `stake` the market holds for assignments and committee duty
        uint32 jobsCompleted; // assignments finalized (saturating)
        uint48 shardsServed; // shards in finalized assignments (saturating)
        uint88 unbonding; // stake on its way out, withdrawable at `unbondReadyAt`
        uint40 unbondReadyAt;
        uint32 timesSlashed; // (saturating)
        bool registered;
        uint88 earnings; // payments for finalized work, held by the market until withdrawn
    }

    /// @notice The most providers a committee draw looks at; see drawCommittee.
    uint256 public constant MAX_COMMITTEE_SCAN = 512;

    uint256 public immutable minStake;
    uint64 public immutable unbondingDelay;
    address private immutable wirer;

    address public market;
    mapping(address => Provider) private providers;
    address[] private providerList;

    event ProviderRegistered(address indexed provider, bytes peerId, uint256 stake);
    event StakeAdded(address indexed provider, uint256 amount, uint256 stake);
    event UnbondStarted(address indexed provider, uint256 amount, uint64 readyAt);
    event StakeWithdrawn(address indexed provider, uint256 amount);
    event MarketSet(address indexed market);
    event ProviderSlashed(address indexed provider, uint256 amount, uint256 stake);

    error AlreadyRegistered();
    error NotRegistered();
    error StakeTooLow(uint256 sent, uint256 minimum);
    error EmptyPeerId();
    error ZeroAmount();
    error InsufficientStake(uint256 requested, uint256 available);
    error UnbondingNotReady(uint64 readyAt);
    error NothingToWithdraw();
    error TransferFailed();
    error NotWirer();
    error MarketAlreadySet();
    error ZeroAddress();
    error OnlyMarket();
    error ProviderNotEligible(address provider, uint256 stake, uint256 minimum);
    error InsufficientFreeStake(address provider, uint256 requested, uint256 free);
    error UnlockExceedsLocked(address provider, uint256 requested, uint256 locked);
    error CommitteeUnavailable(uint256 found, uint256 needed);
    error StakeOverflow();

    modifier onlyMarket() {
        if (msg.sender != market) revert OnlyMarket();
        _;
    }

    constructor(uint256 minStake_, uint64 unbondingDelay_) {
        if (minStake_ == 0) revert ZeroAmount();
        minStake = minStake_;
        unbondingDelay = unbondingDelay_;
        wirer = msg.sender;
    }

    /// @notice Wires the market, once, by the account that deployed the registry.
    function setMarket(address market_) external {
        if (msg.sender != wirer) revert NotWirer();
        if (market != address(0)) revert MarketAlreadySet();
        if (market_ == address(0)) revert ZeroAddress();
        market = market_;
        emit MarketSet(market_);
    }

    // ---------------------------------------------------------------- provider actions

    function register(bytes calldata peerId) external payable {
        Provider storage p = providers[msg.sender];
        if (p.registered) revert AlreadyRegistered();
        if (peerId.length == 0) revert EmptyPeerId();
        if (msg.value < minStake) revert StakeTooLow(msg.value, minStake);
        p.registered = true;
        p.stake = _toUint88(msg.value);
        providerList.push(msg.sender);
        emit ProviderRegistered(msg.sender, peerId, msg.value);
    }

    function addStake() external payable {
        Provider storage p = providers[msg.sender];
        if (!p.registered) revert NotRegistered();
        if (msg.value == 0) revert ZeroAmount();
        p.stake = _toUint88(uint256(p.stake) + msg.value);
        emit StakeAdded(msg.sender, msg.value, p.stake);
    }

    /// @notice Moves `amount` of free stake into unbonding; a new unbond restarts the delay.
    function unbond(uint256 amount) external {
        Provider storage p = providers[msg.sender];
        if (!p.registered) revert NotRegistered();
        if (amount == 0) revert ZeroAmount();
        uint256 free = uint256(p.stake) - p.locked;
        if (amount > free) revert InsufficientStake(amount, free);
        p.stake -= uint88(amount);
        p.unbonding += uint88(amount);
        p.unbondReadyAt = uint40(block.timestamp + unbondingDelay);
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

    // ---------------------------------------------------------------- market actions

    /// @notice Locks `amount` of a provider's free stake. The provider must hold at least
    /// `minStake` in total: one slashed below it takes no new work until it adds stake.
    function lock(address provider, uint256 amount) external onlyMarket {
        Provider storage p = providers[provider];
        uint256 stake = p.stake;
        if (stake < minStake) revert ProviderNotEligible(provider, stake, minStake);
        uint256 free = stake - p.locked;
        if (amount > free) revert InsufficientFreeStake(provider, amount, free);
        p.locked += uint88(amount);
    }

    function unlock(address provider, uint256 amount) external onlyMarket {
        _unlock(providers[provider], provider, amount);
    }

    /// @notice Unlocks an assignment's collateral, counts its work and books its payment, in one
    /// call. (The market's AssignmentFinalized event records it.)
    function recordWork(address provider, uint256 collateral, uint256 shards, uint256 payment)
        external
        onlyMarket
    {
        Provider storage p = providers[provider];
        _unlock(p, provider, collateral);
        if (p.jobsCompleted < type(uint32).max) p.jobsCompleted += 1;
        uint256 served = uint256(p.shardsServed) + shards;
        p.shardsServed = served > type(uint48).max ? type(uint48).max : uint48(served);
        p.earnings = _toUint88(uint256(p.earnings) + payment);
    }

    /// @notice Zeroes a provider's earnings for the market to pay them out.
    function takeEarnings(address provider) external onlyMarket returns (uint256 amount) {
        Provider storage p = providers[provider];
        amount = p.earnings;
        if (amount > 0) p.earnings = 0;
    }

    /// @notice Slashes `amount` of what the market locked and sends it to the market. A slash never
    /// exceeds the locked part, so locked stays within stake and other locks stay covered.
    function slash(address provider, uint256 amount) external onlyMarket nonReentrant {
        Provider storage p = providers[provider];
        _unlock(p, provider, amount);
        p.stake -= uint88(amount);
        if (p.timesSlashed < type(uint32).max) p.timesSlashed += 1;
        emit ProviderSlashed(provider, amount, p.stake);
        if (amount > 0) {
            (bool ok,) = market.call{value: amount}("");
            if (!ok) revert TransferFailed();
        }
    }

    /// @notice Draws `size` committee members and locks `penalty` of each one's stake.
    /// @dev Walks the provider list from a position chosen by `seed`, taking each provider that is
    /// eligible (stake >= minStake, free stake >= penalty) and not excluded, looking at no more than
    /// MAX_COMMITTEE_SCAN entries. The seed comes from the chain (prevrandao, blockhash), which a
    /// block proposer can bias: production needs a VRF or a commit-reveal beacon, and stake-weighted
    /// sortition rather than this walk (which favours a provider listed after ineligible ones).
    function drawCommittee(bytes32 seed, uint256 size, address[3] calldata excluded, uint256 penalty)
        external
        onlyMarket
        returns (address[] memory members)
    {
        uint256 n = providerList.length;
        members = new address[](size);
        uint256 found;
        uint256 scan = n < MAX_COMMITTEE_SCAN ? n : MAX_COMMITTEE_SCAN;
        uint256 start = n == 0 ? 0 : uint256(seed) % n;
        for (uint256 i; i < scan && found < size; ++i) {
            address candidate = providerList[(start + i) % n];
            if (candidate == excluded[0] || candidate == excluded[1] || candidate == excluded[2]) continue;
            Provider storage p = providers[candidate];
            uint256 stake = p.stake;
            if (stake < minStake || stake - p.locked < penalty) continue;
            p.locked += uint88(penalty);
            members[found++] = candidate;
        }
        if (found < size) revert CommitteeUnavailable(found, size);
    }

    // ---------------------------------------------------------------- views

    function providerOf(address provider) external view returns (Provider memory) {
        return providers[provider];
    }

    function freeStake(address provider) external view returns (uint256) {
        Provider storage p = providers[provider];
        return uint256(p.stake) - p.locked;
    }

    function providerCount() external view returns (uint256) {
        return providerList.length;
    }

    function providerAt(uint256 i) external view returns (address) {
        return providerList[i];
    }

    // ---------------------------------------------------------------- internals

    function _unlock(Provider storage p, address provider, uint256 amount) private {
        uint256 locked = p.locked;
        if (amount > locked) revert UnlockExceedsLocked(provider, amount, locked);
        p.locked = uint88(locked - amount);
    }

    function _toUint88(uint256 x) private pure returns (uint88) {
        if (x > type(uint88).max) revert StakeOverflow();
        return uint88(x);
    }
}
