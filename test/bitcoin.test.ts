// Bitcoin's consensus rules as the engine implements them, checked against Bitcoin Core's actual
// values (validation.cpp GetBlockSubsidy, pow.cpp CalculateNextWorkRequired) and the hand
// computations in /work/shared/DEFAULTS.md. No number here is copied from the engine's output.
import { describe, expect, it } from 'vitest';
import {
  blockSubsidySats,
  HALVING_INTERVAL_BLOCKS,
  hashpriceUsdPerPhDay,
  HASHES_PER_DIFFICULTY,
  hashrateForDifficulty,
  powerCostUsdPerPhDay,
  RETARGET_INTERVAL_BLOCKS,
  retargetDifficulty,
  TARGET_TIMESPAN_SECONDS,
} from '../engine/bitcoin.js';
import { Chain, SECONDS_PER_MONTH } from '../engine/chain.js';

describe('blockSubsidySats (Bitcoin Core GetBlockSubsidy)', () => {
  it.each([
    [0, 5_000_000_000], // genesis era: 50 BTC
    [209_999, 5_000_000_000], // last block before the first halving
    [210_000, 2_500_000_000], // 2012 halving: 25 BTC
    [420_000, 1_250_000_000], // 2016 halving: 12.5 BTC
    [630_000, 625_000_000], // 2020 halving: 6.25 BTC
    [840_000, 312_500_000], // 2024-04-20 halving: 3.125 BTC
    [1_050_000, 156_250_000], // next halving: 1.5625 BTC
    [6_929_999, 1], // last block of halving era 32: 5e9 >> 32 = 1 satoshi
    [6_930_000, 0], // halving era 33: 5e9 >> 33 = 0
    [64 * 210_000, 0], // Core's explicit `halvings >= 64` branch
    [100 * 210_000, 0],
  ])('height %i pays %i sat', (height, sats) => {
    expect(blockSubsidySats(height)).toBe(sats);
  });

  it('is constant within each halving era and an integer number of satoshi', () => {
    for (let era = 0; era < 70; era++) {
      const first = blockSubsidySats(era * HALVING_INTERVAL_BLOCKS);
      const last = blockSubsidySats((era + 1) * HALVING_INTERVAL_BLOCKS - 1);
      expect(last).toBe(first);
      expect(Number.isInteger(first)).toBe(true);
      // (50 * COIN) >> era, computed with BigInt so the reference does not share the engine's arithmetic.
      const expected = era >= 64 ? 0n : 5_000_000_000n >> BigInt(era);
      expect(BigInt(first)).toBe(expected);
    }
  });

  it('sums over every block ever to 2,099,999,997,690,000 sat (the 21M cap less rounding)', () => {
    // Summed block by block over all 64 eras (13.44M blocks): every partial sum is an integer
    // below 2^53, so the double sum is exact.
    let total = 0;
    const lastHeight = 64 * HALVING_INTERVAL_BLOCKS;
    for (let height = 0; height < lastHeight; height++) total += blockSubsidySats(height);
    expect(total).toBe(2_099_999_997_690_000);
    // The same by era: sum of floor(5e9 / 2^k) over k = 0..32, times 210,000.
    let perEraSum = 0n;
    for (let era = 0n; era < 64n; era++) perEraSum += 5_000_000_000n >> era;
    expect(perEraSum * 210_000n).toBe(2_099_999_997_690_000n);
  });
});

describe('retargetDifficulty (Bitcoin Core pow.cpp: timespan clamped to [T/4, 4T])', () => {
  const T = TARGET_TIMESPAN_SECONDS;
  const D = 1.5e14;

  it('targets two weeks: 2016 blocks x 600 s', () => {
    expect(T).toBe(14 * 24 * 3600);
    expect(RETARGET_INTERVAL_BLOCKS).toBe(2016);
  });

  it.each([
    ['the target timespan leaves it unchanged', T, 1],
    ['half the timespan doubles it', T / 2, 2],
    ['double the timespan halves it', 2 * T, 0.5],
    ['T/4 (the lower clamp) quadruples it', T / 4, 4],
    ['T/10 is clamped to T/4: x4', T / 10, 4],
    ['a zero timespan is clamped to T/4: x4', 0, 4],
    ['4T (the upper clamp) quarters it', 4 * T, 0.25],
    ['10T is clamped to 4T: /4', 10 * T, 0.25],
    ['just inside the lower clamp', T / 3, 3],
    ['just inside the upper clamp', 3 * T, 1 / 3],
  ])('%s', (_label, span, factor) => {
    expect(retargetDifficulty(D, span) / D).toBeCloseTo(factor, 12);
  });

  it('never falls below 1 (the proof-of-work limit)', () => {
    expect(retargetDifficulty(1, 4 * T)).toBe(1);
    expect(retargetDifficulty(2, 10 * T)).toBe(1); // 2 / 4 = 0.5 -> 1
    expect(retargetDifficulty(4, 4 * T)).toBe(1); // exactly 1 stays 1
    expect(retargetDifficulty(8, 4 * T)).toBe(2);
  });
});

