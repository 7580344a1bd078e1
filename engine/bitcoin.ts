// Bitcoin's consensus rules that set a miner's income: the subsidy schedule and the difficulty
// retarget. Small pure functions, checked against Bitcoin Core's values in test/bitcoin.test.ts.

export const HALVING_INTERVAL_BLOCKS = 210_000;
export const RETARGET_INTERVAL_BLOCKS = 2016;
export const TARGET_BLOCK_SECONDS = 600;
/** Bitcoin Core chainparams: nPowTargetTimespan = 14 days. */
export const TARGET_TIMESPAN_SECONDS = RETARGET_INTERVAL_BLOCKS * TARGET_BLOCK_SECONDS;
export const INITIAL_SUBSIDY_SATS = 5_000_000_000;
export const SATS_PER_BTC = 100_000_000;
/** Expected hashes per block at difficulty 1. */
export const HASHES_PER_DIFFICULTY = 2 ** 32;

/**
 * Block subsidy in satoshi at a height. Bitcoin Core validation.cpp GetBlockSubsidy:
 * `halvings >= 64 ? 0 : (50 * COIN) >> halvings`. A JS `>>` works on 32 bits and 5e9 does not fit,
 * so the shift is a division by a power of two, which is exact, then floored.
 */
export function blockSubsidySats(height: number): number {
  const halvings = Math.floor(height / HALVING_INTERVAL_BLOCKS);
  if (halvings >= 64) return 0;
  return Math.floor(INITIAL_SUBSIDY_SATS / HALVING_DIVISORS[halvings]);
}
/** 2^h for h = 0..63, exact: the same divisors as 2 ** h without a call to pow at each halving. */
const HALVING_DIVISORS = Float64Array.from({ length: 64 }, (_, h) => 2 ** h);

/**
 * Difficulty after a retarget. Bitcoin Core pow.cpp CalculateNextWorkRequired: the actual timespan
 * is clamped to [T/4, 4T] and the target scaled by actual/T, so difficulty scales by T/actual.
 * Difficulty never falls below 1 (the proof-of-work limit). Core measures the timespan over 2015
 * intervals (the off-by-one behind the time-warp attack); the engine uses the full 2016, a 0.05% effect.
 */
export function retargetDifficulty(difficulty: number, actualTimespanSeconds: number): number {
  const minSpan = TARGET_TIMESPAN_SECONDS / 4;
  const maxSpan = TARGET_TIMESPAN_SECONDS * 4;
  const span = actualTimespanSeconds < minSpan ? minSpan : actualTimespanSeconds > maxSpan ? maxSpan : actualTimespanSeconds;
  const next = (difficulty * TARGET_TIMESPAN_SECONDS) / span;
  return next < 1 ? 1 : next;
}

/** Network hashrate (hashes per second) that finds blocks every 600 s at this difficulty. */
export function hashrateForDifficulty(difficulty: number): number {
  return (difficulty * HASHES_PER_DIFFICULTY) / TARGET_BLOCK_SECONDS;
}

/**
 * Hashprice: USD earned per PH/s per day, the industry's unit of mining income.
 * (subsidy + fees) x price x blocks a PH/s finds per day; a PH/s finds 1e15 x 86400 / (D x 2^32) blocks a day.
 */
export function hashpriceUsdPerPhDay(rewardBtcPerBlock: number, priceUsd: number, difficulty: number): number {
  return (rewardBtcPerBlock * priceUsd * 86400 * 1e15) / (difficulty * HASHES_PER_DIFFICULTY);
}

/** USD a PH/s costs per day in power: J/TH x 1000 TH x 86400 s = J/TH x 0.024 MWh. */
export function powerCostUsdPerPhDay(efficiencyJPerTh: number, powerUsdPerMwh: number): number {
  return efficiencyJPerTh * 0.024 * powerUsdPerMwh;
}
