// The study file: a batch of runs of one scenario with some of its fields varied, in one of four
// designs. Data like a scenario: validated once, strict (an unknown field is an error), nothing in
// it evaluated as code.
import { z } from 'zod';

export const STUDY_DESIGNS = ['oneAtATime', 'grid', 'sobol', 'breakEven'] as const;
export type StudyDesign = (typeof STUDY_DESIGNS)[number];

export const BREAK_EVEN_CRITERIA = ['meanDifference', 'pBeats'] as const;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

const distribution = z.union([
  z.strictObject({ uniform: z.tuple([finite, finite]).meta({ description: '[low, high]' }) }),
  z.strictObject({ logUniform: z.tuple([finite, finite]).meta({ description: '[low, high], both > 0: uniform in log' }) }),
  z.strictObject({ triangular: z.tuple([finite, finite, finite]).meta({ description: '[min, mode, max]' }) }),
]);

export type InputDistribution = z.output<typeof distribution>;

const input = z.strictObject({
  path: z.string().min(1).max(300).meta({ description: 'The scenario field, as for --set: market.energy.meanUsdPerMwh, strategies[convert-12m].atMonth.' }),
  label: z.string().min(1).max(80).optional().meta({ description: 'Name in the report (default: the path).' }),
  low: finite.optional().meta({ description: 'Low end: the tornado\'s low bar, the break-even search\'s start, a Sobol uniform\'s low end.' }),
  high: finite.optional().meta({ description: 'High end.' }),
  values: z.array(finite).min(1).max(1000).optional().meta({ description: 'Values to run: a grid\'s levels, a spider line\'s points.' }),
  distribution: distribution.optional().meta({ description: 'For sobol: uniform [low, high], logUniform [low, high] or triangular [min, mode, max]; default uniform over [low, high].' }),
  tolerance: z.number().positive().optional().meta({ description: 'For breakEven: stop when the bracket is this narrow (default 1/100 of high - low).' }),
});

export type StudyInputSpec = z.output<typeof input>;

export const studySchema = z.strictObject({
  name: z.string().min(1).max(200).meta({ description: 'Study name.' }),
  description: z.string().max(2000).default('').meta({ description: 'One-line description.' }),
  scenario: z.string().min(1).max(1000).meta({ description: 'The scenario every point starts from: a preset name or a file relative to the study file.' }),
  trials: z.number().int().min(1).max(1_000_000).default(2000).meta({ description: 'Trials per point (every point runs the same trial indices: common random numbers).' }),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(1).meta({ description: 'Seed of every point (and of the Sobol design).' }),
  design: z.enum(STUDY_DESIGNS).meta({ description: 'oneAtATime (tornado and spider), grid (full factorial), sobol (Saltelli), breakEven (bisection per input).' }),
  compare: z
    .strictObject({ a: z.string().min(1), b: z.string().min(1) })
    .optional()
    .meta({ description: 'The decision: strategy a against strategy b (paired difference a - b). Default: the first strategy that is not stay against the first stay.' }),
  inputs: z.array(input).min(1).max(64).meta({ description: 'The fields varied.' }),
  sobol: z
    .strictObject({
      rows: z.number().int().min(2).max(100_000).default(64).meta({ description: 'Rows N of the Saltelli matrices: N (k + 2) points for k inputs.' }),
      resamples: z.number().int().min(10).max(100_000).default(500).meta({ description: 'Bootstrap resamples for the confidence intervals.' }),
    })
    .prefault({}),
  breakEven: z
    .strictObject({
      criterion: z.enum(BREAK_EVEN_CRITERIA).default('meanDifference').meta({ description: 'meanDifference: mean NPV(a) - NPV(b) = 0; pBeats: P(a beats b) = 1/2.' }),
      maxPointsPerInput: z.number().int().min(3).max(100).default(16).meta({ description: 'Most points the search of one input may run (both ends included).' }),
    })
    .prefault({}),
  trialFiles: z.boolean().default(true).meta({ description: 'Write each point\'s trial outcomes to points/point-NNNNNN.parquet.' }),
});

export type StudySpec = z.output<typeof studySchema>;
