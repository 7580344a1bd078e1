// Guardrails on a calibration meant to drive a forward-looking scenario. A maximum-likelihood fit
// to 2012-2024 says what happened then: a BTC price that rose ~10,000-fold, a network that grew
// while mining paid many times its breakeven. Some of those numbers make a future no one forecasts
// (base with the 2012-2024 fit: a mean NPV of $2.2B for staying). Each guardrail states its bound
// and why; a fitted value beyond it is written with a WARNING, and `--shrink W` moves it the share W
// of the way to the scenario's own value.
import type { Scenario } from '../scenarios/schema.js';
import type { CalibratedProcess, CalibrationFits } from '../scenarios/calibrationFragment.js';

export interface Guardrail {
  process: Extract<CalibratedProcess, 'price' | 'hashrate'>;
  field: string;
  min?: number;
  max?: number;
  /** Why a value beyond the bound is implausible for a forward-looking scenario. */
  reason: string;
}

/** Price drift beyond this (either way), per year, is a window's trend, not an expected return. */
export const DRIFT_BOUND_PER_YEAR = 0.5;

export const GUARDRAILS: readonly Guardrail[] = [
  {
    process: 'price',
    field: 'driftPerYear',
    min: -DRIFT_BOUND_PER_YEAR,
    max: DRIFT_BOUND_PER_YEAR,
    reason:
      `an expected return beyond ±${DRIFT_BOUND_PER_YEAR * 100}%/yr (the price doubling or halving every ~1.4 years on average) is the fit window's trend, ` +
      "not a forecast (for scale, whatever the window: BTC went from $5 in 2012 to $70,000 in 2024); DEFAULTS.md's base assumes 10%/yr",
  },
  {
    process: 'hashrate',
    field: 'growthPerYear',
    min: 0,
    reason:
      'a negative trend growth makes the network shrink whenever mining only breaks even; in the fit it means the response to the margin ' +
      '(hashprice far above the breakeven assumed back in time) carried the window\'s growth, so trend and response are not told apart',
  },
];

export interface GuardrailFinding {
  /** `market.price.driftPerYear`. */
  path: string;
  process: Guardrail['process'];
  field: string;
  fitted: number;
  standardError: number | undefined;
  /** The bound in words: "at most 0.5", "at least 0". */
  bound: string;
  scenarioValue: number;
  /** What the fragment writes: the fitted value, or the shrunk one. */
  value: number;
  /** Share of the way to the scenario's value (0: not shrunk). */
  shrink: number;
  /** Whether the written value is still beyond the bound. */
  stillBeyond: boolean;
  reason: string;
}

function estimateOf(fits: CalibrationFits, process: Guardrail['process'], field: string): { value: number; standardError?: number } | undefined {
  const fit = fits[process];
  if (fit === undefined) return undefined;
  const estimates = fit.estimates as Readonly<Record<string, number>>;
  const errors = fit.standardErrors as Readonly<Record<string, number>>;
  return field in estimates ? { value: estimates[field], standardError: errors[field] } : undefined;
}

function scenarioValueOf(scenario: Scenario, process: Guardrail['process'], field: string): number {
  return (scenario.market[process] as unknown as Record<string, number>)[field];
}

const beyond = (rail: Guardrail, x: number) => (rail.min !== undefined && x < rail.min) || (rail.max !== undefined && x > rail.max);

function boundText(rail: Guardrail, x: number): string {
  if (rail.min !== undefined && x < rail.min) return `at least ${rail.min}`;
  return `at most ${rail.max}`;
}

/**
 * The guardrails a fit breaks, each with the value to write: fitted, or with `shrink` W in (0, 1]
 * (1 - W) x fitted + W x the scenario's value. Parameters within their bounds are never shrunk.
 */
export function checkGuardrails(fits: CalibrationFits, scenario: Scenario, shrink = 0): GuardrailFinding[] {
  if (!(shrink >= 0 && shrink <= 1)) throw new RangeError(`shrink must be from 0 to 1, got ${shrink}`);
  const findings: GuardrailFinding[] = [];
  for (const rail of GUARDRAILS) {
    const estimate = estimateOf(fits, rail.process, rail.field);
    if (estimate === undefined || !beyond(rail, estimate.value)) continue;
    const scenarioValue = scenarioValueOf(scenario, rail.process, rail.field);
    const value = (1 - shrink) * estimate.value + shrink * scenarioValue;
    findings.push({
      path: `market.${rail.process}.${rail.field}`,
      process: rail.process,
      field: rail.field,
      fitted: estimate.value,
      standardError: estimate.standardError,
      bound: boundText(rail, estimate.value),
      scenarioValue,
      value,
      shrink,
      stillBeyond: beyond(rail, value),
      reason: rail.reason,
    });
  }
  return findings;
}

const fmt = (x: number) => Number(x.toPrecision(3)).toString();

/** One sentence per finding, for the terminal and the fragment's header. */
export function guardrailSentence(finding: GuardrailFinding, scenarioName: string): string {
  const fitted = `${finding.path} fitted ${fmt(finding.fitted)}${finding.standardError === undefined ? '' : ` ± ${fmt(finding.standardError)}`}`;
  const shrunk =
    finding.shrink > 0
      ? `; shrunk ${Math.round(finding.shrink * 100)}% towards ${scenarioName}'s ${fmt(finding.scenarioValue)}: ${fmt(finding.value)}${finding.stillBeyond ? `, still beyond the bound (a larger --shrink moves it further)` : ''}`
      : `; written as fitted: --shrink W (0..1) moves it the share W of the way to ${scenarioName}'s ${fmt(finding.scenarioValue)}`;
  return `WARNING: ${fitted} breaks the guardrail (${finding.bound}): ${finding.reason}${shrunk}`;
}
