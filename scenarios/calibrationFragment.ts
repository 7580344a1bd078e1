// A calibration as scenario data: the fitted market parameters written as a YAML fragment whose
// fields are exactly those of scenarios/schema.ts, each with its standard error, fit period and
// data source in comments, so that a reader of a scenario can see where its numbers came from.
import { Document, Scalar } from 'yaml';
import { z } from 'zod';
import type { GbmFit, HashrateFit, LogOuFit, MertonFit } from '../engine/calibration.js';
import { scenarioSchema } from './schema.js';

export const CALIBRATED_PROCESSES = ['price', 'hashrate', 'fees', 'energy'] as const;
export type CalibratedProcess = (typeof CALIBRATED_PROCESSES)[number];

export interface CalibrationFits {
  price?: GbmFit | MertonFit;
  hashrate?: HashrateFit;
  fees?: LogOuFit;
  energy?: LogOuFit;
}

/** Fit window, `YYYY-MM` or `YYYY-MM-DD`; `byProcess` overrides it where a series ends earlier. */
export interface CalibrationPeriod {
  from: string;
  to: string;
  byProcess?: Partial<Record<CalibratedProcess, { from: string; to: string }>>;
}

/** Free text naming the data behind each fit (file, columns, sampling). */
export type CalibrationSources = Partial<Record<CalibratedProcess, string>>;

export interface FragmentOptions {
  sources?: CalibrationSources;
  /**
   * Values written instead of the fitted ones, by path (`market.price.driftPerYear`), with a note
   * for the field's comment: a guardrail's shrinkage (runners/calibrationGuardrails.ts).
   */
  adjustments?: Readonly<Record<string, { value: number; note: string }>>;
  /** Write a scenario that runs as is: `extends:` this scenario (a preset name or a file relative to the fragment), with a name and description. */
  scenario?: { extends: string; name: string; description: string };
}

interface Field {
  /** Field name in scenarios/schema.ts. */
  name: string;
  value: number;
  standardError?: number;
  note?: string;
}

const marketSchema = scenarioSchema.shape.market.unwrap();

/** The number schema of market.<process>.<field>, unwrapped from its default. */
function numberSchema(process: CalibratedProcess, field: string): z.ZodNumber {
  const unwrapped = marketSchema.shape[process].unwrap();
  // market.price is its object of fields piped into a transform (schema.ts): the fields are the pipe's input.
  const processSchema = (unwrapped instanceof z.ZodPipe ? unwrapped.in : unwrapped) as z.ZodObject;
  const fieldSchema = processSchema.shape[field] as z.ZodDefault<z.ZodNumber> | undefined;
  if (fieldSchema === undefined) throw new Error(`calibrationFragment: market.${process} has no field ${field} in scenarios/schema.ts`);
  return fieldSchema.unwrap();
}

/**
 * Decimals that show a value to about a tenth of its standard error (two significant digits of
 * the error), and never fewer than two significant digits of the value itself: more digits would
 * claim a precision the data do not have.
 */
export function decimalsFor(value: number, standardError?: number): number {
  const magnitude = (x: number) => Math.floor(Math.log10(Math.abs(x)));
  const forValue = value === 0 ? 2 : 1 - magnitude(value);
  const forError = standardError !== undefined && standardError > 0 && Number.isFinite(standardError) ? 1 - magnitude(standardError) : forValue + 1;
  return Math.min(12, Math.max(0, forValue, forError));
}

function formatError(standardError: number): string {
  const text = standardError.toPrecision(2);
  // toPrecision writes large or tiny numbers in exponent form; plain digits read better there.
  return text.includes('e') ? Number(text).toString() : text;
}

function fieldsFor(process: CalibratedProcess, fits: CalibrationFits): { title: string; model?: 'gbm' | 'merton'; fields: Field[] } | undefined {
  switch (process) {
    case 'price': {
      const fit = fits.price;
      if (fit === undefined) return undefined;
      const e = fit.estimates;
      const s = fit.standardErrors;
      const fields: Field[] = [
        { name: 'driftPerYear', value: e.driftPerYear, standardError: s.driftPerYear, note: 'price return mu: E[S(t)] = S0 exp(mu t), jumps compensated' },
        { name: 'volatilityPerYear', value: e.volatilityPerYear, standardError: s.volatilityPerYear },
      ];
      if (fit.model === 'merton') {
        for (const name of ['jumpsPerYear', 'jumpMeanLog', 'jumpSdLog'] as const) {
          fields.push(
            fit.atBoundary.includes(name)
              ? { name, value: fit.estimates[name], note: 'held at the boundary of its range (the likelihood is highest there); no standard error' }
              : { name, value: fit.estimates[name], standardError: fit.standardErrors[name] },
          );
        }
      }
      const title = fit.model === 'merton' ? 'Merton jump-diffusion (MLE, Poisson mixture density)' : 'GBM (closed-form MLE)';
      return { title, model: fit.model, fields };
    }
    case 'hashrate': {
      const fit = fits.hashrate;
      if (fit === undefined) return undefined;
      const e = fit.estimates;
      const s = fit.standardErrors;
      return {
        title: 'hashrate response regression (OLS = MLE given the hashprice gaps; breakeven supplied, not fitted)',
        fields: [
          { name: 'growthPerYear', value: e.growthPerYear, standardError: s.growthPerYear },
          { name: 'volatilityPerYear', value: e.volatilityPerYear, standardError: s.volatilityPerYear },
          { name: 'responsePerYear', value: e.responsePerYear, standardError: s.responsePerYear },
          { name: 'responseLagMonths', value: fit.responseLagMonths, note: 'chosen, not fitted' },
        ],
      };
    }
    case 'fees':
    case 'energy': {
      const fit = fits[process];
      if (fit === undefined) return undefined;
      const e = fit.estimates;
      const s = fit.standardErrors;
      return {
        title: 'log-OU (exact AR(1) discretisation, OLS = conditional MLE); mean = exp(long-run mean of the log)',
        fields: [
          { name: process === 'fees' ? 'meanBtcPerBlock' : 'meanUsdPerMwh', value: e.mean, standardError: s.mean },
          { name: 'reversionPerYear', value: e.reversionPerYear, standardError: s.reversionPerYear },
          { name: 'volatilityPerYear', value: e.volatilityPerYear, standardError: s.volatilityPerYear },
        ],
      };
    }
  }
}

