// Block height on a historical date, which a back-test needs to place the next halving and the
// next retarget. Three sources, best first: a `height` column in the user's difficulty file (a
// node's `getblockheader` export: exact at its rows), the retargets counted in a daily difficulty
// series from a halving on (any blockchain.com-style export), or the shipped daily block counts.
import { RETARGET_INTERVAL_BLOCKS } from '../engine/bitcoin.js';
import type { DailySeries, Halving } from './history.js';

export class BlockHeightError extends Error {
  override name = 'BlockHeightError';
}

export type BlockHeightSource =
  /** The shipped daily hashrate estimate and difficulty (2009-01-03 .. 2019-06-19). */
  | { kind: 'dailyBlocks'; hashrateThs: DailySeries; difficulty: DailySeries; end: string }
  /** Heights given with the difficulty (a `height` column), increasing with the date. */
  | { kind: 'heightColumn'; dates: readonly string[]; heights: Float64Array; file: string }
  /** Retargets counted in a daily difficulty series. */
  | { kind: 'retargets'; difficulty: DailySeries; file: string };

const DAY_MS = 86_400_000;
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const GENESIS = { height: 0, dateUtc: '2009-01-03' };

export function heightMethod(source: BlockHeightSource): string {
  switch (source.kind) {
    case 'dailyBlocks':
      return (
        'block height = height at the last halving (or genesis) before the date, from halvings.csv, plus the blocks mined since: ' +
        "each day's block count recovered from the shipped daily hashrate estimate and difficulty (blocks = H x 86400 s / (D x 2^32)), " +
        'scaled so that the count between two halvings is exactly 210,000 (unscaled it is 210,044.8 between 2012-11-28 and 2016-07-09: 0.02% off)'
      );
    case 'heightColumn':
      return `block height from the height column of ${source.file}, interpolated linearly in time between its rows (exact on the days of its rows)`;
    case 'retargets':
      return (
        `block height counted in ${source.file}: the retarget that set the difficulty of the last halving before the date (matched by its difficulty in halvings.csv, within 0.5%) is at height ` +
        'floor(halving height / 2016) x 2016, every later change of the difficulty is the next retarget (2016 blocks on; changes on consecutive days count once, as a daily average spans the retarget), ' +
        'and heights between two retargets are interpolated in time; a retarget is dated to the day its change first shows, so heights carry up to a day of blocks (~144) of error'
      );
  }
}

// ---------------------------------------------------------------------------------------------
// Shipped daily block counts.

/**
 * Blocks mined per day from the shipped series: blockchain.com's daily hashrate estimate is the
 * day's block count times D 2^32 / 86400 s, so blocks = H 86400 / (D 2^32) recovers the count.
 */
function blocksByDay(hashrateThs: DailySeries, difficulty: DailySeries): Map<string, number> {
  const difficultyOn = new Map(difficulty.dates.map((d, i) => [d, difficulty.values[i]]));
  const blocks = new Map<string, number>();
  hashrateThs.dates.forEach((date, i) => {
    const d = difficultyOn.get(date);
    const h = hashrateThs.values[i];
    if (d !== undefined && d > 0 && h > 0) blocks.set(date, (h * 1e12 * 86400) / (d * 2 ** 32));
  });
  return blocks;
}

function blocksBetween(blocks: Map<string, number>, from: string, to: string): number {
  let sum = 0;
  for (const [date, count] of blocks) if (date >= from && date < to) sum += count;
  return sum;
}

function heightFromDailyBlocks(date: string, source: Extract<BlockHeightSource, { kind: 'dailyBlocks' }>, halvings: readonly Halving[]): number {
  if (date > source.end) {
    throw new BlockHeightError(`the block height on ${date} cannot be estimated: the shipped daily hashrate and difficulty series end ${source.end}; pass --difficulty FILE with a difficulty series that covers it`);
  }
  const blocks = blocksByDay(source.hashrateThs, source.difficulty);
  const anchors = [GENESIS, ...halvings.map((h) => ({ height: h.height, dateUtc: h.dateUtc }))];
  let a = 0;
  while (a + 1 < anchors.length && anchors[a + 1].dateUtc <= date) a++;
  const anchor = anchors[a];
  const next = anchors[a + 1];
  let scale = 1;
  if (next !== undefined && next.dateUtc <= source.end) scale = (next.height - anchor.height) / blocksBetween(blocks, anchor.dateUtc, next.dateUtc);
  return anchor.height + scale * blocksBetween(blocks, anchor.dateUtc, date);
}

