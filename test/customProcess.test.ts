// A price process of one's own (market.price.model: custom, --process-module FILE): the GARCH(1,1)
// example gives the same bytes on 1 and 2 workers and has the moments its recursion implies; a
// step that draws further from the trial's stream leaves every other factor's draws alone; and a
// module that is missing, misnamed, misshapen, fed bad parameters, not deterministic or not finite
// is refused when it is loaded, before any trial, with a message naming what to fix. A scenario
// alone never loads code.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MarketPath } from '../engine/market.js';
import { compileModel } from '../engine/model.js';
import type { PriceProcess } from '../engine/priceProcess.js';
import { RandomStream } from '../engine/random.js';
import { prepareProcessModule } from '../runners/processModule.js';
import { RunFailure, runScenario } from '../runners/run.js';
import { loadScenario, parseScenario, resolvedScenarioJson } from '../scenarios/load.js';
import type { Scenario } from '../scenarios/schema.js';
import { cli, freshDir, ROOT } from './cliHarness.js';

const GARCH_MODULE = join(ROOT, 'scenarios', 'processes', 'garch11.mjs');
const GARCH_SCENARIO = join(ROOT, 'scenarios', 'processes', 'garch11.yaml');
const { priceProcess: garch } = (await import(GARCH_MODULE)) as { priceProcess: PriceProcess };
const dir = freshDir();

/** smoke with its price from a custom process `name` with `parameters`. */
function customScenario(name: string, parameters: Record<string, unknown>, edit: (raw: any) => void = () => {}): Scenario { // eslint-disable-line @typescript-eslint/no-explicit-any
  const raw = resolvedScenarioJson(loadScenario('smoke')) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  raw.market.price = { model: 'custom', custom: { process: name, parameters } };
  edit(raw);
  return parseScenario(raw, 'customProcess.test.ts');
}

/** A module file in the test folder: the body defines `simulate(draws, out)` with `context` in scope. */
function moduleFile(file: string, name: string, simulateBody: string, extra = ''): string {
  const path = join(dir, file);
  writeFileSync(
    path,
    `${extra}
export const priceProcess = {
  name: ${JSON.stringify(name)},
  parameters(raw) { return raw; },
  create(p, context) { return { simulate(draws, out) { ${simulateBody} } }; },
};
`,
  );
  return path;
}

const WALK = 'let x = context.logPrice0; for (let m = 0; m < draws.months; m++) { out[m] = x; x += 0.1 * draws.shock[m]; }';

describe('the GARCH(1,1) example', () => {
  it('runs with byte-identical summary.json and trials.csv on 1 and 2 workers', () => {
    const outputs = [1, 2].map((workers) => {
      const out = join(dir, `garch-${workers}`);
      const r = cli(['run', GARCH_SCENARIO, '--process-module', GARCH_MODULE, '--trials', '600', '--chunk-trials', '50', '--seed', '11', '--workers', String(workers), '--out', out, '--quiet']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      return out;
    });
    for (const file of ['summary.json', 'trials.csv']) expect(readFileSync(join(outputs[1], file)), file).toEqual(readFileSync(join(outputs[0], file)));
    const summary = JSON.parse(readFileSync(join(outputs[0], 'summary.json'), 'utf8'));
    expect(summary.scenario.market.price.custom).toEqual({ process: 'garch11', parameters: { driftPerYear: 0.1, omega: 0.0015, alpha: 0.1, beta: 0.85 } });
  });

  it('has the moments of its recursion: E[exp(r)] = exp(mu/12), and the unconditional variance omega / (1 - alpha - beta) at a late month (4 SE)', () => {
    const parameters = { driftPerYear: 0.2, omega: 0.002, alpha: 0.12, beta: 0.8 };
    const scenario = customScenario('garch11', parameters, (raw) => (raw.horizonMonths = 121));
    const path = new MarketPath(compileModel(scenario, {}, { price: garch }).market);
    const stream = new RandomStream();
    const trials = 20_000;
    const ratio = new Float64Array(trials);
    const late = new Float64Array(trials);
    for (let t = 0; t < trials; t++) {
      path.simulate(stream.reseed(5, t, 'market'));
      ratio[t] = path.priceUsd[1] / path.priceUsd[0];
      late[t] = Math.log(path.priceUsd[120] / path.priceUsd[119]);
    }
    const mean = (x: Float64Array) => x.reduce((a, b) => a + b, 0) / x.length;
    const se = (x: Float64Array) => {
      const m = mean(x);
      return Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1) / x.length);
    };
    expect(Math.abs(mean(ratio) - Math.exp(0.2 / 12)) / se(ratio)).toBeLessThan(4);
    // r = mu dt - h/2 + sqrt(h) z: the variance of r at a late month is E[h] + Var(h)/4, E[h] = omega / (1 - alpha - beta).
    // The Var(h)/4 term is ~0.1% of E[h] here, far inside the test's 4 SE (~6%): it compares E[(r - mean)^2] with E[h].
    const lateMean = mean(late);
    const centred = late.map((r) => (r - lateMean) ** 2);
    const unconditional = parameters.omega / (1 - parameters.alpha - parameters.beta);
    expect(Math.abs(mean(centred) - unconditional) / se(centred)).toBeLessThan(4);
    // Month 0 is the as-of price (through the engine's table-driven exp: within 5e-16 relative).
    expect(Math.abs(path.priceUsd[0] / scenario.asOf.priceUsd - 1)).toBeLessThan(1e-15);
  });
});

