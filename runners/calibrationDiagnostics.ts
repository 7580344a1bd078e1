// What `calibrate --report` shows, computed: whether the fitted price model looks like the history
// it was fitted to. Monthly log returns against the fitted distributions (histogram, QQ,
// Kolmogorov-Smirnov, Jarque-Bera), their autocorrelation and that of their squares (Ljung-Box),
// volatility by calendar year (Bartlett), the history against paths the engine's own price step
// draws for each of the four price models at its fitted parameters, the fit repeated out of sample
// on a held-out back-test window, and the rolling-window fits. The numbers go to
// outputs/calibrationReport.ts, which draws them.
import { CalibrationError, fitGbm, fitMerton, type GbmFit, type MertonFit } from '../engine/calibration.js';
import { priceParams, simulateLogPrice, type PriceDrawLayout, type PriceHistory } from '../engine/priceModel.js';
import { RandomStream } from '../engine/random.js';
import { fitRegimes, type RegimesFit } from '../engine/regimeFit.js';
import { compareSeries, type SeriesComparison } from '../outputs/backtest.js';
import { autocorrelations, bartlett, jarqueBera, kolmogorovSmirnov, ljungBox, normalCdf, type TestResult } from '../outputs/goodnessOfFit.js';
import type { PriceSpec } from '../scenarios/schema.js';
import type { CalibrateResult } from './calibrate.js';

export const PRICE_MODEL_NAMES = ['gbm', 'merton', 'regimes', 'bootstrap'] as const;
export type PriceModelName = (typeof PRICE_MODEL_NAMES)[number];

const MONTH = 1 / 12;
/** Lags of the autocorrelation charts, and of the Ljung-Box tests (a year of months). */
export const ACF_LAGS = 24;
export const LJUNG_BOX_LAGS = 12;
/** Returns a calendar year needs to get a bar in the volatility-by-year chart and a group in Bartlett's test. */
const MIN_RETURNS_PER_YEAR = 6;
const BOOTSTRAP_BLOCK_MONTHS = 12;

export interface ModelFit {
  model: PriceModelName;
  /** The engine's price parameters at the fitted values. */
  spec: PriceSpec;
  /** Fitted parameters with standard errors, for the table (empty for bootstrap). */
  parameters: { name: string; value: number; standardError?: number }[];
  logLikelihood: number | null;
  parameterCount: number;
  /** The model's one-month log return distribution function; null for bootstrap (its distribution is the data). */
  cdf: ((x: number) => number) | null;
  /** KS of the monthly returns against cdf. */
  ks: TestResult | null;
  /** Why the model could not be fitted, if so. */
  error?: string;
}

export interface PathBands {
  model: PriceModelName;
  /** Month-start price bands from the first month of the window; months[0] is the start. */
  comparison: SeriesComparison;
}

export interface Holdout {
  /** The model fitted before the window, as the full fit chose it (gbm if Merton cannot be fitted on the shorter data). */
  model: 'gbm' | 'merton';
  fitFrom: string;
  fitTo: string;
  start: string;
  startPriceUsd: number;
  comparison: SeriesComparison;
  /** Percentile of the last realised month among the simulated. */
  finalPercentile: number | null;
}

export interface Diagnostics {
  from: string;
  to: string;
  /** Monthly log returns and the month each ends. */
  months: string[];
  returns: Float64Array;
  chosen: 'gbm' | 'merton';
  models: ModelFit[];
  jarqueBera: ReturnType<typeof jarqueBera>;
  acf: { returns: Float64Array; squared: Float64Array; band: number };
  ljungBox: { returns: ReturnType<typeof ljungBox>; squared: ReturnType<typeof ljungBox> };
  volatilityByYear: { year: string; volatilityPerYear: number; returns: number }[];
  bartlett: ReturnType<typeof bartlett> | null;
  paths: PathBands[];
  pathTrials: number;
  holdout: Holdout | null;
  seed: number;
}

