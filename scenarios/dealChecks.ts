// Deal fields that another choice makes irrelevant: the landlord's cost of the other lease form,
// tenant hazards under a credit grade, the cap rate and salvage of a terminal value that is not by
// cash-flow type. The schema drops them from the resolved scenario, so a value written there would
// do nothing: it is an error naming the choice that ignores it. They read the raw input (defaults
// filled in by hand), so they run and report even when zod found other problems.
import { isRecord, valueAt } from './fields.js';
import type { AppliedSet } from './overrides.js';
import type { JsonObject } from './resolvedJson.js';
import type { ScenarioProblem } from './scenarioError.js';

interface Dependency {
  /** Block holding both the choice and the fields it may make irrelevant (dotted path). */
  block: string;
  choice: string;
  /** The choice's value when the scenario leaves it out. */
  defaultChoice: string;
  /** Field -> the values of the choice under which it is used. */
  fields: Record<string, readonly string[]>;
}

const DEPENDENCIES: readonly Dependency[] = [
  {
    block: 'hosting',
    choice: 'leaseForm',
    defaultChoice: 'modifiedGross',
    fields: { landlordOpexUsdPerKwMonth: ['modifiedGross'], tripleNetCostShareOfRent: ['tripleNet'] },
  },
  {
    block: 'hosting',
    choice: 'tenantCreditGrade',
    defaultChoice: 'B',
    fields: { defaultHazardPerYear: ['custom'], winterDefaultHazardPerYear: ['custom'] },
  },
  {
    block: 'terminalValue',
    choice: 'method',
    defaultChoice: 'byCashFlow',
    fields: { capRate: ['byCashFlow'], miningSalvageUsdPerTh: ['byCashFlow'] },
  },
];

/** The rules below in words, for SCHEMA.md. */
export const DEAL_RULES: readonly { path: string; rule: string }[] = DEPENDENCIES.flatMap((d) =>
  Object.entries(d.fields).map(([field, uses]) => ({
    path: `${d.block}.${field}`,
    rule: `only with ${d.block}.${d.choice}: ${uses.join(' or ')} (otherwise nothing reads it: an error)`,
  })),
);

/** Every deal field written where its block's choice makes it irrelevant. */
export function dealProblems(raw: unknown): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  for (const d of DEPENDENCIES) {
    const block = valueAt(raw, d.block.split('.'));
    if (!isRecord(block)) continue;
    const given = Object.hasOwn(block, d.choice);
    const choice = given ? block[d.choice] : d.defaultChoice;
    if (typeof choice !== 'string') continue; // zod says what is wrong with it
    for (const [field, uses] of Object.entries(d.fields)) {
      if (!Object.hasOwn(block, field) || uses.includes(choice)) continue;
      problems.push({
        path: `${d.block}.${field}`,
        message: `is read only when ${d.block}.${d.choice} is ${uses.join(' or ')}, but it is ${choice}${given ? '' : ' (default)'}`,
        allowed: `remove the field, or set ${d.block}.${d.choice}: ${uses[0]}`,
      });
    }
  }
  return problems;
}

/** The price model's blocks: reported by priceModelChecks.ts, dropped like the deal fields below. */
const PRICE_BLOCKS: Dependency = {
  block: 'market.price',
  choice: 'model',
  defaultChoice: 'merton',
  fields: { regimes: ['regimes'], bootstrap: ['bootstrap'] },
};

/**
 * Scenario data after overrides (`extends:`, `--set`) without the fields the overridden choice
 * makes irrelevant and that no override wrote: `--set hosting.leaseForm=tripleNet` over base drops
 * base's landlordOpexUsdPerKwMonth instead of failing on it, while a field the user sets beside the
 * choice is kept, so that an irrelevant one is still an error.
 */
export function withoutInheritedIrrelevantFields(data: JsonObject, applied: readonly AppliedSet[]): JsonObject {
  const written = (path: string) => applied.some((set) => path === set.path || path.startsWith(`${set.path}.`));
  let result = data;
  for (const d of [...DEPENDENCIES, PRICE_BLOCKS]) {
    const keys = d.block.split('.');
    const block = valueAt(result, keys);
    if (!isRecord(block)) continue;
    const choice = Object.hasOwn(block, d.choice) ? block[d.choice] : d.defaultChoice;
    if (typeof choice !== 'string') continue;
    const drop = Object.entries(d.fields).filter(([field, uses]) => Object.hasOwn(block, field) && !uses.includes(choice) && !written(`${d.block}.${field}`));
    if (drop.length === 0) continue;
    const kept = Object.fromEntries(Object.entries(block).filter(([field]) => !drop.some(([dropped]) => dropped === field)));
    result = replaceAt(result, keys, kept as JsonObject);
  }
  return result;
}

function replaceAt(data: JsonObject, keys: readonly string[], value: JsonObject): JsonObject {
  if (keys.length === 0) return value;
  const [head, ...rest] = keys;
  return { ...data, [head]: replaceAt(data[head] as JsonObject, rest, value) };
}
