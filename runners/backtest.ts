// Back-tests: start the engine from the market as it was on a historical date (the shipped history
// or the user's files), simulate many market paths with a scenario's processes, and hand the paths
// and what really happened to outputs/backtest.ts, which places each realised month within the
// simulated distribution. The market is simulated in this thread with the trial kernel (no strategies).
import { fitGbm } from '../engine/calibration.js';
import { blockSubsidySats, hashpriceUsdPerPhDay, hashrateForDifficulty, powerCostUsdPerPhDay, SATS_PER_BTC } from '../engine/bitcoin.js';
import { SECONDS_PER_MONTH } from '../engine/market.js';
import { compileModel } from '../engine/model.js';
import type { ModelInputs } from '../engine/priceModel.js';
import { TrialKernel } from '../engine/trial.js';
import { compareHalving, compareSeries, type BacktestWindow } from '../outputs/backtest.js';
import { monthLabel } from '../outputs/calendarMonths.js';
import { parseScenario, resolvedScenarioJson, ScenarioError } from '../scenarios/load.js';
import type { Scenario } from '../scenarios/schema.js';
import { blockHeightAt, BlockHeightError, heightMethod, type BlockHeightSource } from './blockHeight.js';
import { resolveModelInputs } from './modelInputs.js';
import { loadedProcesses, prepareProcessModule } from './processModule.js';
import { coverageOf, loadBtcPriceUsd, loadDifficulty, loadHalvings, loadHashrateThs, monthlySeries, windowCoverage, type Coverage, type DailySeries, type Halving } from './history.js';
import { describeUserSeries, readUserSeries, type UserSeriesOptions } from './userSeries.js';

/** A back-test that cannot start (no history at its as-of date): a user error, exit code 1. */
export class BacktestInputError extends Error {
  override name = 'BacktestInputError';
}

/** One historical series and what to call it in messages ("the shipped BTC price", "--price my.csv"). */
export interface HistorySeries {
  daily: DailySeries;
  coverage: Coverage;
  name: string;
}

export interface BacktestHistory {
  price: HistorySeries;
  difficulty: HistorySeries;
  /** Fees per block and energy price, when the user gives them (--series): the as-of state reads them. */
  fees?: HistorySeries;
  energy?: HistorySeries;
  heights: BlockHeightSource;
  halvings: Halving[];
  /** What was read from the user's files (rows skipped, gaps), for the report. */
  notes: string[];
}

/** A user's file for one series: `--price FILE [--price-column C]` and the like. */
export interface HistoryFile {
  path: string;
  column?: string;
}

export interface BacktestFiles {
  price?: HistoryFile;
  difficulty?: HistoryFile;
  fees?: HistoryFile;
  energy?: HistoryFile;
}

function historySeries(daily: DailySeries, name: string): HistorySeries {
  return { daily, coverage: coverageOf(daily), name };
}

/**
 * The history a back-test reads: the shipped series, with any of them replaced by the user's files.
 * A user's difficulty file brings its own block heights (a height column, or retargets counted).
 */
export async function loadBacktestHistory(files: BacktestFiles = {}): Promise<BacktestHistory> {
  const notes: string[] = [];
  const read = async (flag: string, file: HistoryFile, options: UserSeriesOptions = {}) => {
    const user = await readUserSeries(file.path, flag, { ...options, column: file.column });
    notes.push(describeUserSeries(user, flag, file.path));
    return user;
  };
  const price = files.price === undefined ? historySeries(loadBtcPriceUsd(), 'the shipped BTC price') : historySeries((await read('--price', files.price)).series, `--price ${files.price.path}`);
  let difficulty: HistorySeries;
  let heights: BlockHeightSource;
  if (files.difficulty === undefined) {
    difficulty = historySeries(loadDifficulty(), 'the shipped difficulty');
    const hashrateThs = loadHashrateThs();
    heights = { kind: 'dailyBlocks', hashrateThs, difficulty: difficulty.daily, end: coverageOf(hashrateThs).to };
  } else {
    const user = await read('--difficulty', files.difficulty, { heights: true });
    difficulty = historySeries(user.series, `--difficulty ${files.difficulty.path}`);
    heights =
      user.heights === undefined
        ? { kind: 'retargets', difficulty: user.series, file: files.difficulty.path }
        : { kind: 'heightColumn', dates: user.series.dates, heights: user.heights, file: files.difficulty.path };
  }
  const extra = async (process: 'fees' | 'energy') => {
    const file = files[process];
    return file === undefined ? undefined : historySeries((await read(`--series ${process}`, file)).series, `--series ${process}=${file.path}`);
  };
  return { price, difficulty, fees: await extra('fees'), energy: await extra('energy'), heights, halvings: loadHalvings(), notes };
}