describe('a custom step and the trial\'s stream', () => {
  it('draws further from the trial\'s stream without moving any other factor\'s draws', async () => {
    const plain = moduleFile('plain.mjs', 'walk', WALK);
    const greedy = moduleFile('greedy.mjs', 'walk', `const extra = new Float64Array(50); draws.random.fillNormals(extra, 50); draws.random.uniform(); ${WALK}`);
    const scenario = customScenario('walk', {});
    const paths = await Promise.all(
      [plain, greedy].map(async (module) => {
        const inputs = await prepareProcessModule(scenario, module);
        const { loadedProcesses } = await import('../runners/processModule.js');
        const path = new MarketPath(compileModel(scenario, inputs, loadedProcesses(inputs)).market);
        path.simulate(new RandomStream().reseed(3, 7, 'market'));
        return { price: Float64Array.from(path.priceUsd), energy: Float64Array.from(path.energyUsdPerMwh), fees: Float64Array.from(path.feesBtcPerBlock), ai: Float64Array.from(path.aiDemandIndex) };
      }),
    );
    expect(paths[1]).toEqual(paths[0]);
  });
});

describe('loading a module is checked before any trial', () => {
  const garchScenario = customScenario('garch11', { omega: 0.0015, alpha: 0.1, beta: 0.85 });

  it.each([
    ['no module named', () => runScenario(garchScenario, { trials: 10, workers: 0 }), /market\.price\.model is custom \(process "garch11"\), but no module is named: pass --process-module FILE \(a scenario never loads code/],
    ['a module for a scenario that has no custom process', () => runScenario(loadScenario('smoke'), { trials: 10, workers: 0, processModule: GARCH_MODULE }), /the scenario's price model is merton; a process module replaces the price only with market\.price\.model: custom/],
    ['a missing file', () => runScenario(garchScenario, { trials: 10, workers: 0, processModule: join(dir, 'nope.mjs') }), /nope\.mjs: no such module/],
    ['no price process exported', () => runScenario(garchScenario, { trials: 10, workers: 0, processModule: writeAndReturn('empty.mjs', 'export const x = 1;\n') }), /exports no price process; export const priceProcess = \{ name, parameters\(raw\), create\(parameters, context\) \}/],
    ['another process', () => runScenario(customScenario('heston', {}), { trials: 10, workers: 0, processModule: GARCH_MODULE }), /provides the price process "garch11", but market\.price\.custom\.process is "heston"/],
    ['parameters the module refuses', () => runScenario(customScenario('garch11', { omega: 0.001, alpha: 0.3, beta: 0.75 }), { trials: 10, workers: 0, processModule: GARCH_MODULE }), /market\.price\.custom\.parameters: alpha \+ beta is 1\.05; allowed: below 1/],
    ['an unknown parameter', () => runScenario(customScenario('garch11', { omega: 0.001, alpha: 0.1, beta: 0.8, gamma: 1 }), { trials: 10, workers: 0, processModule: GARCH_MODULE }), /gamma is not a parameter of garch11/],
    ['Math.random in the step', () => runScenario(customScenario('walk', {}), { trials: 10, workers: 0, processModule: moduleFile('random.mjs', 'walk', `${WALK} out[3] += Math.random();`) }), /the same draws gave another path after another trial ran .*draw only from what it is given and keep nothing between trials/],
    ['state kept between trials', () => runScenario(customScenario('walk', {}), { trials: 10, workers: 0, processModule: moduleFile('state.mjs', 'walk', `calls++; ${WALK} out[2] += calls;`, 'let calls = 0;') }), /the same draws gave another path after another trial ran/],
    ['a non-finite price', () => runScenario(customScenario('walk', {}), { trials: 10, workers: 0, processModule: moduleFile('nan.mjs', 'walk', `${WALK} out[5] = NaN;`) }), /wrote NaN as ln price of month 5; every month must get a finite ln price/],
    ['month 0 not the as-of price', () => runScenario(customScenario('walk', {}), { trials: 10, workers: 0, processModule: moduleFile('start.mjs', 'walk', `${WALK} out[0] += 1;`) }), /month 0 must be ln of the as-of price/],
    ['a step that throws', () => runScenario(customScenario('walk', {}), { trials: 10, workers: 0, processModule: moduleFile('throws.mjs', 'walk', 'throw new Error("boom");') }), /a probe trial failed: boom/],
  ])('%s: a RunFailure naming the fix', async (_label, run, message) => {
    const attempt = run();
    await expect(attempt).rejects.toThrow(RunFailure);
    await expect(attempt).rejects.toThrow(message);
  });

  it('a module that never finishes loading or checking is stopped at the limit, naming the module and the limit', async () => {
    const walk = customScenario('walk', {});
    const importLoops = writeAndReturn('import-loops.mjs', 'for (;;) {}\n');
    await expect(prepareProcessModule(walk, importLoops, '--process-module', 1000)).rejects.toThrow(
      /--process-module .*import-loops\.mjs: did not finish loading and passing its checks \(its import, parameters\(\) and 12-month probe trials\) within 1 s, and was stopped; look for a loop that never ends/,
    );
    const stepLoops = moduleFile('step-loops.mjs', 'walk', 'for (;;) {}');
    await expect(prepareProcessModule(walk, stepLoops, '--process-module', 1000)).rejects.toThrow(/step-loops\.mjs: did not finish .* within 1 s/);
    const exits = moduleFile('exits.mjs', 'walk', 'process.exit(3);');
    await expect(prepareProcessModule(walk, exits, '--process-module', 1000)).rejects.toThrow(/exits\.mjs: ended its thread \(exit code 3\) before its checks finished/);
  });

  it('a scenario keeps its custom block only with model custom, and needs it there', () => {
    const raw = resolvedScenarioJson(loadScenario('smoke')) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(() => parseScenario({ ...raw, market: { ...raw.market, price: { model: 'gbm', custom: { process: 'garch11' } } } }, 't')).toThrow(/market\.price\.custom: is read only by model custom, but market\.price\.model is gbm/);
    expect(() => parseScenario({ ...raw, market: { ...raw.market, price: { model: 'custom' } } }, 't')).toThrow(/market\.price\.custom: is missing, but market\.price\.model is custom/);
  });

  it('hashpivot run exits 1 with the message, and validate checks the module when named', () => {
    const run = cli(['run', GARCH_SCENARIO, '--trials', '10', '--out', join(dir, 'x'), '--quiet']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/no module is named: pass --process-module FILE/);
    const unchecked = cli(['validate', GARCH_SCENARIO]);
    expect(unchecked.status).toBe(0);
    expect(unchecked.stdout).toMatch(/valid \(base-garch11, 4 strategies; its price process garch11 is not checked: pass --process-module FILE\)/);
    const checked = cli(['validate', GARCH_SCENARIO, '--process-module', GARCH_MODULE]);
    expect(checked.stdout).toMatch(/valid \(base-garch11, 4 strategies; price process garch11 from .*garch11\.mjs checked\)/);
  });
});

function writeAndReturn(file: string, text: string): string {
  const path = join(dir, file);
  writeFileSync(path, text);
  return path;
}
