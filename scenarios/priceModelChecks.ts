// Rules of market.price that zod cannot express field by field: a model's block belongs to that
// model, a stationary start needs a chain that moves, and the bootstrap window must be a real
// stretch of the shipped price history. They read the raw input (defaults filled in by hand), so
// they run and report even when zod found other problems; a value zod rejects is left to zod.
import { fieldAt, isRecord, valueAt } from './fields.js';
import { BOOTSTRAP_DEFAULTS, PRICE_HISTORY_RETURN_MONTHS, PRICE_MODELS, type Scenario } from './schema.js';
import type { ScenarioProblem } from './scenarioError.js';
import { monthsBetween } from './yearMonth.js';

const PRICE = ['market', 'price'] as const;
const PATH = 'market.price';
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const HISTORY = `${PRICE_HISTORY_RETURN_MONTHS.from} .. ${PRICE_HISTORY_RETURN_MONTHS.to}`;

/** The rules below in words, for SCHEMA.md. */
export const PRICE_MODEL_RULES: readonly { path: string; rule: string }[] = [
  { path: `${PATH}.regimes, ${PATH}.bootstrap, ${PATH}.custom`, rule: 'only with the model of the same name (a block another model would ignore is an error)' },
  { path: `${PATH}.custom`, rule: 'required with model custom (it names the process)' },
  { path: `${PATH}.regimes.start`, rule: 'stationary needs bullToBearPerMonth + bearToBullPerMonth > 0' },
  {
    path: `${PATH}.bootstrap`,
    rule: `from <= to, both inside the shipped history's monthly returns (${HISTORY}), and blockMonths at most the months from .. to; with file, the runner checks the window against the file when it reads it`,
  },
];


function blockProblems(model: string, block: 'regimes' | 'bootstrap' | 'custom', price: Record<string, unknown>): ScenarioProblem[] {
  if (!Object.hasOwn(price, block) || model === block) return [];
  return [
    {
      path: `${PATH}.${block}`,
      message: `is read only by model ${block}, but ${PATH}.model is ${model}${Object.hasOwn(price, 'model') ? '' : ' (default)'}`,
      allowed: `remove the block, or set ${PATH}.model: ${block}`,
    },
  ];
}

function stationaryProblems(regimes: unknown): ScenarioProblem[] {
  if (!isRecord(regimes)) return [];
  const start = regimes.start ?? 'stationary';
  if (start !== 'stationary' || regimes.bullToBearPerMonth !== 0 || regimes.bearToBullPerMonth !== 0) return [];
  return [
    {
      path: `${PATH}.regimes.start`,
      message: 'is stationary, but bullToBearPerMonth and bearToBullPerMonth are both 0: a chain that never switches has no stationary distribution',
      allowed: 'bull or bear, or a switch probability above 0',
    },
  ];
}

function windowProblems(bootstrap: unknown): ScenarioProblem[] {
  const raw = isRecord(bootstrap) ? bootstrap : {};
  const given = (key: 'from' | 'to' | 'blockMonths') => Object.hasOwn(raw, key);
  // A file's months are known only when the runner reads it (runners/modelInputs.ts checks there).
  if (Object.hasOwn(raw, 'file') && !(given('from') && given('to'))) return [];
  const shippedHistory = !Object.hasOwn(raw, 'file');
  const from = given('from') ? raw.from : BOOTSTRAP_DEFAULTS.from;
  const to = given('to') ? raw.to : BOOTSTRAP_DEFAULTS.to;
  const shown = (key: 'from' | 'to', value: string) => `${value}${given(key) ? '' : ' (default)'}`;
  const problems: ScenarioProblem[] = [];
  const inside = `a month from ${PRICE_HISTORY_RETURN_MONTHS.from} to ${PRICE_HISTORY_RETURN_MONTHS.to}, the months with a return in the shipped BTC price history (data/)`;
  let validWindow = true;
  for (const [key, value] of [['from', from], ['to', to]] as const) {
    if (typeof value !== 'string' || !MONTH.test(value)) {
      validWindow = false; // zod says what is wrong with it
      continue;
    }
    if (shippedHistory && (value < PRICE_HISTORY_RETURN_MONTHS.from || value > PRICE_HISTORY_RETURN_MONTHS.to)) {
      validWindow = false;
      problems.push({ path: `${PATH}.bootstrap.${key}`, message: `is ${value}, outside the shipped price history (monthly returns ${HISTORY})`, allowed: inside });
    }
  }
  if (!validWindow) return problems;
  const [first, last] = [from as string, to as string];
  if (first > last) {
    return [
      {
        path: `${PATH}.bootstrap.to`,
        message: `is ${shown('to', last)}, before from ${shown('from', first)}`,
        allowed: `a month from ${first} to ${PRICE_HISTORY_RETURN_MONTHS.to} (to is inclusive, so from = to resamples one month)`,
      },
    ];
  }
  const months = monthsBetween(first, last) + 1; // both ends included
  const blockMonths = given('blockMonths') ? raw.blockMonths : BOOTSTRAP_DEFAULTS.blockMonths;
  if (typeof blockMonths === 'number' && Number.isInteger(blockMonths) && blockMonths > months) {
    problems.push({
      path: `${PATH}.bootstrap.blockMonths`,
      message: `is ${blockMonths}${given('blockMonths') ? '' : ' (default)'}, longer than the window from ${shown('from', first)} to ${shown('to', last)}: ${months} month${months === 1 ? '' : 's'}`,
      allowed: `at most ${months}, or a wider window`,
    });
  }
  return problems;
}

