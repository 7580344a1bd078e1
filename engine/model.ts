// A validated scenario compiled once into the numbers the hot path reads. Everything a worker
// needs to run any slice of trials derives from the scenario and its inputs (the historical returns
// of a bootstrap price model, which the runner reads and hands over: engine/ does no I/O).
import type { Scenario } from '../scenarios/schema.js';
import type { BandSeries } from './bandSketch.js';
import { marketParams, type MarketParams } from './market.js';
import type { ModelInputs } from './priceModel.js';
import type { ModelProcesses } from './priceProcess.js';
import { siteParams, type SiteParams } from './site.js';
import { strategyRule, type StrategyRule } from './strategy.js';

export interface Model {
  scenario: Scenario;
  market: MarketParams;
  site: SiteParams;
  strategies: StrategyRule[];
  /** Monthly series summarised as percentile bands: market series first, then cash per strategy. */
  bands: BandSeries[];
}

export const MARKET_BAND_SERIES: readonly BandSeries[] = [
  { name: 'priceUsd', unit: 0.01, signed: false },
  { name: 'hashpriceUsdPerPhDay', unit: 0.001, signed: false },
  { name: 'difficulty', unit: 1e6, signed: false },
  { name: 'energyUsdPerMwh', unit: 0.01, signed: false },
];

/** `processes`: the loaded processes of one's own a custom model needs (runners/processModule.ts loads them). */
export function compileModel(scenario: Scenario, inputs: ModelInputs = {}, processes: ModelProcesses = {}): Model {
  return {
    scenario,
    market: marketParams(scenario, inputs, processes),
    site: siteParams(scenario),
    strategies: scenario.strategies.map(strategyRule),
    bands: [
      ...MARKET_BAND_SERIES,
      ...scenario.strategies.map((s) => ({ name: `cashUsd:${s.name}`, unit: 1000, signed: true })),
    ],
  };
}