function stepName(dtYears: number): string {
  if (Math.abs(dtYears * 12 - 1) < 1e-9) return 'monthly';
  if (Math.abs(dtYears * 365 - 1) < 1e-9) return 'daily';
  return `every ${dtYears.toPrecision(3)} yr`;
}

/**
 * The fitted market parameters as a YAML scenario fragment (`market.price`, `market.hashrate`,
 * `market.fees`, `market.energy`: only the processes fitted). Each value is rounded to its
 * precision (decimalsFor) and commented with "± standard error"; each process carries its model,
 * period, number of increments, log-likelihood and source. A fitted value outside the schema's
 * range is clamped into it with a WARNING comment, so that the fragment always validates; the
 * other parameters of that fit were estimated jointly with the unclamped value.
 */
export function calibrationFragment(fits: CalibrationFits, period: CalibrationPeriod, options: FragmentOptions = {}): string {
  const sources = options.sources ?? {};
  const market: Record<string, Record<string, number | string>> = {};
  const processComments: [CalibratedProcess, string][] = [];
  const fieldComments: [CalibratedProcess, string, string, number][] = [];
  const warnings: string[] = [];
  for (const process of CALIBRATED_PROCESSES) {
    const block = fieldsFor(process, fits);
    const fit = fits[process];
    if (block === undefined || fit === undefined) continue;
    const values: Record<string, number | string> = {};
    if (block.model !== undefined) values.model = block.model;
    for (const field of block.fields) {
      const schema = numberSchema(process, field.name);
      const adjustment = options.adjustments?.[`market.${process}.${field.name}`];
      const written = adjustment?.value ?? field.value;
      const decimals = field.standardError === undefined && Number.isInteger(written) ? 0 : decimalsFor(written, field.standardError);
      let value = Number(written.toFixed(decimals));
      const comment: string[] = [];
      if (field.standardError !== undefined) comment.push(`± ${formatError(field.standardError)}`);
      if (field.note !== undefined) comment.push(field.note);
      if (adjustment !== undefined) comment.push(adjustment.note);
      const min = schema.minValue ?? -Infinity;
      const max = schema.maxValue ?? Infinity;
      if (!schema.safeParse(value).success) {
        const clamped = Math.min(max, Math.max(min, value));
        const warning = `WARNING: fitted ${value} is outside the schema's range [${min}, ${max}]; clamped to ${clamped}`;
        comment.push(warning);
        warnings.push(`market.${process}.${field.name}: ${warning}`);
        value = clamped;
      }
      values[field.name] = value;
      fieldComments.push([process, field.name, comment.join('; '), field.standardError === undefined ? 0 : decimals]);
    }
    market[process] = values;
    const window = period.byProcess?.[process] ?? period;
    const lines = [
      `${block.title}`,
      `fit period ${window.from} .. ${window.to}: ${fit.observations} ${stepName(fit.dtYears)} increments; log-likelihood ${fit.logLikelihood.toFixed(2)}` +
        (fit.model === 'merton' ? ` (GBM on the same data: ${fit.gbmLogLikelihood.toFixed(2)})` : ''),
    ];
    if (sources[process] !== undefined) lines.push(`source: ${sources[process]}`);
    if (process === 'energy') lines.push('seasonality and spikes are not fitted: the schema defaults apply to them');
    processComments.push([process, lines.map((l) => ` ${l}`).join('\n')]);
  }
  if (Object.keys(market).length === 0) throw new Error('calibrationFragment: no fit given');
  // The fragment must be valid scenario data: the market schema is strict, so a misnamed field fails here.
  marketSchema.parse(market);

  const scenario = options.scenario;
  const doc = new Document(scenario === undefined ? { market } : { extends: scenario.extends, name: scenario.name, description: scenario.description, market });
  const header = [
    ` Market parameters fitted to history (hashpivot calibration), ${period.from} .. ${period.to}.`,
    scenario === undefined
      ? ' Every field is a scenario field of scenarios/schema.ts; fields not listed keep their defaults.'
      : ` Every field is a scenario field of scenarios/schema.ts; fields not listed keep ${scenario.extends}'s values.`,
    ' "± x" is one asymptotic standard error (the model assumed right); values are rounded to it.',
    ...warnings.map((w) => ` ${w}`),
  ];
  doc.commentBefore = header.join('\n');
  for (const [process, comment] of processComments) {
    const node = doc.getIn(['market', process], true) as { commentBefore?: string } | undefined;
    if (node !== undefined) node.commentBefore = comment;
  }
  for (const [process, name, comment, decimals] of fieldComments) {
    const node = doc.getIn(['market', process, name], true);
    if (node instanceof Scalar) {
      // Keep trailing zeros, so that 0.50 says "known to two decimals".
      node.minFractionDigits = decimals;
      if (comment !== '') node.comment = ` ${comment}`;
    }
  }
  return doc.toString({ lineWidth: 0 });
}