// ---------------------------------------------------------------------------------------------
// A height column.

function heightFromColumn(date: string, source: Extract<BlockHeightSource, { kind: 'heightColumn' }>): number {
  const { dates, heights, file } = source;
  for (let i = 1; i < heights.length; i++) {
    if (!(heights[i] > heights[i - 1])) {
      throw new BlockHeightError(`--difficulty ${file}: the height falls or stands still from ${dates[i - 1]} (${heights[i - 1]}) to ${dates[i]} (${heights[i]}); heights must rise with the date`);
    }
  }
  const day = dayNumber(date);
  if (dates.length < 2 || day < dayNumber(dates[0]) || day > dayNumber(dates[dates.length - 1])) {
    throw new BlockHeightError(`--difficulty ${file}: its heights cover ${dates[0]} .. ${dates[dates.length - 1]}, not ${date}; the file must reach past the as-of date`);
  }
  let i = 1;
  while (dayNumber(dates[i]) < day) i++;
  const [d0, d1] = [dayNumber(dates[i - 1]), dayNumber(dates[i])];
  return heights[i - 1] + ((heights[i] - heights[i - 1]) * (day - d0)) / (d1 - d0);
}

// ---------------------------------------------------------------------------------------------
// Retargets counted in a daily difficulty series.

/** A relative change below this is rounding in the export, not a retarget (seen in blockchain.com's 2016 data). */
const RETARGET_MIN_CHANGE = 1e-6;
/** Changes this many days apart or less are one retarget (a daily average is blended on the day of one). */
const SAME_RETARGET_DAYS = 2;
/** Without a height column, the series must have a value at least this often to see every retarget (they come ~every 14 days, at least every 3.5). */
const MAX_DAYS_BETWEEN_OBSERVATIONS = 3;
/** halvings.csv gives 2020 and 2024 difficulties to 3 significant digits. */
const ANCHOR_DIFFICULTY_TOLERANCE = 0.005;
/** The retarget before a halving is at most 2016 blocks before it: two weeks at 600 s, more if blocks were slow. */
const ANCHOR_DAYS = 20;

interface Retarget {
  /** Day the change first shows. */
  day: number;
  date: string;
  /** The difficulty once the change has settled. */
  difficulty: number;
}

function retargetsOf(series: DailySeries): Retarget[] {
  const retargets: Retarget[] = [];
  let last = series.values[0];
  let lastChangeDay = -Infinity;
  for (let i = 1; i < series.values.length; i++) {
    const value = series.values[i];
    if (Math.abs(value / last - 1) > RETARGET_MIN_CHANGE) {
      const day = dayNumber(series.dates[i]);
      if (day - lastChangeDay <= SAME_RETARGET_DAYS) retargets[retargets.length - 1].difficulty = value;
      else retargets.push({ day, date: series.dates[i], difficulty: value });
      lastChangeDay = day;
    }
    last = value;
  }
  return retargets;
}

/** The retarget that set the difficulty in force at a halving, found by that difficulty near the halving's date. */
function anchorRetarget(retargets: readonly Retarget[], halving: Halving): number {
  const halvingDay = dayNumber(halving.dateUtc);
  let best = -1;
  for (let i = 0; i < retargets.length; i++) {
    const r = retargets[i];
    if (r.day > halvingDay + 1 || halvingDay - r.day > ANCHOR_DAYS) continue;
    if (Math.abs(r.difficulty / halving.difficultyNearBlock - 1) > ANCHOR_DIFFICULTY_TOLERANCE) continue;
    if (best < 0 || Math.abs(r.day - halvingDay) < Math.abs(retargets[best].day - halvingDay)) best = i;
  }
  return best;
}

