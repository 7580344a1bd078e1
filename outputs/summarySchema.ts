// The shape of summary.json, checked whenever a results folder is read (`report`, `compare`,
// `merge`): a file edited by hand or made elsewhere is trusted only when every field a reader uses
// has the type and range buildSummary gives it. Fields a later version adds pass through unchecked.
// The scenario inside is checked by the scenario schema itself (resultsReader.ts).
import { z } from 'zod';
import { PERCENTILE_LEVELS } from './statistics.js';
import { LATER_SUMMARY_METRICS, SUMMARY_METRICS } from './summary.js';

const number = z.number();
const numberOrNull = z.number().nullable();
const count = z.number().int().min(0);
const share = z.number().min(0).max(1);
const interval = z.tuple([number, number]).nullable();
const percentileKeys = Object.keys(PERCENTILE_LEVELS) as (keyof typeof PERCENTILE_LEVELS)[];
/** Text a report shows: bounded, no control characters. */
const label = (max: number) => z.string().max(max).regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, 'must not contain control characters');

const metricSummary = z.looseObject({
  count,
  definedCount: count,
  mean: numberOrNull,
  standardError: numberOrNull,
  sd: numberOrNull,
  min: numberOrNull,
  max: numberOrNull,
  percentiles: z.looseObject(Object.fromEntries(percentileKeys.map((k) => [k, numberOrNull]))),
  var5: numberOrNull,
  cvar5: numberOrNull,
  percentileCi95: z.looseObject(Object.fromEntries(percentileKeys.map((k) => [k, interval]))),
  var5Ci95: interval,
  cvar5StandardError: numberOrNull,
});

const probability = z.looseObject({ p: share.nullable(), standardError: numberOrNull });

const strategy = z.looseObject({
  name: label(60),
  kind: label(40),
  metrics: z.looseObject(Object.fromEntries(SUMMARY_METRICS.map((m) => [m, (LATER_SUMMARY_METRICS as readonly string[]).includes(m) ? metricSummary.optional() : metricSummary]))),
  pNpvNegative: probability,
  pRuin: probability,
  ruinByMonth: z.array(share),
  convergence: z.array(z.looseObject({ trials: count, mean: numberOrNull, ci95: interval })).max(1000),
});

const pair = z.looseObject({
  a: label(60),
  b: label(60),
  npvUsd: z.looseObject({
    definedPairCount: count,
    pABeatsB: share.nullable(),
    pABeatsBStandardError: numberOrNull,
    meanDifference: numberOrNull,
    standardError: numberOrNull,
    ci95: interval,
  }),
});

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export const summarySchema = z
  .looseObject({
    engine: z.looseObject({ name: z.literal('hashpivot'), version: label(40) }),
    /** Present in a run made with --outcomes sketch (summary.ts, SketchOutcomes). */
    outcomes: z.looseObject({ mode: z.literal('sketch'), quantileRelativeError: share, note: label(2000) }).optional(),
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    trials: z.number().int().min(1).max(2 ** 30),
    trialsRequested: z.number().int().min(1).max(2 ** 30),
    targetSeUsd: numberOrNull,
    maxNpvStandardErrorUsd: numberOrNull,
    scenario: z.record(z.string(), z.unknown()),
    strategies: z.array(strategy).min(1).max(32),
    pairs: z.array(pair).max(496),
    halving: z.looseObject({
      nextHalvingMonth: metricSummary,
      pWithinHorizon: probability,
      datePercentiles: z.record(z.string().max(10), z.string().regex(DAY).nullable()),
    }),
    bands: z.looseObject({
      months: z.array(z.string().regex(MONTH)).min(1).max(600),
      quantiles: z.array(share).length(5),
      series: z.record(z.string().max(80).regex(/^[A-Za-z][A-Za-z0-9]*(:[A-Za-z0-9][A-Za-z0-9 _.+%-]*)?$/), z.array(z.array(number)).length(5)),
    }),
  })
  .superRefine((s, ctx) => {
    const months = s.bands.months.length;
    const names = s.strategies.map((x) => x.name);
    const problem = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (s.trials > s.trialsRequested) problem(['trials'], `is ${s.trials}, more than trialsRequested (${s.trialsRequested})`);
    if (new Set(names).size !== names.length) problem(['strategies'], 'strategy names repeat');
    s.strategies.forEach((x, i) => {
      if (x.ruinByMonth.length !== months) problem(['strategies', i, 'ruinByMonth'], `has ${x.ruinByMonth.length} months, bands.months has ${months}`);
      for (const metric of SUMMARY_METRICS) {
        const m = x.metrics[metric] as { count: number } | undefined;
        if (m && m.count !== s.trials) problem(['strategies', i, 'metrics', metric, 'count'], `is ${m.count}, not the trial count ${s.trials}`);
      }
    });
    const expectedPairs = (names.length * (names.length - 1)) / 2;
    if (s.pairs.length !== expectedPairs) problem(['pairs'], `has ${s.pairs.length} pairs; ${names.length} strategies make ${expectedPairs}`);
    s.pairs.forEach((p, i) => {
      if (!names.includes(p.a) || !names.includes(p.b)) problem(['pairs', i], `names a strategy that is not in strategies ("${p.a}", "${p.b}")`);
    });
    for (const [series, bands] of Object.entries(s.bands.series)) {
      const strategyName = series.startsWith('cashUsd:') ? series.slice('cashUsd:'.length) : null;
      if (strategyName !== null && !names.includes(strategyName)) problem(['bands', 'series', series], 'is the cash of a strategy that is not in strategies');
      bands.forEach((values, q) => {
        if (values.length !== months) problem(['bands', 'series', series, q], `has ${values.length} months, bands.months has ${months}`);
      });
    }
  });
