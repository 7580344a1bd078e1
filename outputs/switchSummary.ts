// The parts of summary.json that answer "should we convert, when, and how much": for every strategy
// the distribution of its switch month and share (from the per-trial outcomes), and for each
// optimal (or policy) strategy the value of the option to wait, the in-sample/out-of-sample gap of
// its fit, and its exercise boundary by decision month. All of it comes from the outcome block, the
// scenario and the fitted policy (the run's inputs), so a merge of shards rebuilds the same bytes.
import { strategyColumn, type OutcomeBlock } from '../engine/outcomes.js';
import type { ModelInputs } from '../engine/priceModel.js';
import { exerciseBoundary, type BoundaryPoint } from '../engine/switchBoundary.js';
import type { SwitchStateVariable } from '../engine/switchState.js';
import type { Scenario } from '../scenarios/schema.js';
import { monthLabel } from './calendarMonths.js';
import { binomial, meanAndStandardError, pairedDifference, summarizeMetric, type PairedDifference, type ProbabilityEstimate } from './statistics.js';

export interface SwitchingSummary {
  /** Share of trials where the strategy never converts. */
  pNever: ProbabilityEstimate;
  /** Share of trials converting in the first 12, 24, 36 months (switch month < 12, ...). */
  pWithin12Months: ProbabilityEstimate;
  pWithin24Months: ProbabilityEstimate;
  pWithin36Months: ProbabilityEstimate;
  /** Median switch month over the trials that convert; null if none does. */
  medianMonth: number | null;
  /** Share of trials converting each share of the site (shares in ascending order; never converting is pNever). */
  shares: { share: number; p: number }[];
  /** Share of trials converted by the end of each month (the cumulative distribution of the switch month). */
  convertedByMonth: number[];
}

/** Kinds whose conversion month and share come from a fitted policy. */
export const POLICY_KINDS = ['optimal', 'policy'] as const;

export interface BoundaryRow extends BoundaryPoint {
  date: string;
}

export interface OptimalSummary {
  name: string;
  kind: (typeof POLICY_KINDS)[number];
  /** The policy as applied, in the results folder. */
  policyFile: string;
  fit: { scenario: string; seed: number; paths: number; inSampleNpvUsd: number; inSampleStandardErrorUsd: number };
  /** Mean NPV of the policy on this run's trials: out of sample, a lower bound on the value of the optimal policy (null without trials). */
  outOfSampleNpvUsd: number | null;
  /** null with one trial: a standard error needs two. */
  outOfSampleStandardErrorUsd: number | null;
  /**
   * In-sample minus out-of-sample mean NPV: how much the fit flatters itself (optimal strategies
   * only; a policy applied to another scenario was fitted on other paths).
   */
  inSampleGapUsd: number | null;
  /** The optimal minus the best fixed strategy (highest mean NPV), paired over trials: the value of waiting and choosing. */
  valueOfFlexibility: (PairedDifference & { versus: string }) | null;
  /** Per decision month: where converting beats waiting along hashprice and along the AI demand index (null when the policy does not look at it). */
  boundary: { hashpriceUsdPerPhDay: BoundaryRow[] | null; aiDemandIndex: BoundaryRow[] | null };
}

const MILESTONES = [12, 24, 36] as const;

/** What a switching summary is made of: counts a run's rows or its outcome sketch give alike. */
export interface SwitchCounts {
  trials: number;
  /** Conversions in each month of the horizon. */
  byMonth: ArrayLike<number>;
  /** Conversions by the share of the site converted. */
  shares: Map<number, number>;
  medianMonth: number | null;
}

