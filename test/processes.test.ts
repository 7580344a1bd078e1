// The market processes of MODEL.md §2 against their closed forms. Each check builds a scenario from
// the `base` preset with a few parameters changed (validated by parseScenario, as a user's file
// would be), draws many market paths, and compares a sample statistic with its exact value.
// Month m's values are the state at the START of month m, so index T holds the state T/12 years
// after the as-of date. Statistical tolerances are 4 standard errors of the estimate (fixed seeds);
// deterministic checks (no volatility) are exact to rounding.
import { describe, expect, it } from 'vitest';
import { HASHES_PER_DIFFICULTY, RETARGET_INTERVAL_BLOCKS, TARGET_TIMESPAN_SECONDS } from '../engine/bitcoin.js';
import { MarketPath, marketParams, SECONDS_PER_MONTH } from '../engine/market.js';
import { RandomStream } from '../engine/random.js';
import { loadScenario, parseScenario } from '../scenarios/load.js';
import { sampleMoments } from '../outputs/statistics.js';
import type { Scenario } from '../scenarios/schema.js';

const SEED = 4242;
const BASE = loadScenario('base');

/** Any-typed view of a scenario's raw data, for editing before validation. */
type Raw = any;

function scenarioWith(edit: (raw: Raw) => void): Scenario {
  const raw: Raw = structuredClone(BASE);
  edit(raw);
  return parseScenario(raw, 'processes.test.ts');
}

const IDENTITY = [
  [1, 0, 0, 0, 0],
  [0, 1, 0, 0, 0],
  [0, 0, 1, 0, 0],
  [0, 0, 0, 1, 0],
  [0, 0, 0, 0, 1],
];

/** Runs `trials` paths of the scenario's market and hands each to `visit`. */
function forEachPath(scenario: Scenario, trials: number, visit: (path: MarketPath, trial: number) => void, seed = SEED): void {
  const path = new MarketPath(marketParams(scenario));
  const stream = new RandomStream();
  for (let trial = 0; trial < trials; trial++) {
    path.simulate(stream.reseed(seed, trial, 'market'));
    visit(path, trial);
  }
}


function correlation(x: Float64Array, y: Float64Array): number {
  const a = sampleMoments(x);
  const b = sampleMoments(y);
  let sxy = 0;
  for (let i = 0; i < x.length; i++) sxy += (x[i] - a.mean) * (y[i] - b.mean);
  return sxy / (x.length - 1) / Math.sqrt(a.variance * b.variance);
}

/** ln of series[index] across trials. */
function logAt(scenario: Scenario, trials: number, index: number, series: (path: MarketPath) => Float64Array): Float64Array {
  const out = new Float64Array(trials);
  forEachPath(scenario, trials, (path, trial) => {
    out[trial] = Math.log(series(path)[index]);
  });
  return out;
}