/** One-month log return distribution functions of the fitted models. */
function normalReturnCdf(logDriftPerYear: number, volatilityPerYear: number): (x: number) => number {
  const m = logDriftPerYear * MONTH;
  const s = volatilityPerYear * Math.sqrt(MONTH);
  return (x) => normalCdf((x - m) / s);
}

function mertonReturnCdf(e: MertonFit['estimates']): (x: number) => number {
  const lambda = e.jumpsPerYear * MONTH;
  const k = Math.exp(e.jumpMeanLog + e.jumpSdLog ** 2 / 2) - 1;
  const base = (e.driftPerYear - e.volatilityPerYear ** 2 / 2 - e.jumpsPerYear * k) * MONTH;
  const terms: { weight: number; mean: number; sd: number }[] = [];
  let weight = Math.exp(-lambda);
  for (let j = 0; j < 60 && (j <= lambda || weight > 1e-16); j++) {
    terms.push({ weight, mean: base + j * e.jumpMeanLog, sd: Math.sqrt(e.volatilityPerYear ** 2 * MONTH + j * e.jumpSdLog ** 2) });
    weight *= lambda / (j + 1);
  }
  return (x) => terms.reduce((sum, t) => sum + t.weight * normalCdf((x - t.mean) / t.sd), 0);
}

/** The stationary one-month mixture of the regimes model (months are dependent; KS reads the marginal). */
function regimesReturnCdf(e: RegimesFit['estimates']): (x: number) => number {
  const bull = e.bearToBullPerStep / (e.bullToBearPerStep + e.bearToBullPerStep);
  const a = normalReturnCdf(e.bullDriftPerYear - e.bullVolatilityPerYear ** 2 / 2, e.bullVolatilityPerYear);
  const b = normalReturnCdf(e.bearDriftPerYear - e.bearVolatilityPerYear ** 2 / 2, e.bearVolatilityPerYear);
  return (x) => bull * a(x) + (1 - bull) * b(x);
}

const NO_JUMPS = { jumpsPerYear: 0, jumpMeanLog: 0, jumpSdLog: 0 };

function withCdf(returns: Float64Array, cdf: (x: number) => number): Pick<ModelFit, 'cdf' | 'ks'> {
  return { cdf, ks: kolmogorovSmirnov(returns, cdf) };
}

function gbmModel(fit: GbmFit, returns: Float64Array): ModelFit {
  const e = fit.estimates;
  const s = fit.standardErrors;
  return {
    model: 'gbm',
    spec: { model: 'gbm', driftPerYear: e.driftPerYear, volatilityPerYear: e.volatilityPerYear, ...NO_JUMPS },
    parameters: [
      { name: 'driftPerYear', value: e.driftPerYear, standardError: s.driftPerYear },
      { name: 'volatilityPerYear', value: e.volatilityPerYear, standardError: s.volatilityPerYear },
    ],
    logLikelihood: fit.logLikelihood,
    parameterCount: 2,
    ...withCdf(returns, normalReturnCdf(e.logDriftPerYear, e.volatilityPerYear)),
  };
}

function mertonModel(fit: MertonFit | { error: string }, returns: Float64Array): ModelFit {
  if ('error' in fit) return { model: 'merton', spec: { model: 'merton', driftPerYear: 0, volatilityPerYear: 0, ...NO_JUMPS }, parameters: [], logLikelihood: null, parameterCount: 5, cdf: null, ks: null, error: fit.error };
  const e = fit.estimates;
  return {
    model: 'merton',
    spec: { model: 'merton', ...e },
    parameters: (['driftPerYear', 'volatilityPerYear', 'jumpsPerYear', 'jumpMeanLog', 'jumpSdLog'] as const).map((name) => ({ name, value: e[name], standardError: fit.standardErrors[name] })),
    logLikelihood: fit.logLikelihood,
    parameterCount: 5 - fit.atBoundary.length,
    ...withCdf(returns, mertonReturnCdf(e)),
  };
}