export function switchingFromCounts({ trials: n, byMonth, shares, medianMonth }: SwitchCounts): SwitchingSummary {
  const convertedByMonth: number[] = [];
  const cumulative: number[] = [];
  let converted = 0;
  for (let m = 0; m < byMonth.length; m++) {
    cumulative.push((converted += byMonth[m]));
    convertedByMonth.push(converted / n);
  }
  const within = (limit: number) => binomial(limit >= byMonth.length ? converted : limit > 0 ? cumulative[limit - 1] : 0, n);
  return {
    pNever: binomial(n - converted, n),
    pWithin12Months: within(MILESTONES[0]),
    pWithin24Months: within(MILESTONES[1]),
    pWithin36Months: within(MILESTONES[2]),
    medianMonth,
    shares: [...shares].sort((a, b) => a[0] - b[0]).map(([share, count]) => ({ share, p: count / n })),
    convertedByMonth,
  };
}

export function switchingSummary(outcomes: OutcomeBlock, strategy: number, months: number): SwitchingSummary {
  const switchMonth = strategyColumn(outcomes, strategy, 'switchMonth');
  const switchShare = strategyColumn(outcomes, strategy, 'switchShare');
  const byMonth = new Float64Array(months);
  const shares = new Map<number, number>();
  for (let t = 0; t < outcomes.trialCount; t++) {
    const m = switchMonth[t];
    if (m !== m) continue;
    byMonth[m]++;
    shares.set(switchShare[t], (shares.get(switchShare[t]) ?? 0) + 1);
  }
  return switchingFromCounts({ trials: outcomes.trialCount, byMonth, shares, medianMonth: summarizeMetric(switchMonth).percentiles.p50 ?? null });
}

/** The file a run writes an optimal strategy's policy to. */
export const policyFileName = (strategy: string) => `policy-${strategy}.json`;

function boundaryRows(policy: Parameters<typeof exerciseBoundary>[0], variable: SwitchStateVariable, asOfDate: string): BoundaryRow[] | null {
  return exerciseBoundary(policy, variable)?.map((point) => ({ ...point, date: monthLabel(asOfDate, point.month) })) ?? null;
}

/** The optimal block of summary.json: one entry per optimal or policy strategy. */
export function optimalSummaries(scenario: Scenario, inputs: ModelInputs, outcomes: OutcomeBlock): OptimalSummary[] {
  const fixed = scenario.strategies
    // Every trial has an NPV, so every strategy of a run has a mean; one without could never be the best.
    .map((spec, s) => ({ spec, s, mean: meanAndStandardError(strategyColumn(outcomes, s, 'npvUsd')).mean ?? -Infinity }))
    .filter((x) => !(POLICY_KINDS as readonly string[]).includes(x.spec.kind));
  const best = fixed.reduce<(typeof fixed)[number] | null>((a, x) => (a === null || x.mean > a.mean ? x : a), null);
  return scenario.strategies.flatMap((spec, s): OptimalSummary[] => {
    if (spec.kind !== 'optimal' && spec.kind !== 'policy') return [];
    const policy = inputs.switchPolicies?.[spec.name];
    if (!policy) throw new RangeError(`optimalSummaries: strategy ${spec.name} has no policy among the run's inputs`);
    const npv = meanAndStandardError(strategyColumn(outcomes, s, 'npvUsd'));
    return [
      {
        name: spec.name,
        kind: spec.kind,
        policyFile: policyFileName(spec.name),
        fit: {
          scenario: policy.scenario,
          seed: policy.fit.seed,
          paths: policy.fit.paths,
          inSampleNpvUsd: policy.fit.inSampleNpvUsd,
          inSampleStandardErrorUsd: policy.fit.inSampleStandardErrorUsd,
        },
        outOfSampleNpvUsd: npv.mean,
        outOfSampleStandardErrorUsd: npv.standardError,
        inSampleGapUsd: spec.kind === 'optimal' && npv.mean !== null ? policy.fit.inSampleNpvUsd - npv.mean : null,
        valueOfFlexibility: best
          ? { versus: best.spec.name, ...pairedDifference(strategyColumn(outcomes, s, 'npvUsd'), strategyColumn(outcomes, best.s, 'npvUsd')) }
          : null,
        boundary: {
          hashpriceUsdPerPhDay: boundaryRows(policy, 'hashprice', scenario.asOf.date),
          aiDemandIndex: boundaryRows(policy, 'aiDemand', scenario.asOf.date),
        },
      },
    ];
  });
}
