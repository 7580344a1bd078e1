// The package as a library user imports it: by name, from the compiled entry point.
import { describe, expect, it } from 'vitest';

describe("import { runScenario, loadScenario } from 'hashpivot'", () => {
  it('resolves the package by name and runs a scenario in-process', async () => {
    const lib = await import('hashpivot');
    const scenario = lib.loadScenario('smoke');
    const run = await lib.runScenario(scenario, { trials: 50, seed: 3, workers: 0 });
    expect(run.trials).toBe(50);
    const summary = lib.buildSummary(run);
    expect(summary.strategies.map((s) => s.name)).toEqual(scenario.strategies.map((s) => s.name));
    expect(lib.blockSubsidySats(840_000)).toBe(312_500_000);
    expect(lib.retargetDifficulty(100, 2016 * 600 * 10)).toBe(25);
  });
});
