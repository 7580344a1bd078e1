// The fit repeated on rolling windows of the same history, so a user sees how much the window
// decides: BTC's drift fitted on 2013-2016 and on 2018-2021 differ by more than any standard error
// says. Price windows use GBM (closed form, defined on any window; Merton needs more data than a
// window has to tell jumps from diffusion); hashrate windows use the same regression as the full fit.
import { CalibrationError, fitGbm, fitHashrate } from '../engine/calibration.js';

export interface HashrateData {
  months: readonly string[];
  logHashrate: readonly number[];
  logHashprice: readonly number[];
  logBreakeven: readonly number[];
  lagMonths: number;
}

export interface WindowFit {
  from: string;
  to: string;
  /** GBM on month-end log prices. */
  price: { driftPerYear: number; driftStandardError: number; volatilityPerYear: number };
  /** The hashrate regression, when the window has enough hashrate months. */
  hashrate: { growthPerYear: number; growthStandardError: number; responsePerYear: number; volatilityPerYear: number } | null;
}

export interface Spread {
  min: number;
  median: number;
  max: number;
}

export interface RollingFits {
  windowMonths: number;
  stepMonths: number;
  windows: WindowFit[];
  spread: { priceDrift: Spread; priceVolatility: Spread; hashrateGrowth: Spread | null; hashrateResponse: Spread | null };
}

const MONTH = 1 / 12;

function spreadOf(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return { min: sorted[0], median: sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2, max: sorted[sorted.length - 1] };
}

/**
 * Fits on windows of `windowMonths` monthly steps (windowMonths + 1 month-ends), starting every
 * `stepMonths` from the first month; the last window ends at or before the last month.
 */
export function rollingFits(price: { months: readonly string[]; logPrices: readonly number[] }, hashrate: HashrateData | null, windowMonths: number, stepMonths = 12): RollingFits {
  const windows: WindowFit[] = [];
  for (let start = 0; start + windowMonths < price.months.length; start += stepMonths) {
    const from = price.months[start];
    const to = price.months[start + windowMonths];
    const gbm = fitGbm(price.logPrices.slice(start, start + windowMonths + 1), MONTH);
    let hashrateFit: WindowFit['hashrate'] = null;
    if (hashrate !== null) {
      const first = hashrate.months.indexOf(from);
      const last = hashrate.months.indexOf(to);
      if (first >= 0 && last > first) {
        try {
          const fit = fitHashrate(
            hashrate.logHashrate.slice(first, last + 1),
            hashrate.logHashprice.slice(first, last + 1),
            hashrate.lagMonths,
            MONTH,
            hashrate.logBreakeven.slice(first, last + 1),
          );
          hashrateFit = {
            growthPerYear: fit.estimates.growthPerYear,
            growthStandardError: fit.standardErrors.growthPerYear,
            responsePerYear: fit.estimates.responsePerYear,
            volatilityPerYear: fit.estimates.volatilityPerYear,
          };
        } catch (error) {
          if (!(error instanceof CalibrationError)) throw error;
        }
      }
    }
    windows.push({
      from,
      to,
      price: { driftPerYear: gbm.estimates.driftPerYear, driftStandardError: gbm.standardErrors.driftPerYear, volatilityPerYear: gbm.estimates.volatilityPerYear },
      hashrate: hashrateFit,
    });
  }
  const hashrateWindows = windows.flatMap((w) => (w.hashrate === null ? [] : [w.hashrate]));
  return {
    windowMonths,
    stepMonths,
    windows,
    spread: {
      priceDrift: spreadOf(windows.map((w) => w.price.driftPerYear)) ?? { min: NaN, median: NaN, max: NaN },
      priceVolatility: spreadOf(windows.map((w) => w.price.volatilityPerYear)) ?? { min: NaN, median: NaN, max: NaN },
      hashrateGrowth: spreadOf(hashrateWindows.map((h) => h.growthPerYear)),
      hashrateResponse: spreadOf(hashrateWindows.map((h) => h.responsePerYear)),
    },
  };
}

const fmt = (x: number) => Number(x.toPrecision(2)).toString();
const range = (s: Spread) => `${fmt(s.min)} .. ${fmt(s.max)} (median ${fmt(s.median)})`;

/** The spread in one line per parameter, for the terminal and the fragment's header. */
export function rollingSummary(rolling: RollingFits): string[] {
  if (rolling.windows.length === 0) return [`Rolling ${rolling.windowMonths}-month windows: the history is shorter than one window.`];
  const { spread } = rolling;
  const lines = [
    `Rolling ${rolling.windowMonths}-month windows every ${rolling.stepMonths} months (${rolling.windows.length}, ${rolling.windows[0].from} .. ${rolling.windows[rolling.windows.length - 1].to}; price by GBM): ` +
      `price driftPerYear ${range(spread.priceDrift)}, volatilityPerYear ${range(spread.priceVolatility)}`,
  ];
  if (spread.hashrateGrowth !== null && spread.hashrateResponse !== null) {
    lines.push(`  hashrate growthPerYear ${range(spread.hashrateGrowth)}, responsePerYear ${range(spread.hashrateResponse)}`);
  }
  return lines;
}

/** Every window as a row, for the terminal. */
export function rollingTable(rolling: RollingFits): string {
  const header = ['window', 'price drift', '± SE', 'price vol', 'hashrate growth', '± SE', 'response'];
  const rows = rolling.windows.map((w) => [
    `${w.from} .. ${w.to}`,
    fmt(w.price.driftPerYear),
    fmt(w.price.driftStandardError),
    fmt(w.price.volatilityPerYear),
    w.hashrate === null ? '' : fmt(w.hashrate.growthPerYear),
    w.hashrate === null ? '' : fmt(w.hashrate.growthStandardError),
    w.hashrate === null ? '' : fmt(w.hashrate.responsePerYear),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