/** Every price-model problem in a raw (unvalidated) scenario. */
export function priceModelProblems(raw: unknown): ScenarioProblem[] {
  const price = valueAt(raw, PRICE);
  if (!isRecord(price)) return [];
  const model = Object.hasOwn(price, 'model') ? price.model : 'merton';
  if (typeof model !== 'string' || !(PRICE_MODELS as readonly string[]).includes(model)) return [];
  return [
    ...blockProblems(model, 'regimes', price),
    ...blockProblems(model, 'bootstrap', price),
    ...blockProblems(model, 'custom', price),
    ...(model === 'custom' && !Object.hasOwn(price, 'custom')
      ? [{ path: `${PATH}.custom`, message: 'is missing, but market.price.model is custom', allowed: 'custom: { process: NAME, parameters: { ... } }, the process its module (--process-module FILE) provides' }]
      : []),
    ...(model === 'regimes' ? stationaryProblems(price.regimes) : []),
    ...(model === 'bootstrap' ? windowProblems(price.bootstrap) : []),
  ];
}

/** The price fields each model reads (bootstrap reads the drift only when it demeans). */
const PRICE_FIELD_MODELS: Record<string, readonly string[]> = {
  driftPerYear: ['merton', 'gbm', 'bootstrap'],
  volatilityPerYear: ['merton', 'gbm'],
  jumpsPerYear: ['merton'],
  jumpMeanLog: ['merton'],
  jumpSdLog: ['merton'],
};

/**
 * Warnings, not errors: price fields the chosen model ignores, set to something other than their
 * default (so `--set market.price.model=regimes` over base, whose values are the defaults, says
 * nothing, while `driftPerYear: 0.9` beside `model: regimes` is reported: it would change nothing).
 * Read from the validated scenario, so they cover files, `extends:` and `--set` alike.
 */
export function ignoredPriceFieldWarnings(scenario: Scenario): ScenarioProblem[] {
  const price = scenario.market.price as Record<string, unknown>;
  const model = scenario.market.price.model;
  const warnings: ScenarioProblem[] = [];
  for (const [field, models] of Object.entries(PRICE_FIELD_MODELS)) {
    const ignoredByDemean = field === 'driftPerYear' && model === 'bootstrap' && scenario.market.price.bootstrap?.demean === false;
    if (models.includes(model) && !ignoredByDemean) continue;
    const value = price[field];
    const defaultValue = fieldAt([...PRICE, field], {})?.default;
    if (value === defaultValue) continue;
    warnings.push({
      path: `${PATH}.${field}`,
      message: `is ${String(value)}, but model ${model}${ignoredByDemean ? ' with bootstrap.demean: false' : ''} ignores it: the runs are the same whatever its value`,
      allowed: model === 'regimes' ? `remove it; the regimes block (${PATH}.regimes) sets drift and volatility` : `remove it, or choose a model that reads it (${models.join(', ')})`,
    });
  }
  return warnings;
}