function regimesModel(logPrices: readonly number[], returns: Float64Array): ModelFit {
  let fit: RegimesFit;
  try {
    fit = fitRegimes(logPrices, MONTH);
  } catch (error) {
    if (!(error instanceof CalibrationError)) throw error;
    return { model: 'regimes', spec: { model: 'gbm', driftPerYear: 0, volatilityPerYear: 0, ...NO_JUMPS }, parameters: [], logLikelihood: null, parameterCount: 6, cdf: null, ks: null, error: error.message };
  }
  const e = fit.estimates;
  return {
    model: 'regimes',
    spec: {
      model: 'regimes',
      driftPerYear: 0,
      volatilityPerYear: 0,
      ...NO_JUMPS,
      regimes: {
        bull: { driftPerYear: e.bullDriftPerYear, volatilityPerYear: e.bullVolatilityPerYear },
        bear: { driftPerYear: e.bearDriftPerYear, volatilityPerYear: e.bearVolatilityPerYear },
        bullToBearPerMonth: e.bullToBearPerStep,
        bearToBullPerMonth: e.bearToBullPerStep,
        start: 'stationary',
      },
    },
    parameters: (Object.keys(e) as (keyof typeof e)[]).map((name) => ({ name: name.replace('PerStep', 'PerMonth'), value: e[name], standardError: fit.standardErrors[name] })),
    logLikelihood: fit.logLikelihood,
    parameterCount: 6,
    ...withCdf(returns, regimesReturnCdf(e)),
  };
}

function bootstrapModel(months: string[]): ModelFit {
  return {
    model: 'bootstrap',
    spec: { model: 'bootstrap', driftPerYear: 0, volatilityPerYear: 0, ...NO_JUMPS, bootstrap: { from: months[0], to: months[months.length - 1], blockMonths: BOOTSTRAP_BLOCK_MONTHS, demean: false } },
    parameters: [],
    logLikelihood: null,
    parameterCount: 0,
    cdf: null,
    ks: null,
  };
}

/** The engine's price step alone: its draws in slots of its own (the other factors do not move it). */
const LAYOUT: PriceDrawLayout = { normalsPerMonth: 2, uniformsPerMonth: 2, shock: 0, jumpSize: 1, jumpCount: 0, modelUniform: 1 };

/**
 * Month-start prices of `trials` paths of `spec` from `priceUsd0` over `months` months (month-major,
 * months x trials), drawn by engine/priceModel.ts from the trial's market stream.
 */
export function simulatePrices(spec: PriceSpec, priceUsd0: number, months: number, trials: number, seed: number, history?: PriceHistory): Float64Array {
  const params = priceParams(spec, priceUsd0, history === undefined ? {} : { priceHistory: history });
  const normals = new Float64Array(months * LAYOUT.normalsPerMonth);
  const uniforms = new Float64Array(months * LAYOUT.uniformsPerMonth);
  const logPrice = new Float64Array(months);
  const bear = new Uint8Array(months);
  const stream = new RandomStream();
  const out = new Float64Array(months * trials);
  for (let t = 0; t < trials; t++) {
    stream.reseed(seed, t, 'market');
    stream.fillNormals(normals, normals.length);
    stream.fillUniforms(uniforms, uniforms.length);
    simulateLogPrice(params, months, normals, uniforms, LAYOUT, 1, logPrice, bear);
    for (let m = 0; m < months; m++) out[m * trials + t] = Math.exp(logPrice[m]);
  }
  return out;
}

function realisedMonths(months: readonly string[], prices: readonly number[]) {
  return months.map((label, month) => ({ month, label, value: prices[month], observedOn: label }));
}

