// What a valid scenario may still get wrong without changing a number: fields its choices make
// the engine ignore. Reported by `validate` and `run` on stderr; the run goes ahead.
import { ignoredPriceFieldWarnings } from './priceModelChecks.js';
import type { ScenarioProblem } from './scenarioError.js';
import type { Scenario } from './schema.js';

export function scenarioWarnings(scenario: Scenario): ScenarioProblem[] {
  return ignoredPriceFieldWarnings(scenario);
}

/** One line per warning: `origin: warning: path: what (fix: ...)`. */
export function formatWarnings(origin: string, warnings: readonly ScenarioProblem[]): string {
  return warnings.map((w) => `${origin}: warning: ${w.path}: ${w.message} (fix: ${w.allowed})\n`).join('');
}
