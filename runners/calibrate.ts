// Calibration from history: month-end samples of daily series, the fits of engine/calibration.ts,
// the guardrails a forward-looking scenario needs (calibrationGuardrails.ts), the fit repeated on
// rolling windows (rollingFits.ts), and a scenario that extends the one it was fitted for with the
// fitted market (scenarios/calibrationFragment.ts), its header saying what was assumed.
// `hashpivot calibrate` (runners/commands/calibrate.ts) is a thin layer over calibrate().
import { hashpriceUsdPerPhDay, hashrateForDifficulty, powerCostUsdPerPhDay } from '../engine/bitcoin.js';
import { CalibrationError, fitGbm, fitHashrate, fitLogOu, fitMerton, type GbmFit, type HashrateFit, type LogOuFit, type MertonFit } from '../engine/calibration.js';
import { calibrationFragment, type CalibratedProcess, type CalibrationFits, type CalibrationPeriod, type CalibrationSources } from '../scenarios/calibrationFragment.js';
import { checkGuardrails, guardrailSentence, type GuardrailFinding } from './calibrationGuardrails.js';
import { rollingFits, rollingSummary, type HashrateData, type RollingFits } from './rollingFits.js';
import type { Scenario } from '../scenarios/schema.js';
import { coverageOf, loadBtcPriceUsd, loadDifficulty, loadHalvings, monthlySeries, windowCoverage, type DailySeries, type Halving, type MonthlySeries } from './history.js';
import { lastDayOfMonth, monthsBetween, nextMonth } from '../scenarios/yearMonth.js';

/** A problem with the data or the window (not with the command line): exit code 1. */
/** How a fragment's first line starts (after "# "): the mark by which calibrate knows a file it may replace. */
export const FRAGMENT_MARK = 'hashpivot calibrate:';

export class CalibrateInputError extends Error {
  override name = 'CalibrateInputError';
}

export const MONTH_YEARS = 1 / 12;
/** Likelihood-ratio threshold for Merton over GBM: chi-square with 3 degrees of freedom at 5%. */
export const MERTON_LR_THRESHOLD = 7.815;
/**
 * Default first month of the shipped price and difficulty fits. Before 2012 BTC traded on a few
 * small exchanges (Mt. Gox's 2011 collapse, prices under $30) and hashrate moved from CPUs to GPUs
 * to the first ASICs (2013): months that would dominate every fit without describing today.
 */
export const SHIPPED_DEFAULT_FROM = '2012-01';

export interface SeriesInput {
  daily: DailySeries;
  /** Where the series comes from, for the fragment's `source:` comment. */
  source: string;
  /** Shipped history: the default window starts at SHIPPED_DEFAULT_FROM. */
  shipped: boolean;
}

export type ExtraProcess = Extract<CalibratedProcess, 'fees' | 'energy'>;

export interface CalibrateInput {
  price: SeriesInput;
  difficulty: SeriesInput;
  /** Log-OU series (fees in BTC/block, energy in USD/MWh), if the user has them. */
  extra?: { process: ExtraProcess; input: SeriesInput }[];
  /** Fit window, `YYYY-MM`, inclusive; each series uses the part of it that it covers. */
  from?: string;
  to?: string;
  /** 'auto' picks Merton when the likelihood-ratio test prefers it to GBM. */
  priceModel?: 'auto' | 'gbm' | 'merton';
  /** Scenario whose breakeven assumptions (and default response lag) the hashrate fit uses. */
  scenario: Scenario;
  scenarioName: string;
  /** Hashrate response lag; default the scenario's responseLagMonths. */
  lagMonths?: number;
  /** How the written scenario names the one it extends (a preset name, or a path relative to where it is written). */
  extendsReference?: string;
  /** Share of the way from a fitted value that breaks a guardrail to the scenario's value (0..1; default 0). */
  shrink?: number;
  /** Length of the rolling windows in months (default 48); 0 for none. */
  rollingMonths?: number;
}

/** The monthly data the fits saw, for diagnostics (calibrate --report). */
export interface CalibrationData {
  price: { months: string[]; logPrices: number[] };
  hashrate: HashrateData | null;
}