/** Days an observation before the 1st may lie back and still give the value at the start of the month. */
const MONTH_START_LOOKBACK_DAYS = 31;

function daysBetween(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
}

/**
 * The value at the start of `month` (`YYYY-MM`): the observation on the 1st; else, if the series
 * goes on past the 1st, the last one in the 31 days before it (month-end data, or one row per
 * retarget: a value holds until the next); else the first one in the month (a series that starts
 * mid-month). Null when none of these exists.
 */
export function valueAtMonthStart(series: DailySeries, month: string): { date: string; value: number } | null {
  const start = `${month}-01`;
  // Binary search for the first date >= the 1st.
  let lo = 0;
  let hi = series.dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (series.dates[mid] < start) lo = mid + 1;
    else hi = mid;
  }
  const at = (i: number) => ({ date: series.dates[i], value: series.values[i] });
  if (lo < series.dates.length && series.dates[lo] === start && series.values[lo] > 0) return at(lo);
  // Carried forward only while the series goes on: past its end nothing is known.
  if (lo > 0 && lo < series.dates.length && series.values[lo - 1] > 0 && daysBetween(series.dates[lo - 1], start) <= MONTH_START_LOOKBACK_DAYS) return at(lo - 1);
  for (let i = lo; i < series.dates.length && series.dates[i].startsWith(month); i++) {
    if (series.values[i] > 0) return at(i);
  }
  return null;
}

export const HALVING_INTERVAL = 210_000;

/** Block height at the start of `date` (`YYYY-MM-DD`), by the history's height source (blockHeight.ts). */
export function estimateBlockHeight(date: string, history: BacktestHistory): number {
  try {
    return blockHeightAt(date, history.heights, history.halvings);
  } catch (error) {
    if (error instanceof BlockHeightError) throw new BacktestInputError(error.message);
    throw error;
  }
}

export interface HistoricalState {
  /** `YYYY-MM`: the state at the start of this month. */
  asOf: string;
  priceUsd: number;
  priceObservedOn: string;
  difficulty: number;
  difficultyObservedOn: string;
  /** Blocks mined before the as-of date (estimateBlockHeight), rounded. */
  blocksMined: number;
  subsidyBtc: number;
  /** D 2^32 / 600 s. */
  networkHashrateEhs: number;
  /** From the user's fee and energy series (--series), when given: they replace the scenario's rule. */
  feesBtcPerBlock?: number;
  energyUsdPerMwh?: number;
  /** Where the price, difficulty and block height came from. */
  sources: { price: string; difficulty: string; blockHeight: string };
}

export function historicalState(asOf: string, history: BacktestHistory): HistoricalState {
  const startOf = (series: HistorySeries, what: string) => {
    const observation = valueAtMonthStart(series.daily, asOf);
    if (observation === null) {
      throw new BacktestInputError(
        `--as-of ${asOf}: ${series.name} covers ${series.coverage.from} .. ${series.coverage.to}; a back-test starts from the ${what} at its as-of date, so choose an as-of month inside it` +
          (series.name.startsWith('the shipped') ? ` (or bring your own: ${what === 'difficulty' ? '--difficulty' : '--price'} FILE)` : ''),
      );
    }
    return observation;
  };
  const price = startOf(history.price, 'BTC price');
  const difficulty = startOf(history.difficulty, 'difficulty');
  const blocksMined = Math.round(estimateBlockHeight(`${asOf}-01`, history));
  return {
    asOf,
    priceUsd: price.value,
    priceObservedOn: price.date,
    difficulty: difficulty.value,
    difficultyObservedOn: difficulty.date,
    blocksMined,
    subsidyBtc: blockSubsidySats(blocksMined) / SATS_PER_BTC,
    networkHashrateEhs: hashrateForDifficulty(difficulty.value) / 1e18,
    ...(history.fees === undefined ? {} : { feesBtcPerBlock: startOf(history.fees, 'fees per block').value }),
    ...(history.energy === undefined ? {} : { energyUsdPerMwh: startOf(history.energy, 'energy price').value }),
    sources: { price: history.price.name, difficulty: history.difficulty.name, blockHeight: heightMethod(history.heights) },
  };
}