describe('BTC price', () => {
  it('GBM: ln S(T) has mean ln S0 + (mu - sigma²/2) T and variance sigma² T (4 SE)', () => {
    const T = 2;
    const [mu, sigma] = [0.1, 0.5];
    const scenario = scenarioWith((raw) => {
      raw.horizonMonths = 12 * T + 1;
      raw.market.price = { ...raw.market.price, model: 'gbm', driftPerYear: mu, volatilityPerYear: sigma };
    });
    const n = 40_000;
    const s = sampleMoments(logAt(scenario, n, 12 * T, (p) => p.priceUsd));
    const exactVariance = sigma ** 2 * T;
    expect(Math.abs(s.mean - (Math.log(90_000) + (mu - sigma ** 2 / 2) * T))).toBeLessThan(4 * Math.sqrt(exactVariance / n));
    // Normal log price: SE of the sample variance = sqrt(2 / (n - 1)) sigma² T.
    expect(Math.abs(s.variance - exactVariance)).toBeLessThan(4 * Math.sqrt(2 / (n - 1)) * exactVariance);
  });

  describe('Merton jump-diffusion (lambda 3/yr, jumps N(-0.2, 0.3²))', () => {
    const T = 2;
    const [mu, sigma, lambda, muJ, sJ] = [0.1, 0.5, 3, -0.2, 0.3];
    const k = Math.exp(muJ + sJ ** 2 / 2) - 1;
    const scenario = scenarioWith((raw) => {
      raw.horizonMonths = 12 * T + 1;
      raw.market.price = { model: 'merton', driftPerYear: mu, volatilityPerYear: sigma, jumpsPerYear: lambda, jumpMeanLog: muJ, jumpSdLog: sJ };
    });
    const n = 40_000;
    const logS = logAt(scenario, n, 12 * T, (p) => p.priceUsd);

    it('is jump-compensated: E[S(T)] = S0 e^{mu T} (4 SE)', () => {
      const s = sampleMoments(logS.map(Math.exp));
      expect(Math.abs(s.mean - 90_000 * Math.exp(mu * T))).toBeLessThan(4 * s.seMean);
    });

    it('E[ln S(T)] = ln S0 + (mu - sigma²/2 - lambda k + lambda muJ) T (4 SE)', () => {
      const s = sampleMoments(logS);
      expect(Math.abs(s.mean - (Math.log(90_000) + (mu - sigma ** 2 / 2 - lambda * k + lambda * muJ) * T))).toBeLessThan(4 * s.seMean);
    });

    it('Var[ln S(T)] = sigma² T + lambda T (muJ² + sJ²) (4 SE)', () => {
      const s = sampleMoments(logS);
      // 0.5 from diffusion + 0.78 from jumps: a wrong jump count or size distribution shows here.
      expect(Math.abs(s.variance - (sigma ** 2 * T + lambda * T * (muJ ** 2 + sJ ** 2)))).toBeLessThan(4 * s.seVariance);
    });
  });

  it('jump counts are Poisson(lambda T): seen exactly with no diffusion and fixed-size jumps (4 SE)', () => {
    // sigma = 0 and sJ = 0: ln S(T) = ln S0 + drift T + N muJ, so N is read off each path.
    const T = 2;
    const [mu, lambda, muJ] = [0.1, 1.5, -0.1];
    const scenario = scenarioWith((raw) => {
      raw.horizonMonths = 12 * T + 1;
      raw.market.price = { model: 'merton', driftPerYear: mu, volatilityPerYear: 0, jumpsPerYear: lambda, jumpMeanLog: muJ, jumpSdLog: 0 };
    });
    const driftLog = (mu - lambda * (Math.exp(muJ) - 1)) * T;
    const n = 40_000;
    const logS = logAt(scenario, n, 12 * T, (p) => p.priceUsd);
    const counts = new Float64Array(n);
    let zeros = 0;
    let ones = 0;
    let worstRounding = 0;
    for (let i = 0; i < n; i++) {
      const jumps = (logS[i] - Math.log(90_000) - driftLog) / muJ;
      counts[i] = Math.round(jumps);
      worstRounding = Math.max(worstRounding, Math.abs(jumps - counts[i]));
      if (counts[i] === 0) zeros++;
      if (counts[i] === 1) ones++;
    }
    expect(worstRounding).toBeLessThan(1e-6);
    const mean = lambda * T;
    const s = sampleMoments(counts);
    expect(Math.abs(s.mean - mean)).toBeLessThan(4 * Math.sqrt(mean / n));
    // Poisson fourth central moment lambda (1 + 3 lambda): SE of the variance sqrt((lambda + 2 lambda²) / n).
    expect(Math.abs(s.variance - mean)).toBeLessThan(4 * Math.sqrt((mean + 2 * mean * mean) / n));
    const p0 = Math.exp(-mean);
    const p1 = mean * Math.exp(-mean);
    expect(Math.abs(zeros / n - p0)).toBeLessThan(4 * Math.sqrt((p0 * (1 - p0)) / n));
    expect(Math.abs(ones / n - p1)).toBeLessThan(4 * Math.sqrt((p1 * (1 - p1)) / n));
  });
});

/** Exact log-OU moments after t years: mean target + (x0 - target) e^{-kappa t}, variance sigma² (1 - e^{-2 kappa t}) / (2 kappa). */
function ouMoments(x0: number, target: number, kappa: number, sigma: number, t: number): { mean: number; variance: number } {
  return {
    mean: target + (x0 - target) * Math.exp(-kappa * t),
    variance: (sigma ** 2 * (1 - Math.exp(-2 * kappa * t))) / (2 * kappa),
  };
}

function expectOu(sample: Float64Array, exact: { mean: number; variance: number }): void {
  const s = sampleMoments(sample);
  const n = s.n;
  expect(Math.abs(s.mean - exact.mean)).toBeLessThan(4 * Math.sqrt(exact.variance / n));
  expect(Math.abs(s.variance - exact.variance)).toBeLessThan(4 * Math.sqrt(2 / (n - 1)) * exact.variance);
}