export interface CalibrateResult {
  /** The YAML fragment: `market:` with the fitted processes, SEs and periods in comments. */
  fragment: string;
  gbm: GbmFit;
  /** The Merton fit, or why there is none (no jumps in these data, ...). */
  merton: MertonFit | { error: string };
  priceModel: 'gbm' | 'merton';
  priceModelReason: string;
  hashrate: HashrateFit | { error: string };
  extra: Partial<Record<ExtraProcess, LogOuFit>>;
  /** Fit window of each fitted process, `YYYY-MM`. */
  periods: Partial<Record<CalibratedProcess, { from: string; to: string }>>;
  /** Things a reader must know: partial months left out, windows past a series' end, assumptions. */
  notes: string[];
  /** Fitted values that break a guardrail, and what was written for them. */
  guardrails: GuardrailFinding[];
  /** The fit on rolling windows; null with rollingMonths 0. */
  rolling: RollingFits | null;
  data: CalibrationData;
}

/** Default length of the rolling windows: four years, about one halving cycle. */
export const DEFAULT_ROLLING_MONTHS = 48;


/**
 * Month-end samples of `daily` for a fit: within [from, to] (defaults: the whole series, from
 * SHIPPED_DEFAULT_FROM for shipped history), a last month observed more than 3 days before its
 * end left out (a month-end sample of a partial month is not a month's step), and no month
 * missing in between (every increment must be one month). Notes say what was left out.
 */
export function monthlyWindow(daily: DailySeries, name: string, input: { shipped: boolean; from?: string; to?: string }, notes: string[]): MonthlySeries {
  let coverage;
  try {
    coverage = coverageOf(daily);
  } catch {
    throw new CalibrateInputError(`${name}: no positive value in the series`);
  }
  const from = input.from ?? (input.shipped && coverage.from.slice(0, 7) < SHIPPED_DEFAULT_FROM ? SHIPPED_DEFAULT_FROM : coverage.from.slice(0, 7));
  const to = input.to ?? coverage.to.slice(0, 7);
  if (input.from !== undefined || input.to !== undefined) {
    const window = windowCoverage(coverage, from, to, name);
    if (window.note !== undefined) notes.push(window.note);
  }
  const monthly = monthlySeries(daily, from, to);
  let count = monthly.dates.length;
  if (count > 0) {
    const lastMonth = monthly.dates[count - 1];
    const lastDay = Number(monthly.observedOn[count - 1].slice(8, 10));
    if (lastDay < lastDayOfMonth(lastMonth) - 3) {
      notes.push(`${name}: the last month, ${lastMonth}, ends on ${monthly.observedOn[count - 1]} (the series stops there); left out, as it is not a whole month's step`);
      count--;
    }
  }
  for (let i = 1; i < count; i++) {
    if (monthly.dates[i] !== nextMonth(monthly.dates[i - 1])) {
      throw new CalibrateInputError(
        `${name}: no observation between ${monthly.dates[i - 1]} and ${monthly.dates[i]}; the fits need one value per month: choose --from after the gap or --to before it`,
      );
    }
  }
  if (count < 3) throw new CalibrateInputError(`${name}: only ${count} whole month${count === 1 ? '' : 's'} inside ${from} .. ${to}; widen --from/--to`);
  return { dates: monthly.dates.slice(0, count), observedOn: monthly.observedOn.slice(0, count), values: monthly.values.slice(0, count) };
}

/** Block subsidy (BTC) on a date, from halvings.csv: 50 before the first halving. */
export function subsidyOnDate(date: string, halvings: readonly Halving[]): number {
  let subsidy = 50;
  for (const h of halvings) if (date >= h.dateUtc) subsidy = h.subsidyBtcAfter;
  return subsidy;
}

/** ln of the network's breakeven hashprice in a month, by the scenario's rule extended back in time. */
function logBreakevenAt(month: string, scenario: Scenario): number {
  const h = scenario.market.hashrate;
  const monthsFromAsOf = monthsBetween(scenario.asOf.date, month);
  // marketParams: efficiency at month m = e0 (1 - gain)^(m / 12); m < 0 before the as-of date.
  const efficiency = h.breakevenEfficiencyJPerTh * (1 - h.efficiencyGainPerYear) ** (monthsFromAsOf / 12);
  return Math.log(powerCostUsdPerPhDay(efficiency, h.breakevenPowerUsdPerMwh));
}

const fmt = (x: number, digits = 3) => Number(x.toPrecision(digits)).toString();