/** The first halving after the start of `asOf`, from halvings.csv, with its fractional engine month. */
export function nextRealisedHalving(asOf: string, history: BacktestHistory): { dateUtc: string; height: number; month: number } | null {
  const start = Date.parse(`${asOf}-01T00:00:00Z`);
  const halving = history.halvings.find((h) => h.dateUtc >= `${asOf}-01`);
  if (halving === undefined) return null;
  // The hour is not in halvings.csv: take midday (± 12 h, 0.016 month).
  const seconds = (Date.parse(`${halving.dateUtc}T12:00:00Z`) - start) / 1000;
  return { dateUtc: halving.dateUtc, height: halving.height, month: seconds / SECONDS_PER_MONTH };
}

export const SCENARIO_ASSUMPTIONS = [
  'price, difficulty: the value at the start of the as-of month (shipped history or your files: the value on the 1st, else the last one in the 31 days before it, else the first in the month); hashrate = difficulty x 2^32 / 600 s',
  'fees per block (start and long-run mean): the scenario\'s fees as a share of its subsidy, times the subsidy at the as-of date; with --series fees=FILE, the start is the series\' value at the as-of date',
  'energy price at the as-of date: the scenario\'s, or with --series energy=FILE the series\' value at the as-of date',
  'hashrate breakeven: scaled so that the network\'s margin (hashprice / breakeven) at the as-of date equals the scenario\'s at its own as-of date; carried by the fleet efficiency, up to the schema\'s 1000 J/TH, and the rest by the power price',
  'energy and AI demand do not feed price, hashrate or difficulty: they keep the scenario\'s values; so does the site, but for its size: its fleet efficiency scaled as the breakeven\'s and its power so that it is the same share of the network\'s hashrate as in the scenario (a 2025 site would be many times a 2015 network)',
  'every process parameter (price drift, volatility, jumps; hashrate growth, volatility, response, lag; fee reversion and volatility; correlations) is the scenario\'s',
];

/** Schema maxima of the breakeven fields (scenarios/schema.ts). */
const MAX_BREAKEVEN_EFFICIENCY_J_PER_TH = 1000;
const MAX_BREAKEVEN_POWER_USD_PER_MWH = 10_000;

/**
 * The scenario `base` moved to a historical as-of state (SCENARIO_ASSUMPTIONS), over `months`
 * months. `notes` receives a sentence when the breakeven could not be scaled all the way.
 */
