// A made-up Bitcoin chain after the 2020 halving, by Bitcoin's rules (a retarget every 2016 blocks,
// difficulty x 14 days / actual timespan), for tests of files a user brings: its block heights are
// known exactly, so the heights a back-test estimates from its difficulty can be checked. The
// network's hashrate grows smoothly; blocks arrive as a fluid at H / (D 2^32) per second.
import { HASHES_PER_DIFFICULTY, RETARGET_INTERVAL_BLOCKS, retargetDifficulty } from '../engine/bitcoin.js';

const DAY_SECONDS = 86_400;

export interface SyntheticDay {
  date: string;
  /** Difficulty in force at 00:00 UTC. */
  startDifficulty: number;
  /** Time-weighted mean difficulty over the day (blockchain.com's daily series looks like this). */
  meanDifficulty: number;
  /** Blocks mined before 00:00 UTC. */
  height: number;
}

export interface SyntheticRetarget {
  height: number;
  /** Unix seconds of the retarget block. */
  time: number;
  difficulty: number;
}

export interface SyntheticChain {
  days: SyntheticDay[];
  retargets: SyntheticRetarget[];
}

/**
 * Starts at the retarget before the 2020 halving (height 628,992 = 312 x 2016) on 2020-05-04
 * 12:00 UTC with the 16.1e12 difficulty halvings.csv gives for that halving; hashrate starts 5%
 * above that difficulty's, so the halving (1,008 blocks later) falls on 2020-05-11 as it did, and
 * grows `growthPerYear` in logs.
 */
export function syntheticChain(untilDate: string, growthPerYear = 0.5): SyntheticChain {
  const start = Date.UTC(2020, 4, 4, 12) / 1000;
  const end = Date.parse(`${untilDate}T00:00:00Z`) / 1000;
  let difficulty = 16.1e12;
  const hashrate0 = ((difficulty * HASHES_PER_DIFFICULTY) / 600) * 1.05;
  const hashrateAt = (t: number) => hashrate0 * Math.exp((growthPerYear * (t - start)) / (365.25 * DAY_SECONDS));
  // Step the chain in 60 s slices: fine enough that a retarget lands within a minute.
  const step = 60;
  let height = 628_992;
  let periodStart = start;
  const retargets: SyntheticRetarget[] = [{ height, time: start, difficulty }];
  const days: SyntheticDay[] = [];
  // Days before the start: the difficulty before the retarget, for a file that reaches back a little.
  const previousDifficulty = 15.96e12;
  for (let t = Date.UTC(2020, 4, 1) / 1000; t < start - DAY_SECONDS; t += DAY_SECONDS) {
    days.push({ date: new Date(t * 1000).toISOString().slice(0, 10), startDifficulty: previousDifficulty, meanDifficulty: previousDifficulty, height: NaN });
  }
  let dayStart = Math.floor(start / DAY_SECONDS) * DAY_SECONDS;
  let dayWeighted = previousDifficulty * (start - dayStart);
  let dayStartDifficulty = previousDifficulty;
  let dayStartHeight = NaN;
  for (let t = start; t < end; t += step) {
    height += (hashrateAt(t) * step) / (difficulty * HASHES_PER_DIFFICULTY);
    dayWeighted += difficulty * step;
    const next = Math.floor(height / RETARGET_INTERVAL_BLOCKS) * RETARGET_INTERVAL_BLOCKS;
    if (next > retargets[retargets.length - 1].height) {
      difficulty = retargetDifficulty(difficulty, t + step - periodStart);
      periodStart = t + step;
      retargets.push({ height: next, time: t + step, difficulty });
    }
    if (t + step - dayStart >= DAY_SECONDS) {
      days.push({ date: new Date(dayStart * 1000).toISOString().slice(0, 10), startDifficulty: dayStartDifficulty, meanDifficulty: dayWeighted / DAY_SECONDS, height: dayStartHeight });
      dayStart += DAY_SECONDS;
      dayWeighted = 0;
      dayStartDifficulty = difficulty;
      dayStartHeight = height;
    }
  }
  return { days, retargets };
}

/** `date,difficulty` rows of daily means (the blockchain.com export's shape). */
export function dailyDifficultyCsv(chain: SyntheticChain): string {
  return `date,difficulty\n${chain.days.map((d) => `${d.date},${d.meanDifficulty}`).join('\n')}\n`;
}

/** `height,time,difficulty` rows, one per retarget: what the README's bitcoin-cli loop writes. */
export function retargetCsv(chain: SyntheticChain): string {
  return `height,time,difficulty\n${chain.retargets.map((r) => `${r.height},${Math.round(r.time)},${r.difficulty}`).join('\n')}\n`;
}