function holdoutBacktest(result: CalibrateResult, holdoutMonths: number, trials: number, seed: number): Holdout | null {
  const { months, logPrices } = result.data.price;
  const start = months.length - 1 - holdoutMonths;
  // The fit before the window needs the 30 increments a Merton fit does.
  if (holdoutMonths <= 0 || start < 31) return null;
  const before = logPrices.slice(0, start + 1);
  let model: Holdout['model'] = result.priceModel;
  let spec: PriceSpec;
  const gbm = fitGbm(before, MONTH);
  spec = { model: 'gbm', driftPerYear: gbm.estimates.driftPerYear, volatilityPerYear: gbm.estimates.volatilityPerYear, ...NO_JUMPS };
  if (model === 'merton') {
    try {
      spec = { model: 'merton', ...fitMerton(before, MONTH).estimates };
    } catch (error) {
      if (!(error instanceof CalibrationError)) throw error;
      model = 'gbm';
    }
  }
  const startPriceUsd = Math.exp(logPrices[start]);
  const simulated = simulatePrices(spec, startPriceUsd, holdoutMonths + 1, trials, seed);
  const window = months.slice(start);
  const comparison = compareSeries(simulated, trials, realisedMonths(window, logPrices.slice(start).map(Math.exp)));
  const last = comparison.months[comparison.months.length - 1];
  return { model, fitFrom: months[0], fitTo: months[start], start: months[start], startPriceUsd, comparison, finalPercentile: last?.percentile ?? null };
}

export interface DiagnosticsOptions {
  /** Paths per model (default 1000). */
  trials?: number;
  seed?: number;
  /** Months at the end of the price window held out for the back-test (default 24). */
  holdoutMonths?: number;
}

export function calibrationDiagnostics(result: CalibrateResult, options: DiagnosticsOptions = {}): Diagnostics {
  const trials = options.trials ?? 1000;
  const seed = options.seed ?? 1;
  const { months: priceMonths, logPrices } = result.data.price;
  const returns = new Float64Array(logPrices.length - 1);
  for (let i = 0; i < returns.length; i++) returns[i] = logPrices[i + 1] - logPrices[i];
  const months = priceMonths.slice(1);

  const models = [gbmModel(result.gbm, returns), mertonModel(result.merton, returns), regimesModel(logPrices, returns), bootstrapModel(months)];
  const history: PriceHistory = { months, logReturns: returns };
  const prices = logPrices.map(Math.exp);
  const realised = realisedMonths(priceMonths, prices);
  const paths: PathBands[] = models
    .filter((m) => m.error === undefined)
    .map((m) => ({ model: m.model, comparison: compareSeries(simulatePrices(m.spec, prices[0], priceMonths.length, trials, seed, m.model === 'bootstrap' ? history : undefined), trials, realised) }));

  const squared = returns.map((r) => r * r);
  const byYear = new Map<string, number[]>();
  months.forEach((month, i) => {
    const year = month.slice(0, 4);
    if (!byYear.has(year)) byYear.set(year, []);
    byYear.get(year)!.push(returns[i]);
  });
  const years = [...byYear].filter(([, r]) => r.length >= MIN_RETURNS_PER_YEAR);
  const volatilityByYear = years.map(([year, r]) => {
    const m = r.reduce((a, b) => a + b, 0) / r.length;
    const variance = r.reduce((a, b) => a + (b - m) ** 2, 0) / (r.length - 1);
    return { year, volatilityPerYear: Math.sqrt(variance / MONTH), returns: r.length };
  });

  return {
    from: priceMonths[0],
    to: priceMonths[priceMonths.length - 1],
    months,
    returns,
    chosen: result.priceModel,
    models,
    jarqueBera: jarqueBera(returns),
    acf: { returns: autocorrelations(returns, ACF_LAGS), squared: autocorrelations(squared, ACF_LAGS), band: 1.96 / Math.sqrt(returns.length) },
    ljungBox: { returns: ljungBox(returns, LJUNG_BOX_LAGS), squared: ljungBox(squared, LJUNG_BOX_LAGS) },
    volatilityByYear,
    bartlett: years.length >= 2 ? bartlett(years.map(([, r]) => r)) : null,
    paths,
    pathTrials: trials,
    holdout: holdoutBacktest(result, options.holdoutMonths ?? 24, trials, seed),
    seed,
  };
}