export function backtestScenario(base: Scenario, state: HistoricalState, months: number, notes: string[] = []): Scenario {
  const raw = resolvedScenarioJson(base) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const baseSubsidy = blockSubsidySats(base.asOf.blockHeight + 1) / SATS_PER_BTC;
  const feeShare = base.asOf.feesBtcPerBlock / baseSubsidy;
  const feesBtcPerBlock = state.feesBtcPerBlock ?? feeShare * state.subsidyBtc;
  const meanFeesBtcPerBlock = (base.market.fees.meanBtcPerBlock / baseSubsidy) * state.subsidyBtc;

  const h = base.market.hashrate;
  const baseHashprice = hashpriceUsdPerPhDay(baseSubsidy + base.asOf.feesBtcPerBlock, base.asOf.priceUsd, base.asOf.difficulty);
  const margin = baseHashprice / powerCostUsdPerPhDay(h.breakevenEfficiencyJPerTh, h.breakevenPowerUsdPerMwh);
  const hashprice = hashpriceUsdPerPhDay(state.subsidyBtc + feesBtcPerBlock, state.priceUsd, state.difficulty);
  const factor = hashprice / margin / powerCostUsdPerPhDay(h.breakevenEfficiencyJPerTh, h.breakevenPowerUsdPerMwh);
  const efficiency = Math.min(MAX_BREAKEVEN_EFFICIENCY_J_PER_TH, h.breakevenEfficiencyJPerTh * factor);
  const wantedPower = (h.breakevenPowerUsdPerMwh * h.breakevenEfficiencyJPerTh * factor) / efficiency;
  const power = Math.min(MAX_BREAKEVEN_POWER_USD_PER_MWH, wantedPower);
  if (power < wantedPower) {
    notes.push(
      `the hashrate breakeven needed to match ${base.name}'s margin is beyond the schema's ranges (${MAX_BREAKEVEN_EFFICIENCY_J_PER_TH} J/TH, $${MAX_BREAKEVEN_POWER_USD_PER_MWH}/MWh); held there, so the network starts ${(wantedPower / power).toPrecision(3)}x more profitable than in ${base.name} and the hashrate response pushes growth up`,
    );
  }

  raw.name = `${base.name}-backtest-${state.asOf}`;
  raw.description = `Back-test from ${state.asOf}: ${base.name}'s processes started from the historical state.`;
  raw.horizonMonths = months;
  raw.asOf = {
    ...raw.asOf,
    date: state.asOf,
    blockHeight: state.blocksMined - 1,
    difficulty: state.difficulty,
    networkHashrateEhs: state.networkHashrateEhs,
    priceUsd: state.priceUsd,
    feesBtcPerBlock,
    ...(state.energyUsdPerMwh === undefined ? {} : { energyUsdPerMwh: state.energyUsdPerMwh }),
    sources: {
      priceUsd: `${state.sources.price}, ${state.priceObservedOn}`,
      difficulty: `${state.sources.difficulty}, ${state.difficultyObservedOn}`,
      blockHeight: state.sources.blockHeight,
      networkHashrateEhs: 'difficulty x 2^32 / 600 s',
      feesBtcPerBlock:
        state.feesBtcPerBlock === undefined
          ? `${base.name}'s fee share of the subsidy (${(feeShare * 100).toFixed(2)}%) x ${state.subsidyBtc} BTC`
          : 'the --series fees value at the as-of date',
      ...(state.energyUsdPerMwh === undefined ? {} : { energyUsdPerMwh: 'the --series energy value at the as-of date' }),
    },
  };
  delete raw.asOf.blocksSinceRetarget;
  delete raw.asOf.secondsSinceRetarget;
  raw.market.fees.meanBtcPerBlock = meanFeesBtcPerBlock;
  raw.market.hashrate.breakevenEfficiencyJPerTh = efficiency;
  const siteEfficiency = Math.min(MAX_BREAKEVEN_EFFICIENCY_J_PER_TH, (base.site.efficiencyJPerTh * efficiency) / h.breakevenEfficiencyJPerTh);
  raw.site.efficiencyJPerTh = siteEfficiency;
  raw.site.powerMw = ((base.site.powerMw * state.networkHashrateEhs) / base.asOf.networkHashrateEhs) * (siteEfficiency / base.site.efficiencyJPerTh);
  raw.market.hashrate.breakevenPowerUsdPerMwh = power;
  try {
    return parseScenario(raw, `back-test ${state.asOf}`);
  } catch (error) {
    if (error instanceof ScenarioError) throw new BacktestInputError(`--as-of ${state.asOf}: the scenario moved to that date is not valid:\n${error.message}`);
    throw error;
  }
}

export interface SimulatedPaths {
  trials: number;
  /** Entries per path: months 0 .. months - 1 (state at the start of each month). */
  months: number;
  /** Month-major: value of trial t in month m at [m * trials + t]. */
  priceUsd: Float64Array;
  difficulty: Float64Array;
  /** Fractional month of the first halving, NaN when none within `months`. */
  halvingMonth: Float64Array;
}

/**
 * Simulates `trials` market paths of the scenario with the engine's kernel (trial t = stream (seed, t));
 * `inputs` as resolveModelInputs gives them.
 */
export function simulateMarketPaths(scenario: Scenario, trials: number, seed: number, inputs: ModelInputs = {}): SimulatedPaths {
  const kernel = new TrialKernel(compileModel(scenario, inputs, loadedProcesses(inputs)), inputs.switchPolicies);
  const months = scenario.horizonMonths;
  const priceUsd = new Float64Array(months * trials);
  const difficulty = new Float64Array(months * trials);
  const halvingMonth = new Float64Array(trials);
  for (let t = 0; t < trials; t++) {
    kernel.drawTrial(seed, t);
    const market = kernel.market;
    for (let m = 0; m < months; m++) {
      priceUsd[m * trials + t] = market.priceUsd[m];
      difficulty[m * trials + t] = market.difficulty[m];
    }
    halvingMonth[t] = market.nextHalvingMonth;
  }
  return { trials, months, priceUsd, difficulty, halvingMonth };
}

export interface RealisedMonth {
  month: number;
  label: string;
  value: number | null;
  observedOn: string | null;
}

/** What happened in months 0 .. months (start of each month), null past the series' end. */
export function realisedPath(series: DailySeries, asOf: string, months: number): RealisedMonth[] {
  return Array.from({ length: months + 1 }, (_, month) => {
    const label = monthLabel(asOf, month);
    const observation = valueAtMonthStart(series, label);
    return { month, label, value: observation?.value ?? null, observedOn: observation?.date ?? null };
  });
}