describe('hashprice and power cost (DEFAULTS.md hand computations)', () => {
  // 1,070 EH/s finding a block every 600 s: D = H * 600 / 2^32.
  const hashrateHs = 1.07e21;
  const difficulty = (hashrateHs * 600) / 2 ** 32;

  it('hashrateForDifficulty inverts D = H * 600 / 2^32', () => {
    expect(hashrateForDifficulty(difficulty) / hashrateHs).toBeCloseTo(1, 12);
    // base.yaml: 1.5e14 x 2^32 / 600 s = ~1,074 EH/s.
    expect(hashrateForDifficulty(1.5e14) / 1e18).toBeCloseTo(1073.74, 1);
  });

  it('is ~$38/PH/day at 3.15 BTC, $90,000 and 1,070 EH/s', () => {
    const hashprice = hashpriceUsdPerPhDay(3.125 + 0.025, 90_000, difficulty);
    // DEFAULTS.md: (3.125 + 0.025) x 144 blocks/day x 90,000 / 1.07e6 PH/s.
    const byHand = (3.15 * 144 * 90_000) / 1.07e6;
    expect(hashprice / byHand).toBeCloseTo(1, 12);
    expect(hashprice).toBeGreaterThan(37.5);
    expect(hashprice).toBeLessThan(38.5);
  });

  it('scales linearly with reward and price and inversely with difficulty', () => {
    const base = hashpriceUsdPerPhDay(3.15, 90_000, difficulty);
    expect(hashpriceUsdPerPhDay(6.3, 90_000, difficulty) / base).toBeCloseTo(2, 12);
    expect(hashpriceUsdPerPhDay(3.15, 45_000, difficulty) / base).toBeCloseTo(0.5, 12);
    expect(hashpriceUsdPerPhDay(3.15, 90_000, 2 * difficulty) / base).toBeCloseTo(0.5, 12);
  });

  it('power cost: 18 J/TH is 18 kW per PH/s, 0.432 MWh a day', () => {
    expect(powerCostUsdPerPhDay(18, 45)).toBeCloseTo(0.432 * 45, 10);
    expect(powerCostUsdPerPhDay(20, 50)).toBeCloseTo(0.48 * 50, 10);
  });
});

describe('Chain events (halving every 210,000 blocks, retarget every 2016)', () => {
  const D = 1e14;
  /** Hashrate at which blocks come every `secondsPerBlock` seconds at difficulty D. */
  const hashrateFor = (secondsPerBlock: number) => (D * HASHES_PER_DIFFICULTY) / secondsPerBlock;
  /** A chain at `height` whose current epoch has run at 600 s a block so far. */
  const chainAt = (height: number) => {
    const chain = new Chain();
    chain.reset(height, D, (height % RETARGET_INTERVAL_BLOCKS) * 600);
    return chain;
  };

  it.each([
    [921_001, 921_312], // 457 x 2016
    [921_000.5, 921_312], // height advances continuously within a month
    [921_312, 923_328], // strictly above: an event at the current height has already fired
    [1_049_999, 1_050_000], // the halving comes before the next retarget (1,050,336)
    [1_049_999.9, 1_050_000],
    [1_050_000, 1_050_336], // 521 x 2016
    [0, 2016],
    [1_259_999, 1_260_000],
  ])('after height %d the next event is at %d', (height, next) => {
    const chain = chainAt(height);
    expect(Math.min(chain.nextHalvingHeight, chain.nextRetargetHeight)).toBe(next);
  });

  it('fires each event it passes inside a month, then moves to the next one', () => {
    // 1,049,999 plus a month at 600 s a block (4,383 blocks) passes the halving at 1,050,000 and
    // the retargets at 1,050,336, 1,052,352 and 1,054,368.
    const chain = chainAt(1_049_999);
    chain.accrueMonth(0, hashrateFor(600), 0);
    expect(chain.height).toBeCloseTo(1_049_999 + SECONDS_PER_MONTH / 600, 6);
    expect(chain.subsidyBtc).toBe(1.5625);
    expect(chain.firstHalvingMonth).toBeCloseTo(600 / SECONDS_PER_MONTH, 12);
    expect(chain.nextHalvingHeight).toBe(1_260_000);
    expect(chain.nextRetargetHeight).toBe(1_056_384);
    // Blocks at 600 s: each epoch took exactly the target timespan, so difficulty is unchanged.
    expect(chain.difficulty).toBe(D);
    expect(chain.secondsSinceRetarget).toBeCloseTo((chain.height - 1_054_368) * 600, 3);
  });

  it('fires both at 1,260,000 = lcm(210,000, 2016), the first height where they coincide', () => {
    // Blocks every 6,000 s: the month (438 blocks) passes 1,260,000 and no other event. The epoch
    // before it took 10x the target timespan, clamped to 4x: difficulty falls to a quarter.
    const chain = chainAt(1_259_999);
    chain.secondsSinceRetarget = 2015 * 6000;
    chain.accrueMonth(0, hashrateFor(6000), 0);
    expect(chain.subsidyBtc).toBe(0.78125); // the 6th halving: 50 / 2^6
    expect(chain.difficulty).toBe(D / 4);
    expect(chain.nextHalvingHeight).toBe(1_470_000);
    expect(chain.nextRetargetHeight).toBe(1_262_016);
  });
});