/** Fits every process the data allow and writes the fragment. Throws CalibrateInputError on unusable data. */
export function calibrate(input: CalibrateInput): CalibrateResult {
  const notes: string[] = [];
  const periods: CalibrateResult['periods'] = {};
  const headerLines: string[] = [];

  // Price: GBM and Merton on month-end log prices.
  const price = monthlyWindow(input.price.daily, 'price', { shipped: input.price.shipped, from: input.from, to: input.to }, notes);
  const logPrices = Array.from(price.values, Math.log);
  const gbm = fitGbm(logPrices, MONTH_YEARS);
  let merton: MertonFit | { error: string };
  try {
    merton = fitMerton(logPrices, MONTH_YEARS);
  } catch (error) {
    if (!(error instanceof CalibrationError)) throw error;
    merton = { error: error.message };
  }
  const requested = input.priceModel ?? 'auto';
  let priceModel: 'gbm' | 'merton';
  let priceModelReason: string;
  if ('error' in merton) {
    if (requested === 'merton') throw new CalibrateInputError(`--price-model merton: ${merton.error}`);
    priceModel = 'gbm';
    priceModelReason = `gbm: Merton could not be fitted (${merton.error})`;
  } else {
    const lr = 2 * (merton.logLikelihood - gbm.logLikelihood);
    const test = `likelihood ratio 2(lnL merton - lnL gbm) = ${lr.toFixed(2)} against ${MERTON_LR_THRESHOLD} (chi-square, 3 df, 5%; conservative, as no jumps is a boundary)`;
    if (requested === 'auto') {
      priceModel = lr > MERTON_LR_THRESHOLD ? 'merton' : 'gbm';
      priceModelReason = `${priceModel} chosen: ${test}`;
    } else {
      priceModel = requested;
      priceModelReason = `${priceModel} as requested (--price-model); ${test}`;
    }
  }
  const priceFit = priceModel === 'merton' && !('error' in merton) ? merton : gbm;
  periods.price = { from: price.dates[0], to: price.dates[price.dates.length - 1] };
  headerLines.push(`Price model: ${priceModelReason}.`);
  if (priceModel === 'merton') {
    headerLines.push(
      `GBM on the same data: driftPerYear ${fmt(gbm.estimates.driftPerYear)} ± ${fmt(gbm.standardErrors.driftPerYear, 2)}, volatilityPerYear ${fmt(gbm.estimates.volatilityPerYear)} ± ${fmt(gbm.standardErrors.volatilityPerYear, 2)}.`,
    );
  } else if (!('error' in merton)) {
    const e = merton.estimates;
    headerLines.push(
      `Merton on the same data: driftPerYear ${fmt(e.driftPerYear)}, volatilityPerYear ${fmt(e.volatilityPerYear)}, jumpsPerYear ${fmt(e.jumpsPerYear)}, jumpMeanLog ${fmt(e.jumpMeanLog)}, jumpSdLog ${fmt(e.jumpSdLog)}.`,
    );
  }

  // Hashrate: H = D 2^32 / 600 s; hashprice from the subsidy and price; breakeven from the scenario.
  let hashrate: HashrateFit | { error: string };
  const difficulty = monthlyWindow(input.difficulty.daily, 'difficulty', { shipped: input.difficulty.shipped, from: input.from, to: input.to }, notes);
  const priceByMonth = new Map(price.dates.map((d, i) => [d, price.values[i]]));
  const halvings = loadHalvings();
  const lag = input.lagMonths ?? input.scenario.market.hashrate.responseLagMonths;
  const months: string[] = [];
  const logHashrate: number[] = [];
  const logHashprice: number[] = [];
  const logBreakeven: number[] = [];
  for (let i = 0; i < difficulty.dates.length; i++) {
    const month = difficulty.dates[i];
    const priceUsd = priceByMonth.get(month);
    if (priceUsd === undefined) {
      if (months.length > 0) break; // past the end of the price window: keep the contiguous run
      continue;
    }
    const d = difficulty.values[i];
    months.push(month);
    logHashrate.push(Math.log(hashrateForDifficulty(d)));
    logHashprice.push(Math.log(hashpriceUsdPerPhDay(subsidyOnDate(difficulty.observedOn[i], halvings), priceUsd, d)));
    logBreakeven.push(logBreakevenAt(month, input.scenario));
  }
  try {
    if (months.length === 0) throw new CalibrationError('the price and difficulty windows do not overlap');
    hashrate = fitHashrate(logHashrate, logHashprice, lag, MONTH_YEARS, logBreakeven);
    periods.hashrate = { from: months[0], to: months[months.length - 1] };
    const h = input.scenario.market.hashrate;
    headerLines.push(
      `Hashrate: H = difficulty x 2^32 / 600 s at month ends (${input.difficulty.source}); hashprice = subsidy (halvings.csv) x price / difficulty, fees left out (not in the shipped data; 2012-2019 fees were about 1-10% of the subsidy).`,
      `Hashrate breakeven ASSUMED, not fitted: ${h.breakevenEfficiencyJPerTh} J/TH at $${h.breakevenPowerUsdPerMwh}/MWh as of ${input.scenario.asOf.date}, improving ${h.efficiencyGainPerYear * 100}%/yr, extended back over the fit period (scenario ${input.scenarioName}), as the engine extends it forward; growthPerYear and responsePerYear hold only with that breakeven. Lag ${lag} months (chosen).`,
    );
  } catch (error) {
    if (!(error instanceof CalibrationError)) throw error;
    hashrate = { error: error.message };
    notes.push(`hashrate: not fitted: ${error.message}`);
  }

  const extra: CalibrateResult['extra'] = {};
  const sources: CalibrationSources = { price: `${input.price.source}, month-end`, hashrate: `${input.difficulty.source} with ${input.price.source}, month-end` };
  for (const { process, input: series } of input.extra ?? []) {
    const monthly = monthlyWindow(series.daily, process, { shipped: series.shipped, from: input.from, to: input.to }, notes);
    try {
      extra[process] = fitLogOu(Array.from(monthly.values, Math.log), MONTH_YEARS);
    } catch (error) {
      if (error instanceof CalibrationError) throw new CalibrateInputError(`--series ${process}: ${error.message}`);
      throw error;
    }
    periods[process] = { from: monthly.dates[0], to: monthly.dates[monthly.dates.length - 1] };
    sources[process] = `${series.source}, month-end`;
  }

  const fits: CalibrationFits = { price: priceFit, ...extra };
  if (!('error' in hashrate)) fits.hashrate = hashrate;
  const all = Object.values(periods);
  const period: CalibrationPeriod = {
    from: all.map((p) => p.from).sort()[0],
    to: all.map((p) => p.to).sort().at(-1) as string,
    byProcess: periods,
  };

  const guardrails = checkGuardrails(fits, input.scenario, input.shrink ?? 0);
  const adjustments = Object.fromEntries(
    guardrails.map((g) => [
      g.path,
      {
        value: g.value,
        note: `${g.shrink > 0 ? `fitted ${fmt(g.fitted)}, shrunk ${Math.round(g.shrink * 100)}% towards ${input.scenarioName}'s ${fmt(g.scenarioValue)}; ` : ''}${g.stillBeyond ? `WARNING: beyond the guardrail (${g.bound}), see the header` : `was beyond the guardrail (${g.bound})`}`,
      },
    ]),
  );
  const data: CalibrationData = {
    price: { months: price.dates, logPrices },
    hashrate: months.length === 0 ? null : { months, logHashrate, logHashprice, logBreakeven, lagMonths: lag },
  };
  const rollingMonths = input.rollingMonths ?? DEFAULT_ROLLING_MONTHS;
  const rolling = rollingMonths > 0 ? rollingFits(data.price, data.hashrate, rollingMonths) : null;

  const body = calibrationFragment(fits, period, {
    sources,
    adjustments,
    scenario: {
      extends: input.extendsReference ?? input.scenarioName,
      name: `${input.scenario.name}-calibrated`,
      description: `${input.scenario.name} with its market processes fitted to history, ${period.from} .. ${period.to} (hashpivot calibrate).`,
    },
  });
  const header = [
    `${FRAGMENT_MARK} market processes fitted to monthly (month-end) history, dt = 1/12 year.`,
    `A scenario that runs as is: it extends ${input.scenarioName} and replaces the fields below; every other field is ${input.scenarioName}'s.`,
    ...guardrails.map((g) => guardrailSentence(g, input.scenarioName)),
    ...headerLines,
    ...(rolling === null ? [] : rollingSummary(rolling)),
    ...notes.map((n) => `Note: ${n}.`),
  ];
  const fragment = `${header.map((line) => `# ${line}`).join('\n')}\n#\n${body}`;
  return { fragment, gbm, merton, priceModel, priceModelReason, hashrate, extra, periods, notes, guardrails, rolling, data };
}

/** The shipped history as calibrate() inputs. */
export function shippedPrice(): SeriesInput {
  return { daily: loadBtcPriceUsd(), source: 'data/btc-usd-daily-2010-2019.csv price_usd + data/btc-usd-daily.csv Adj Close (shipped)', shipped: true };
}

export function shippedDifficulty(): SeriesInput {
  return { daily: loadDifficulty(), source: 'data/difficulty-daily.csv (shipped)', shipped: true };
}