describe('mean-reverting processes (log-OU, exact at monthly steps)', () => {
  const n = 30_000;

  it.each([3, 12, 36])('fees after %i months: mean and variance of ln F(T) (4 SE)', (months) => {
    const [m, kappa, sigma, f0] = [0.025, 2, 0.8, 0.1];
    const scenario = scenarioWith((raw) => {
      raw.horizonMonths = months + 1;
      raw.asOf.feesBtcPerBlock = f0;
      raw.market.fees = { meanBtcPerBlock: m, reversionPerYear: kappa, volatilityPerYear: sigma };
      raw.market.correlation = IDENTITY;
    });
    expectOu(logAt(scenario, n, months, (p) => p.feesBtcPerBlock), ouMoments(Math.log(f0), Math.log(m), kappa, sigma, months / 12));
  });

  it.each([2, 6, 24])('energy with no seasonality or spikes after %i months: mean and variance of ln E(T) (4 SE)', (months) => {
    const [mean, kappa, sigma, e0] = [45, 3, 0.35, 90];
    const scenario = scenarioWith((raw) => {
      raw.horizonMonths = months + 1;
      raw.asOf.energyUsdPerMwh = e0;
      raw.market.energy = { ...raw.market.energy, meanUsdPerMwh: mean, reversionPerYear: kappa, volatilityPerYear: sigma, summerUplift: 0, spikesPerYear: 0 };
    });
    expectOu(logAt(scenario, n, months, (p) => p.energyUsdPerMwh), ouMoments(Math.log(e0), Math.log(mean), kappa, sigma, months / 12));
  });

  it('AI demand index with no winters: ln A(T) reverts towards 0 (index 1) (4 SE)', () => {
    const months = 24;
    const [kappa, sigma, a0] = [0.5, 0.25, 2];
    const scenario = scenarioWith((raw) => {
      raw.horizonMonths = months + 1;
      raw.asOf.aiDemandIndex = a0;
      raw.market.aiDemand = { ...raw.market.aiDemand, reversionPerYear: kappa, volatilityPerYear: sigma, winterHazardPerYear: 0 };
    });
    expectOu(logAt(scenario, n, months, (p) => p.aiDemandIndex), ouMoments(Math.log(a0), 0, kappa, sigma, months / 12));
  });

  it('energy seasonality: with fast reversion, long-run ln E in July exceeds January by ln(1.15) (4 SE)', () => {
    // kappa 60/yr: a month's shock decays by e^{-5}, so each month's price sits at its own seasonal
    // mean; the lag bias ln(1.15) e^{-10} is far below the tolerance. As-of 2025-11: index 8 is
    // July 2026, index 14 January 2027 (and 20 July 2027...).
    const scenario = scenarioWith((raw) => {
      raw.horizonMonths = 24;
      raw.market.energy = { ...raw.market.energy, reversionPerYear: 60, volatilityPerYear: 0.35, summerUplift: 0.15, spikesPerYear: 0 };
    });
    const trials = 20_000;
    const differences = new Float64Array(trials);
    forEachPath(scenario, trials, (path, trial) => {
      differences[trial] = Math.log(path.energyUsdPerMwh[20]) - Math.log(path.energyUsdPerMwh[14]);
    });
    const s = sampleMoments(differences);
    expect(Math.abs(s.mean - Math.log(1.15))).toBeLessThan(4 * s.seMean);
  });

  it('energy seasonality at base reversion (kappa 3/yr): each month approaches its seasonal mean at the OU rate (4 SE)', () => {
    // Month m's price reverts towards month m's own seasonal mean during the step into month m
    // (June's price already carries part of the summer uplift), so the expected log price obeys
    // x(m+1) = mu(m+1) + (x(m) - mu(m+1)) e^{-kappa/12}. At kappa 3 the mean reaches only 0.55 of
    // the uplift by August and the July-January gap is 0.27 ln(1.15), well short of the full uplift.
    const [mean, kappa, uplift] = [45, 3, 0.15];
    const months = 60;
    const scenario = scenarioWith((raw) => {
      raw.horizonMonths = months;
      raw.asOf.energyUsdPerMwh = mean;
      raw.market.energy = { ...raw.market.energy, meanUsdPerMwh: mean, reversionPerYear: kappa, volatilityPerYear: 0.35, summerUplift: uplift, spikesPerYear: 0 };
    });
    const decay = Math.exp(-kappa / 12);
    const expected = new Float64Array(months);
    expected[0] = Math.log(mean);
    for (let m = 1; m < months; m++) {
      const calendarMonth = (10 + m) % 12; // index 0 is November (calendar month 10, 0-based)
      const target = Math.log(mean) + (calendarMonth >= 5 && calendarMonth <= 7 ? Math.log(1 + uplift) : 0);
      expected[m] = target + (expected[m - 1] - target) * decay;
    }
    const trials = 20_000;
    const lastYear = Array.from({ length: 12 }, () => new Float64Array(trials));
    forEachPath(scenario, trials, (path, trial) => {
      for (let j = 0; j < 12; j++) lastYear[j][trial] = Math.log(path.energyUsdPerMwh[months - 12 + j]);
    });
    for (let j = 0; j < 12; j++) {
      const s = sampleMoments(lastYear[j]);
      expect(Math.abs(s.mean - expected[months - 12 + j])).toBeLessThan(4 * s.seMean);
    }
  });
});