function checkDaily(series: DailySeries, fromDay: number, toDay: number, file: string): void {
  for (let i = 1; i < series.dates.length; i++) {
    const [d0, d1] = [dayNumber(series.dates[i - 1]), dayNumber(series.dates[i])];
    if (d1 < fromDay || d0 > toDay) continue;
    if (d1 - d0 > MAX_DAYS_BETWEEN_OBSERVATIONS) {
      throw new BlockHeightError(
        `--difficulty ${file}: no value from ${series.dates[i - 1]} to ${series.dates[i]}; counting retargets needs a value at least every ${MAX_DAYS_BETWEEN_OBSERVATIONS} days, or give the file a height column (one row per retarget from your node: see README.md)`,
      );
    }
  }
}

function heightFromRetargets(date: string, source: Extract<BlockHeightSource, { kind: 'retargets' }>, halvings: readonly Halving[]): number {
  const { difficulty, file } = source;
  const day = dayNumber(date);
  const halving = [...halvings].reverse().find((h) => dayNumber(h.dateUtc) <= day);
  const noHeight = `; or give the file a height column (see README.md)`;
  if (halving === undefined) throw new BlockHeightError(`--difficulty ${file}: retargets are counted from a halving, and there is none before ${date}${noHeight}`);
  const retargets = retargetsOf(difficulty);
  const a = anchorRetarget(retargets, halving);
  if (a < 0) {
    throw new BlockHeightError(
      `--difficulty ${file}: no retarget to the difficulty of the ${halving.dateUtc} halving (${halving.difficultyNearBlock.toPrecision(3)}, halvings.csv) within ${ANCHOR_DAYS} days before it; ` +
        `the file must cover that halving with daily values to count retargets from it${noHeight}`,
    );
  }
  const last = retargets.length - 1;
  const lastDay = dayNumber(difficulty.dates[difficulty.dates.length - 1]);
  if (day > lastDay) throw new BlockHeightError(`--difficulty ${file}: the file ends ${difficulty.dates[difficulty.dates.length - 1]}, before ${date}`);
  checkDaily(difficulty, retargets[a].day, day, file);

  // The next halving inside the file checks the count: Bitcoin retargets every 2016 blocks exactly.
  const base = Math.floor(halving.height / RETARGET_INTERVAL_BLOCKS);
  const next = halvings.find((h) => h.height > halving.height && dayNumber(h.dateUtc) <= lastDay);
  if (next !== undefined) {
    const b = anchorRetarget(retargets, next);
    const expected = Math.floor(next.height / RETARGET_INTERVAL_BLOCKS) - base;
    if (b >= 0 && b - a !== expected) {
      throw new BlockHeightError(
        `--difficulty ${file}: ${b - a} changes of the difficulty between the retargets before the ${halving.dateUtc} and ${next.dateUtc} halvings, where Bitcoin had ${expected} retargets; ` +
          `the file misses or adds some (values too far apart, or edited)${noHeight}`,
      );
    }
  }

  let k = a;
  while (k < last && retargets[k + 1].day <= day) k++;
  const heightAtK = (base + (k - a)) * RETARGET_INTERVAL_BLOCKS;
  // Between retarget k and k + 1, or past the last one at the pace of the period before it.
  const span = k < last ? retargets[k + 1].day - retargets[k].day : k > a ? retargets[k].day - retargets[k - 1].day : 14;
  return heightAtK + (RETARGET_INTERVAL_BLOCKS * (day - retargets[k].day)) / span;
}

/** Block height at the start of `date` (`YYYY-MM-DD`), by the source's method (heightMethod). */
export function blockHeightAt(date: string, source: BlockHeightSource, halvings: readonly Halving[]): number {
  switch (source.kind) {
    case 'dailyBlocks':
      return heightFromDailyBlocks(date, source, halvings);
    case 'heightColumn':
      return heightFromColumn(date, source);
    case 'retargets':
      return heightFromRetargets(date, source, halvings);
  }
}
