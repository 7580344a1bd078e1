// What a scenario needs beyond itself before its trials run, read here (runners) because engine/
// does no I/O: for market.price.model bootstrap, the shipped monthly BTC log returns of the
// window. runScenario resolves them once in the main thread and every lane task carries them, so
// a worker never reads a file and any worker count sees the same numbers.
import type { ModelInputs, PriceHistory } from '../engine/priceModel.js';
import type { Scenario } from '../scenarios/schema.js';
import { loadBtcPriceUsd, monthlySeries } from './history.js';

let shipped: PriceHistory | undefined;

function nextMonth(month: string): string {
  const [year, monthNumber] = month.split('-').map(Number);
  return monthNumber === 12 ? `${year + 1}-01` : `${year}-${String(monthNumber + 1).padStart(2, '0')}`;
}

/**
 * Monthly log returns of the shipped BTC-USD history (data/, blockchain.com then Yahoo): the return
 * of month M is ln(price at the end of M / price at the end of M - 1), month-end = the last daily
 * observation of the month (runners/history.ts). Read once per process.
 */
export function shippedPriceHistory(): PriceHistory {
  if (shipped) return shipped;
  const prices = monthlySeries(loadBtcPriceUsd());
  const months: string[] = [];
  const logReturns = new Float64Array(prices.dates.length - 1);
  for (let i = 1; i < prices.dates.length; i++) {
    // A missing month would silently make a two-month return: refuse it.
    if (prices.dates[i] !== nextMonth(prices.dates[i - 1])) {
      throw new Error(`shipped BTC price history: no month-end price between ${prices.dates[i - 1]} and ${prices.dates[i]}`);
    }
    months.push(prices.dates[i]);
    logReturns[i - 1] = Math.log(prices.values[i] / prices.values[i - 1]);
  }
  shipped = { months, logReturns };
  return shipped;
}

/** The returns of months from .. to (`YYYY-MM`, inclusive) of a monthly history. */
export function priceHistoryWindow(history: PriceHistory, from: string, to: string): PriceHistory {
  const first = history.months.indexOf(from);
  const last = history.months.indexOf(to);
  if (first < 0 || last < first) {
    const range = `${history.months[0]} .. ${history.months[history.months.length - 1]}`;
    throw new Error(`market.price.bootstrap: the window ${from} .. ${to} is not inside the price history's monthly returns (${range})`);
  }
  return { months: history.months.slice(first, last + 1), logReturns: history.logReturns.slice(first, last + 1) };
}

/** The inputs compileModel needs for this scenario: {} unless its price model is bootstrap. */
export function modelInputsFor(scenario: Scenario): ModelInputs {
  const { model, bootstrap } = scenario.market.price;
  if (model !== 'bootstrap' || !bootstrap) return {};
  return { priceHistory: priceHistoryWindow(shippedPriceHistory(), bootstrap.from, bootstrap.to) };
}