describe('correlated shocks', () => {
  // Rows and columns: price, hashrate, fees, energy, aiDemand. Positive definite (smallest
  // eigenvalue 0.24).
  const CORRELATION = [
    [1, 0.3, 0.5, -0.2, 0.4],
    [0.3, 1, 0.1, 0, -0.3],
    [0.5, 0.1, 1, 0.2, 0.2],
    [-0.2, 0, 0.2, 1, 0],
    [0.4, -0.3, 0.2, 0, 1],
  ];

  it('monthly innovations of price, hashrate, fees, energy and AI demand recover the correlation matrix (4 (1 - rho²) / sqrt(n))', () => {
    // GBM price and hashrate without response: log increments are drift + vol z. Log-OU fees,
    // energy and AI demand: the innovation x(t+1) - target - (x(t) - target) decay is vol z.
    const months = 36;
    const scenario = scenarioWith((raw) => {
      raw.horizonMonths = months;
      raw.market.price = { ...raw.market.price, model: 'gbm' };
      raw.market.hashrate = { ...raw.market.hashrate, responsePerYear: 0, volatilityPerYear: 0.15 };
      raw.market.energy = { ...raw.market.energy, summerUplift: 0, spikesPerYear: 0 };
      raw.market.aiDemand = { ...raw.market.aiDemand, winterHazardPerYear: 0 };
      raw.market.correlation = CORRELATION;
    });
    const { fees, energy, aiDemand } = scenario.market;
    const feesTarget = Math.log(fees.meanBtcPerBlock);
    const feesDecay = Math.exp(-fees.reversionPerYear / 12);
    const energyTarget = Math.log(energy.meanUsdPerMwh);
    const energyDecay = Math.exp(-energy.reversionPerYear / 12);
    const aiDecay = Math.exp(-aiDemand.reversionPerYear / 12);

    const trials = 4_000;
    const n = trials * (months - 1);
    const innovations = Array.from({ length: 5 }, () => new Float64Array(n));
    let row = 0;
    forEachPath(scenario, trials, (path) => {
      for (let m = 0; m + 1 < months; m++, row++) {
        innovations[0][row] = Math.log(path.priceUsd[m + 1]) - Math.log(path.priceUsd[m]);
        innovations[1][row] = Math.log(path.networkHashrateEhs[m + 1]) - Math.log(path.networkHashrateEhs[m]);
        const ouInnovation = (series: Float64Array, target: number, decay: number) =>
          Math.log(series[m + 1]) - target - (Math.log(series[m]) - target) * decay;
        innovations[2][row] = ouInnovation(path.feesBtcPerBlock, feesTarget, feesDecay);
        innovations[3][row] = ouInnovation(path.energyUsdPerMwh, energyTarget, energyDecay);
        innovations[4][row] = ouInnovation(path.aiDemandIndex, 0, aiDecay);
      }
    });
    for (let i = 0; i < 5; i++) {
      for (let j = i + 1; j < 5; j++) {
        const rho = CORRELATION[i][j];
        expect(Math.abs(correlation(innovations[i], innovations[j]) - rho), `factors ${i}, ${j}`).toBeLessThan(
          (4 * (1 - rho * rho)) / Math.sqrt(n),
        );
      }
    }
    // The innovations' volatilities are the per-month vols: sigma sqrt(dt) and the exact OU step sd.
    const expectedSd = [
      scenario.market.price.volatilityPerYear * Math.sqrt(1 / 12),
      scenario.market.hashrate.volatilityPerYear * Math.sqrt(1 / 12),
      fees.volatilityPerYear * Math.sqrt((1 - feesDecay ** 2) / (2 * fees.reversionPerYear)),
      energy.volatilityPerYear * Math.sqrt((1 - energyDecay ** 2) / (2 * energy.reversionPerYear)),
      aiDemand.volatilityPerYear * Math.sqrt((1 - aiDecay ** 2) / (2 * aiDemand.reversionPerYear)),
    ];
    for (let i = 0; i < 5; i++) {
      const variance = expectedSd[i] ** 2;
      expect(Math.abs(sampleMoments(innovations[i]).variance - variance), `factor ${i}`).toBeLessThan(4 * Math.sqrt(2 / (n - 1)) * variance);
    }
  });
});

