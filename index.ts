// The library entry point: `import { runScenario, loadScenario } from 'hashpivot'`.
export { loadScenario, parseScenario, listPresets, resolvedScenarioJson, ScenarioError, type ScenarioProblem } from './scenarios/load.js';
export type { Scenario, ScenarioInput, StrategySpec } from './scenarios/schema.js';
export { runScenario, RunFailure, type RunOptions, type RunResult } from './runners/run.js';
export { buildSummary, type Summary, type StrategySummary, type PairSummary } from './outputs/summary.js';
export { summarizeMetric, pairedDifference, type MetricSummary, type PairedDifference } from './outputs/statistics.js';
export { STRATEGY_METRICS, MARKET_METRICS, strategyColumn, marketColumn, type OutcomeBlock } from './engine/outcomes.js';
export { blockSubsidySats, retargetDifficulty, hashpriceUsdPerPhDay, HALVING_INTERVAL_BLOCKS, RETARGET_INTERVAL_BLOCKS } from './engine/bitcoin.js';
export { calibrate } from './runners/calibrate.js';
export { runBacktests } from './runners/backtest.js';
export type { PriceProcess, PriceProcessContext, PriceStep, PriceStepDraws, TrialRandom } from './engine/priceProcess.js';
export { ProcessModuleError } from './runners/processModule.js';
export { loadStudy, parseStudy, type Study } from './scenarios/loadStudy.js';
export { runStudy, type StudyResult, type StudyRunOptions } from './runners/study.js';
