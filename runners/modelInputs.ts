// What a scenario needs beyond itself before its trials run, read here (runners) because engine/
// does no I/O: for market.price.model bootstrap, the monthly BTC log returns of the window, from the
// shipped history or from the user's `market.price.bootstrap.file`; for `kind: policy` strategies,
// their policy files (switchPolicyFile.ts). runScenario resolves them once
// in the main thread and every lane task carries them, so a worker never reads a file and any
// worker count sees the same numbers.
import type { ModelInputs, PriceHistory } from '../engine/priceModel.js';
import type { SwitchPolicy } from '../engine/switchPolicy.js';
import { readSwitchPolicyFile } from './switchPolicyFile.js';
import type { Scenario } from '../scenarios/schema.js';
import { loadBtcPriceUsd, monthlySeries, type DailySeries } from './history.js';
import { describeUserSeries, readUserSeries } from './userSeries.js';
import { lastDayOfMonth, nextMonth, previousMonth } from '../scenarios/yearMonth.js';

/** A scenario's inputs, and sentences on what was read (rows skipped, gaps) for the user. */
export interface ResolvedInputs {
  inputs: ModelInputs;
  notes: string[];
}

export class ModelInputError extends Error {
  override name = 'ModelInputError';
}

let shipped: PriceHistory | undefined;


/**
 * Monthly log returns of a daily price series: the return of month M is ln(price at the end of M /
 * price at the end of M - 1), month-end = the last observation of the month. A month with no
 * observation has no return, nor has the month after it (a two-month step is not a month's); a
 * last month observed more than 3 days before its end is left out (not a whole month's step).
 * `months` can therefore skip: priceHistoryWindow refuses a window across a hole.
 */
export function monthlyLogReturns(daily: DailySeries): PriceHistory {
  const prices = monthlySeries(daily);
  let count = prices.dates.length;
  if (count > 0 && Number(prices.observedOn[count - 1].slice(8, 10)) < lastDayOfMonth(prices.dates[count - 1]) - 3) count--;
  const months: string[] = [];
  const logReturns: number[] = [];
  for (let i = 1; i < count; i++) {
    if (prices.dates[i] !== nextMonth(prices.dates[i - 1])) continue;
    months.push(prices.dates[i]);
    logReturns.push(Math.log(prices.values[i] / prices.values[i - 1]));
  }
  return { months, logReturns: Float64Array.from(logReturns) };
}

/**
 * Monthly log returns of the shipped BTC-USD history (data/, blockchain.com then Yahoo), read once
 * per process; the shipped months have no hole (test/priceModels.test.ts).
 */
export function shippedPriceHistory(): PriceHistory {
  shipped ??= monthlyLogReturns(loadBtcPriceUsd());
  return shipped;
}

/** The months between two months of a history, both left out: "2017-07" or "2017-07 .. 2017-08". */
function missingMonths(before: string, after: string): string {
  const first = nextMonth(before);
  const last = previousMonth(after);
  return first === last ? first : `${first} .. ${last}`;
}

/**
 * The returns of months from .. to (`YYYY-MM`, inclusive) of a monthly history; every month in
 * between must have its return. `source` names the history in messages.
 */
export function priceHistoryWindow(history: PriceHistory, from: string, to: string, source = 'the price history'): PriceHistory {
  const first = history.months.indexOf(from);
  const last = history.months.indexOf(to);
  const range = history.months.length === 0 ? 'none' : `${history.months[0]} .. ${history.months[history.months.length - 1]}`;
  if (first < 0 || last < first) {
    throw new ModelInputError(`market.price.bootstrap: the window ${from} .. ${to} is not inside ${source}'s monthly returns (${range}); choose from and to inside it`);
  }
  for (let i = first + 1; i <= last; i++) {
    if (history.months[i] !== nextMonth(history.months[i - 1])) {
      throw new ModelInputError(
        `market.price.bootstrap: ${source} has no monthly return for ${missingMonths(history.months[i - 1], history.months[i])}, inside the window ${from} .. ${to}; a month with no price (or the month after one) has no return: set market.price.bootstrap.from and .to to a window without the gap`,
      );
    }
  }
  return { months: history.months.slice(first, last + 1), logReturns: history.logReturns.slice(first, last + 1) };
}

const FILE_FIELD = 'market.price.bootstrap.file';

/** The monthly returns of the user's price file, and what was read. */
async function filePriceHistory(path: string, notes: string[]): Promise<PriceHistory> {
  const user = await readUserSeries(path, FILE_FIELD);
  notes.push(`Read ${describeUserSeries(user, FILE_FIELD, path)}.`);
  return monthlyLogReturns(user.series);
}

/**
 * The inputs compileModel needs for this scenario: the policies of `kind: policy` strategies from
 * their files, and for price model bootstrap the returns of its window. With
 * `bootstrap.file`, from and to default to the file's first and last month with a return.
 * @throws UserSeriesError for an unreadable or invalid file, ModelInputError for a bad window,
 * PolicyFileError for a policy file that cannot be applied.
 */
export async function resolveModelInputs(scenario: Scenario): Promise<ResolvedInputs> {
  const notes: string[] = [];
  const policies = policyFileInputs(scenario, notes);
  const { model, bootstrap } = scenario.market.price;
  if (model !== 'bootstrap' || !bootstrap) return { inputs: policies, notes };
  const file = bootstrap.file;
  const history = file === undefined ? shippedPriceHistory() : await filePriceHistory(file, notes);
  if (history.months.length === 0) throw new ModelInputError(`${FILE_FIELD} ${file}: no whole month's return in the file; it needs month-end prices of at least two consecutive months`);
  const from = bootstrap.from ?? history.months[0];
  const to = bootstrap.to ?? history.months[history.months.length - 1];
  const source = file === undefined ? 'the shipped price history' : file;
  const window = priceHistoryWindow(history, from, to, source);
  if (window.months.length < bootstrap.blockMonths) {
    throw new ModelInputError(`market.price.bootstrap.blockMonths is ${bootstrap.blockMonths}, longer than the window ${from} .. ${to} of ${source}: ${window.months.length} month${window.months.length === 1 ? '' : 's'}; shorten the blocks or widen the window`);
  }
  return { inputs: { ...policies, priceHistory: window }, notes };
}

/** The policies of `kind: policy` strategies, from their files; {} when there are none. */
function policyFileInputs(scenario: Scenario, notes: string[]): ModelInputs {
  const switchPolicies: Record<string, SwitchPolicy> = {};
  scenario.strategies.forEach((spec, index) => {
    if (spec.kind !== 'policy') return;
    const policy = readSwitchPolicyFile(spec.file, scenario, index);
    switchPolicies[spec.name] = policy;
    notes.push(`Read ${spec.file}: the policy of ${policy.strategy} fitted on ${policy.scenario} (seed ${policy.fit.seed}, ${policy.fit.paths.toLocaleString('en-US')} paths), applied as strategy ${spec.name}.`);
  });
  return Object.keys(switchPolicies).length > 0 ? { switchPolicies } : {};
}

/** resolveModelInputs without the notes. */
export async function modelInputsFor(scenario: Scenario): Promise<ModelInputs> {
  return (await resolveModelInputs(scenario)).inputs;
}