describe('network hashrate, difficulty and halvings (deterministic: no volatility, no response)', () => {
  const H_HS = 1.07e21; // 1,070 EH/s
  /** Difficulty at which H finds a block every 600 s: D = H x 600 / 2^32. */
  const difficultyFor = (hashrateHs: number) => (hashrateHs * 600) / HASHES_PER_DIFFICULTY;
  const FEES = 0.025;

  /** Constant hashrate H (g = 0), constant fees, as-of height 921,000; difficulty and horizon as given. */
  function steadyChain(difficulty: number, months: number, hashrateHs = H_HS, edit: (raw: Raw) => void = () => {}): MarketPath {
    const scenario = scenarioWith((raw) => {
      raw.horizonMonths = months;
      raw.asOf.blockHeight = 921_000;
      raw.asOf.difficulty = difficulty;
      raw.asOf.networkHashrateEhs = hashrateHs / 1e18;
      raw.asOf.feesBtcPerBlock = FEES;
      raw.market.hashrate = { ...raw.market.hashrate, growthPerYear: 0, volatilityPerYear: 0, responsePerYear: 0 };
      raw.market.fees = { ...raw.market.fees, meanBtcPerBlock: FEES, volatilityPerYear: 0 };
      edit(raw);
    });
    const path = new MarketPath(marketParams(scenario));
    path.simulate(new RandomStream().reseed(SEED, 0, 'market'));
    return path;
  }
  // Height of the next block 921,001: 1,705 blocks since the retarget at 919,296 (456 x 2016).
  const BLOCKS_SINCE_RETARGET = 921_001 - 456 * RETARGET_INTERVAL_BLOCKS;
  /** BTC that 1 EH/s earns in `seconds` at a difficulty: reward x seconds x 1e18 / (D 2^32). */
  const btcPerEhs = (reward: number, seconds: number, difficulty: number) => (reward * seconds * 1e18) / (difficulty * HASHES_PER_DIFFICULTY);

  it.each([0.3, -0.2])('ln H grows exactly at g = %s per year', (g) => {
    const scenario = scenarioWith((raw) => {
      raw.market.hashrate = { ...raw.market.hashrate, growthPerYear: g, volatilityPerYear: 0, responsePerYear: 0 };
    });
    const path = new MarketPath(marketParams(scenario));
    path.simulate(new RandomStream().reseed(SEED, 0, 'market'));
    for (let m = 0; m < scenario.horizonMonths; m++) {
      expect(Math.log(path.networkHashrateEhs[m]) - Math.log(1070)).toBeCloseTo((g * m) / 12, 12);
    }
  });

  it('difficulty converges to H x 600 / 2^32 from 10x too low (x4 clamped, then x2.5) and blocks come at 144 a day', () => {
    const target = difficultyFor(H_HS);
    const d0 = target / 10;
    const path = steadyChain(d0, 6);
    const reward = 3.125 + FEES;
    // Month 0: the current epoch's remaining blocks at 60 s each, a full epoch at 240 s (after the
    // clamped x4: timespan T/10), then 600 s blocks (after x2.5: timespan 0.4 T).
    const t1 = (RETARGET_INTERVAL_BLOCKS - BLOCKS_SINCE_RETARGET) * 60;
    const t2 = RETARGET_INTERVAL_BLOCKS * 240;
    const t3 = SECONDS_PER_MONTH - t1 - t2;
    const month0 = btcPerEhs(reward, t1, d0) + btcPerEhs(reward, t2, 4 * d0) + btcPerEhs(reward, t3, target);
    expect(path.btcPerEhsMonth[0] / month0).toBeCloseTo(1, 9);
    expect(path.difficulty[0]).toBe(d0);
    for (let m = 1; m < 6; m++) {
      expect(path.difficulty[m] / target).toBeCloseTo(1, 9);
      // 1 EH/s is 1e18 / H of the network: its share of the month's blocks times the reward.
      const blocksPerDay = (path.btcPerEhsMonth[m] / reward / (1e18 / H_HS)) / (SECONDS_PER_MONTH / 86400);
      expect(blocksPerDay).toBeCloseTo(144, 9);
      expect(path.subsidyBtc[m]).toBe(3.125);
      expect(path.feesBtcPerBlock[m]).toBeCloseTo(FEES, 15);
    }
  });

  it('the halving falls at (1,050,000 - 921,001) x 600 s when hashrate matches difficulty', () => {
    const difficulty = difficultyFor(H_HS);
    const path = steadyChain(difficulty, 36);
    const expectedMonth = ((1_050_000 - 921_001) * 600) / SECONDS_PER_MONTH; // ~29.4
    expect(path.nextHalvingMonth / expectedMonth).toBeCloseTo(1, 9);
    const halvingMonth = Math.floor(expectedMonth);
    expect(path.subsidyBtc[halvingMonth]).toBe(3.125); // start-of-month state: before the halving
    expect(path.subsidyBtc[halvingMonth + 1]).toBe(1.5625);
    // The halving month earns the old reward up to the halving and the new one after it.
    const before = (expectedMonth - halvingMonth) * SECONDS_PER_MONTH;
    const expectedBtc = btcPerEhs(3.125 + FEES, before, difficulty) + btcPerEhs(1.5625 + FEES, SECONDS_PER_MONTH - before, difficulty);
    expect(path.btcPerEhsMonth[halvingMonth] / expectedBtc).toBeCloseTo(1, 9);
    // Every retarget sees exactly the target timespan: difficulty never moves.
    for (let m = 0; m < 36; m++) expect(path.difficulty[m] / difficulty).toBeCloseTo(1, 9);
  });

  it('double hashrate: the first retarget comes after the epoch’s remaining blocks at 300 s and doubles difficulty', () => {
    const d0 = 1.5e14;
    const hashrate = (2 * d0 * HASHES_PER_DIFFICULTY) / 600;
    const path = steadyChain(d0, 3, hashrate);
    const reward = 3.125 + FEES;
    // Unstated secondsSinceRetarget: the epoch's earlier blocks also came at the current pace (300 s),
    // so the timespan is T/2 and difficulty doubles; later epochs take exactly T.
    const t1 = (RETARGET_INTERVAL_BLOCKS - BLOCKS_SINCE_RETARGET) * 300;
    const month0 = btcPerEhs(reward, t1, d0) + btcPerEhs(reward, SECONDS_PER_MONTH - t1, 2 * d0);
    expect(path.btcPerEhsMonth[0] / month0).toBeCloseTo(1, 9);
    expect(path.difficulty[1] / (2 * d0)).toBeCloseTo(1, 9);
    expect(path.difficulty[2] / (2 * d0)).toBeCloseTo(1, 9);
  });

  it('double hashrate after a normal start of epoch: the retarget uses the stated timespan (Core: D x T / actual)', () => {
    const d0 = 1.5e14;
    const hashrate = (2 * d0 * HASHES_PER_DIFFICULTY) / 600;
    const path = steadyChain(d0, 3, hashrate, (raw) => {
      raw.asOf.secondsSinceRetarget = BLOCKS_SINCE_RETARGET * 600;
    });
    const reward = 3.125 + FEES;
    const t1 = (RETARGET_INTERVAL_BLOCKS - BLOCKS_SINCE_RETARGET) * 300;
    const d1 = (d0 * TARGET_TIMESPAN_SECONDS) / (BLOCKS_SINCE_RETARGET * 600 + t1);
    // The next epoch runs at H / (d1 2^32) blocks a second and takes T d1 / (2 d0): difficulty then doubles d0.
    const t2 = RETARGET_INTERVAL_BLOCKS * ((d1 * HASHES_PER_DIFFICULTY) / hashrate);
    const month0 = btcPerEhs(reward, t1, d0) + btcPerEhs(reward, t2, d1) + btcPerEhs(reward, SECONDS_PER_MONTH - t1 - t2, 2 * d0);
    expect(path.btcPerEhsMonth[0] / month0).toBeCloseTo(1, 9);
    expect(path.difficulty[1] / (2 * d0)).toBeCloseTo(1, 9);
  });
});