/** A sentence when months 1 .. months run past the series' end (windowCoverage), else undefined. */
export function pastEndNote(coverage: Coverage, asOf: string, months: number, name: string): string | undefined {
  return windowCoverage(coverage, monthLabel(asOf, 1), monthLabel(asOf, months), name).note;
}

export interface HashrateTrend {
  /** Months of history before the as-of date the trend is fitted on. */
  months: number;
  from: string;
  to: string;
  /** Drift of ln difficulty per year (the engine's growthPerYear) and its SE. */
  growthPerYear: number;
  growthStandardError: number;
  volatilityPerYear: number;
  volatilityStandardError: number;
}

/**
 * The hashrate trend known at the as-of date: GBM fit of month-end ln difficulty over the `months`
 * months before it (from the end of month asOf - months - 1 to the end of month asOf - 1, so
 * nothing at or after the as-of date is used). Hashrate = difficulty x 2^32 / 600 s, so ln hashrate
 * has the same drift and volatility.
 */
export function hashrateTrendBefore(asOf: string, months: number, history: BacktestHistory): HashrateTrend {
  const from = monthLabel(asOf, -months - 1);
  const to = monthLabel(asOf, -1);
  const monthly = monthlySeries(history.difficulty.daily, from, to);
  if (monthly.dates.length !== months + 1 || monthly.dates[0] !== from) {
    throw new BacktestInputError(
      `--hashrate-trend ${months}: the difficulty history has ${Math.max(0, monthly.dates.length - 1)} monthly steps in ${from} .. ${to}, not ${months}; choose a later --as-of or a shorter trend`,
    );
  }
  const fit = fitGbm(Array.from(monthly.values, Math.log), 1 / 12);
  return {
    months,
    from,
    to,
    growthPerYear: fit.estimates.logDriftPerYear,
    growthStandardError: fit.standardErrors.logDriftPerYear,
    volatilityPerYear: fit.estimates.volatilityPerYear,
    volatilityStandardError: fit.standardErrors.volatilityPerYear,
  };
}

/**
 * The scenario with its hashrate growth and volatility replaced by the trend, and the response
 * set to 0: the trend already holds the network's response to the margins of its window, so adding
 * the response to the as-of margin would count it twice. Values are clamped into the schema ranges.
 */
export function withHashrateTrend(scenario: Scenario, trend: HashrateTrend): Scenario {
  const raw = resolvedScenarioJson(scenario) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  raw.market.hashrate.growthPerYear = Math.min(5, Math.max(-2, trend.growthPerYear));
  raw.market.hashrate.volatilityPerYear = Math.min(5, trend.volatilityPerYear);
  raw.market.hashrate.responsePerYear = 0;
  return parseScenario(raw, `${scenario.name} with the hashrate trend of ${trend.from} .. ${trend.to}`);
}

export interface BacktestOptions {
  /** As-of months, `YYYY-MM`. */
  asOf: readonly string[];
  /** Months compared after each as-of date. */
  months: number;
  trials: number;
  seed: number;
  /** The scenario whose processes are used (default base). */
  scenario: Scenario;
  scenarioName: string;
  /** Fit the hashrate growth and volatility on this many months before each as-of date (0 or absent: the scenario's). */
  hashrateTrendMonths?: number;
  history?: BacktestHistory;
  /** The module of a custom price process (--process-module), as for run. */
  processModule?: string;
}

/** Simulated months beyond the realised halving, so the halving's percentile is exact. */
const MONTHS_PAST_HALVING = 6;
const MAX_SIMULATED_MONTHS = 600;

/** How the back-test was made, for backtest.json: the block height method depends on the history. */
export function backtestMethod(history: BacktestHistory): Record<string, string | string[]> {
  return {
    state: SCENARIO_ASSUMPTIONS[0],
    blockHeight: heightMethod(history.heights),
    assumptions: SCENARIO_ASSUMPTIONS.slice(1),
    hashrateTrend:
      'with --hashrate-trend N: hashrate growth and volatility = drift and volatility of month-end ln difficulty over the N months before the as-of date (GBM fit), response set to 0 (the trend already holds it); nothing at or after the as-of date is used',
    months: "month k = the state at the start of the k-th calendar month after the as-of month: the engine's month k (state at its start) against the history's value at the start of that month (as for the as-of state)",
    percentile: 'share of simulated paths below the realised value, ties counting half; inside 50% = between the simulated p25 and p75, inside 90% = between p5 and p95 (type-7 quantiles)',
    halving: 'realised date from halvings.csv (midday UTC) in engine months of 30.44 days from the start of the as-of month; paths are simulated until 6 months past it, a path with no halving by then counts as later',
  };
}

