// A trial whose numbers left the range of a double (an overflow to Infinity, a 0 * Infinity, a log
// of 0) would otherwise flow into the statistics as NaN and print as plausible percentages. The
// kernel checks each trial once, on its outcomes (see TrialKernel.run); only when that check fails
// does this module look for where it went wrong, so the hot path pays one multiply-add per value.
import type { MarketPath } from './market.js';

/** A trial produced a value that is not a finite number: names the trial, the month and the series. */
export class NonFiniteTrialError extends Error {
  constructor(
    readonly trial: number,
    readonly month: number | null,
    readonly series: string,
    readonly value: number,
  ) {
    super(
      `trial ${trial}: ${series} is ${value}${month === null ? '' : ` in month ${month}`}: the scenario's numbers leave the range a double can hold ` +
        '(validation refuses the corners it can foresee; report this scenario if it passed validate)',
    );
    this.name = 'NonFiniteTrialError';
  }
}

/** The market series in the order they are computed each month: the first one that breaks is the cause. */
const MARKET_SERIES = [
  'priceUsd',
  'networkHashrateEhs',
  'difficulty',
  'feesBtcPerBlock',
  'subsidyBtc',
  'hashpriceUsdPerPhDay',
  'btcPerEhsMonth',
  'energyUsdPerMwh',
  'aiDemandIndex',
  'newGpuUsdPerHour',
] as const;

/** The earliest month at which one of the series is not finite (ties: the series listed first), or null. */
export function firstNonFinite(series: readonly { name: string; values: ArrayLike<number> }[]): { month: number; series: string; value: number } | null {
  let found: { month: number; series: string; value: number } | null = null;
  for (const { name, values } of series) {
    const end = found === null ? values.length : found.month;
    for (let m = 0; m < end; m++) {
      if (!Number.isFinite(values[m])) {
        found = { month: m, series: name, value: values[m] };
        break;
      }
    }
  }
  return found;
}

/**
 * The first non-finite month of the trial's market path, or null when the whole path is finite.
 * The GPU price is NaN throughout by design when no strategy can run a GPU cloud: not a cause.
 */
export function marketNonFinite(market: MarketPath): { month: number; series: string; value: number } | null {
  const made = MARKET_SERIES.filter((name) => name !== 'newGpuUsdPerHour' || market.params.gpuPricePath);
  return firstNonFinite(made.map((name) => ({ name: `market ${name}`, values: market[name] })));
}