/** Resampling returns from the months being tested would hand the simulation the answer. */
function checkNoLookAhead(scenario: Scenario, inputs: ModelInputs, asOf: string): void {
  const months = inputs.priceHistory?.months;
  if (months === undefined || months.length === 0 || months[months.length - 1] < asOf) return;
  throw new BacktestInputError(
    `--as-of ${asOf}: ${scenario.name}'s price bootstrap resamples ${months[0]} .. ${months[months.length - 1]}, which reaches the tested months; set market.price.bootstrap.to before ${asOf}`,
  );
}

export async function runBacktests(options: BacktestOptions): Promise<BacktestWindow[]> {
  const history = options.history ?? (await loadBacktestHistory());
  const windows: BacktestWindow[] = [];
  for (const asOf of options.asOf) {
    const notes: string[] = [];
    const state = historicalState(asOf, history);
    const halving = nextRealisedHalving(asOf, history);
    const simulatedMonths = Math.min(MAX_SIMULATED_MONTHS, Math.max(options.months + 1, halving === null ? 0 : Math.ceil(halving.month) + MONTHS_PAST_HALVING));
    let scenario = backtestScenario(options.scenario, state, simulatedMonths, notes);
    let trend: HashrateTrend | null = null;
    if (options.hashrateTrendMonths !== undefined && options.hashrateTrendMonths > 0) {
      trend = hashrateTrendBefore(asOf, options.hashrateTrendMonths, history);
      scenario = withHashrateTrend(scenario, trend);
      notes.push(
        `hashrate growth ${trend.growthPerYear.toFixed(2)} ± ${trend.growthStandardError.toFixed(2)}/yr and volatility ${trend.volatilityPerYear.toFixed(2)} ± ${trend.volatilityStandardError.toFixed(2)}/yr from ln difficulty ${trend.from} .. ${trend.to} (before the as-of date); response 0`,
      );
    }
    const resolved = await resolveModelInputs(scenario);
    const inputs = { ...resolved.inputs, ...(await prepareProcessModule(scenario, options.processModule)) };
    const inputNotes = resolved.notes;
    checkNoLookAhead(options.scenario, inputs, asOf);
    notes.push(...inputNotes);
    const paths = simulateMarketPaths(scenario, options.trials, options.seed, inputs);
    for (const series of [history.price, history.difficulty]) {
      const note = pastEndNote(series.coverage, asOf, options.months, series.name);
      if (note !== undefined) notes.push(`${note}; later months are not compared`);
    }
    const priceUsd = compareSeries(paths.priceUsd, paths.trials, realisedPath(history.price.daily, asOf, options.months));
    const difficulty = compareSeries(paths.difficulty, paths.trials, realisedPath(history.difficulty.daily, asOf, options.months));
    let halvingComparison = null;
    if (halving === null) notes.push(`halvings.csv has no halving after ${asOf}-01; the halving date is not compared`);
    else {
      halvingComparison = compareHalving(paths.halvingMonth, halving, asOf);
      if (!halvingComparison.inside90 && trend === null) {
        notes.push(
          `the ${halving.dateUtc} halving is outside the simulated 90% interval: the network grew at a rate unlike ${options.scenarioName}'s hashrate process; --hashrate-trend 12 uses the trend known at the as-of date instead`,
        );
      }
    }
    const { price, hashrate } = scenario.market;
    windows.push({
      asOf,
      months: options.months,
      simulatedMonths,
      state,
      hashrateTrend: trend,
      processes: {
        price: { ...price },
        hashrate: { growthPerYear: hashrate.growthPerYear, volatilityPerYear: hashrate.volatilityPerYear, responsePerYear: hashrate.responsePerYear, responseLagMonths: hashrate.responseLagMonths, breakevenEfficiencyJPerTh: hashrate.breakevenEfficiencyJPerTh, breakevenPowerUsdPerMwh: hashrate.breakevenPowerUsdPerMwh, efficiencyGainPerYear: hashrate.efficiencyGainPerYear },
      },
      notes,
      priceUsd,
      difficulty,
      halving: halvingComparison,
    });
  }
  return windows;
}
