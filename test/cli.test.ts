// End to end: the CLI as a user runs it, on the small `smoke` preset.
import { existsSync, readdirSync, readFileSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MARKET_METRICS, STRATEGY_METRICS } from '../engine/outcomes.js';
import { cli, freshDir } from './cliHarness.js';
import { createProgress } from '../runners/progress.js';

describe('hashpivot run', () => {
  const out = join(freshDir(), 'results');
  const result = cli(['run', 'smoke', '--trials', '300', '--seed', '7', '--out', out, '--workers', '0']);

  it('exits 0 and prints a table per strategy and the halving distribution', () => {
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.status).toBe(0);
    for (const name of ['stay', 'convert-now', 'hybrid-50', 'trigger-30']) expect(result.stdout).toContain(name);
    expect(result.stdout).toMatch(/Next halving: within the 24-month horizon in 0% of trials/); // due ~2028-04, 29 months on
  });

  it('writes summary.json with the resolved scenario, run settings and every statistic', () => {
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.seed).toBe(7);
    expect(summary.trials).toBe(300);
    expect(summary.engine.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(summary.scenario.site.powerMw).toBe(100); // a default, filled in
    expect(summary.strategies).toHaveLength(4);
    for (const s of summary.strategies) {
      for (const metric of ['npvUsd', 'irr', 'paybackMonth', 'minCashUsd', 'btcMined', 'revenueUsdPerKwh']) {
        const m = s.metrics[metric];
        expect(Object.keys(m.percentiles)).toEqual(['p1', 'p5', 'p10', 'p25', 'p50', 'p75', 'p90', 'p95', 'p99']);
        expect(m).toHaveProperty('standardError');
        expect(m).toHaveProperty('var5');
        expect(m).toHaveProperty('cvar5');
      }
      expect(s.pNpvNegative.p).toBeGreaterThanOrEqual(0);
      expect(s.pRuin.p).toBeGreaterThanOrEqual(0);
    }
    expect(summary.pairs).toHaveLength(6); // 4 choose 2
    const pair = summary.pairs[0];
    expect(pair.npvUsd.ci95[0]).toBeLessThanOrEqual(pair.npvUsd.meanDifference);
    expect(pair.npvUsd.ci95[1]).toBeGreaterThanOrEqual(pair.npvUsd.meanDifference);
    expect(readFileSync(join(out, 'summary.json'), 'utf8')).not.toMatch(/NaN|Infinity/);
  });

  it('writes trials.csv with a header and one row per trial', () => {
    const lines = readFileSync(join(out, 'trials.csv'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(301);
    const header = lines[0].split(',');
    expect(header[0]).toBe('trial');
    expect(header).toContain('stay.npvUsd');
    expect(header).toHaveLength(1 + MARKET_METRICS.length + 4 * STRATEGY_METRICS.length);
    expect(lines[1].split(',')[0]).toBe('0');
  });

  it('leaves no temporary files behind: its only hidden file is the manifest of what it wrote', () => {
    const files = readdirSync(out, { recursive: true }).map(String);
    expect(files).toContain('summary.json');
    expect(files.filter((f) => /(^|\/)\./.test(f)).sort()).toEqual(['.hashpivot', '.hashpivot/manifest.json']);
  });
});

describe('determinism', () => {
  const runTo = (extra: string[]) => {
    const out = join(freshDir(), 'r');
    const r = cli(['run', 'smoke', '--trials', '500', '--seed', '3', '--out', out, '--quiet', ...extra]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return { summary: readFileSync(join(out, 'summary.json')), trials: readFileSync(join(out, 'trials.csv')) };
  };

  it('gives byte-identical summary.json and trials.csv for the same scenario and seed, whatever the workers and chunk size', () => {
    const reference = runTo(['--workers', '0']);
    for (const extra of [['--workers', '0'], ['--workers', '1', '--chunk-trials', '37'], ['--workers', '2', '--chunk-trials', '100'], ['--workers', '3', '--chunk-trials', '499']]) {
      const other = runTo(extra);
      expect(other.summary.equals(reference.summary), `summary.json with ${extra.join(' ')}`).toBe(true);
      expect(other.trials.equals(reference.trials), `trials.csv with ${extra.join(' ')}`).toBe(true);
    }
  });

  it('gives different numbers for a different seed', () => {
    const a = cli(['run', 'smoke', '--trials', '50', '--seed', '1', '--out', join(freshDir(), 'a'), '--quiet', '--workers', '0']);
    const b = cli(['run', 'smoke', '--trials', '50', '--seed', '2', '--out', join(freshDir(), 'b'), '--quiet', '--workers', '0']);
    expect(a.status).toBe(0);
    expect(b.status).toBe(0);
  });
});

describe('bad input gives a clear error, a non-zero exit and no output', () => {
  const base = readFileSync(join(__dirname, '..', 'scenarios', 'presets', 'smoke.yaml'), 'utf8');
  const cases: [string, string, RegExp][] = [
    ['negative volatility', base.replace('horizonMonths: 24', 'horizonMonths: 24\nmarket:\n  price:\n    volatilityPerYear: -0.5'), /market\.price\.volatilityPerYear/],
    ['unknown field', base.replace('horizonMonths: 24', 'horizonMonths: 24\nsite:\n  powr: 100'), /site.*powr[\s\S]*powerMw/],
    ['wrong unit type', base.replace('horizonMonths: 24', 'horizonMonths: 24\nsite:\n  powerMw: "100 MW"'), /site\.powerMw/],
    ['share outside [0,1]', base.replace('share: 0.5', 'share: 1.5'), /strategies\[2\]\.share/],
    ['correlation not positive definite', base.replace('horizonMonths: 24', 'horizonMonths: 24\nmarket:\n  correlation: [[1,0.9,0.9,0,0],[0.9,1,-0.9,0,0],[0.9,-0.9,1,0,0],[0,0,0,1,0],[0,0,0,0,1]]'), /market\.correlation/],
    ['missing asOf', base.replace(/asOf:[\s\S]*?horizonMonths/, 'horizonMonths'), /asOf/],
    ['negative horizon', base.replace('horizonMonths: 24', 'horizonMonths: -3'), /horizonMonths/],
    ['bad date', base.replace('date: 2025-11', 'date: November 2025'), /asOf\.date/],
    ['unknown strategy kind', base.replace('kind: stay, name: stay', 'kind: mine, name: stay'), /strategies\[0\]/],
    ['duplicate strategy names', base.replace('name: convert-now', 'name: stay'), /strateg/],
    ['code in YAML', `${base}\nexploit: !!js/function "function () { require('fs').writeFileSync('/tmp/pwned', '') }"\n`, /js\/function|tag/i],
  ];
  for (const [label, text, pattern] of cases) {
    it(label, () => {
      const dir = freshDir();
      const file = join(dir, 'scenario.yaml');
      writeFileSync(file, text);
      const validate = cli(['validate', file]);
      expect(validate.status).toBe(1);
      expect(validate.stderr).toMatch(pattern);
      expect(validate.stderr).toMatch(/allowed/);
      const out = join(dir, 'out');
      const run = cli(['run', file, '--trials', '10', '--out', out, '--workers', '0']);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(pattern);
      expect(existsSync(out)).toBe(false);
    });
  }

  it('an unwritable output folder is refused before any trial runs', () => {
    const dir = freshDir();
    const blocker = join(dir, 'file');
    writeFileSync(blocker, 'not a folder');
    const run = cli(['run', 'smoke', '--trials', '10', '--out', join(blocker, 'results'), '--workers', '0']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/cannot write results to .*--out/);
  });

  it('a read-only output folder is refused (when not running as a user who ignores permissions)', () => {
    const dir = join(freshDir(), 'ro');
    mkdirSync(dir);
    chmodSync(dir, 0o500);
    const run = cli(['run', 'smoke', '--trials', '10', '--out', dir, '--workers', '0']);
    if (process.getuid?.() === 0) {
      expect(run.status).toBe(0); // root writes anywhere: nothing to refuse
    } else {
      expect(run.status).toBe(1);
      expect(readdirSync(dir)).toEqual([]);
    }
  });

  it('bad flags exit 2 with the usage', () => {
    expect(cli(['run', 'smoke', '--trials', 'many']).status).toBe(2);
    expect(cli(['run', 'smoke', '--bogus']).status).toBe(2);
    expect(cli(['explode']).status).toBe(2);
  });

  it('bounds --trials and --chunk-trials (32-bit trial counters), naming the flag and the range', () => {
    const tooMany = cli(['run', 'smoke', '--trials', String(2 ** 30 + 1), '--out', join(freshDir(), 'x')]);
    expect(tooMany.status).toBe(2);
    expect(tooMany.stderr).toMatch(/--trials must be a whole number from 1 to 1073741824, got "1073741825"/);
    const hugeSlices = cli(['run', 'smoke', '--chunk-trials', '1000001', '--out', join(freshDir(), 'x')]);
    expect(hugeSlices.status).toBe(2);
    expect(hugeSlices.stderr).toMatch(/--chunk-trials must be a whole number from 1 to 1000000/);
  });
});

describe('hashpivot presets and validate', () => {
  it('lists the presets with their descriptions', () => {
    const r = cli(['presets']);
    expect(r.status).toBe(0);
    for (const name of ['base', 'bear-2028-halving', 'ai-winter', 'cheap-power']) expect(r.stdout).toMatch(new RegExp(`^${name}\\s+\\S`, 'm'));
    const studies = r.stdout.slice(r.stdout.indexOf('Studies (hashpivot study NAME):'));
    for (const name of ['base-tornado', 'base-sobol', 'base-lease-breakeven']) expect(studies).toMatch(new RegExp(`^${name}\\s+\\S`, 'm'));
  });

  it('accepts a valid file', () => {
    const r = cli(['validate', 'scenarios/presets/base.yaml']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/valid/);
  });
});

describe('hashpivot calibrate and backtest', () => {
  it('calibrate with no files fits the shipped history and writes a fragment that loads into a scenario', async () => {
    const out = join(freshDir(), 'fitted.yaml');
    const r = cli(['calibrate', '--out', out]);
    expect(r.status).toBe(0);
    const { parse } = await import('yaml');
    const { loadScenario, parseScenario, resolvedScenarioJson } = await import('../scenarios/load.js');
    const fragment = parse(readFileSync(out, 'utf8'));
    const base = resolvedScenarioJson(loadScenario('base')) as Record<string, any>;
    const merged = { ...base, market: { ...base.market, price: { ...base.market.price, ...fragment.market.price } } };
    expect(parseScenario(merged, 'merged').market.price.volatilityPerYear).toBe(fragment.market.price.volatilityPerYear);
    expect(readFileSync(out, 'utf8')).toMatch(/fit period 20\d\d-\d\d \.\. 20\d\d-\d\d/);
  });

  it('backtest writes its comparison and says when a window runs past a series end', () => {
    const out = join(freshDir(), 'bt');
    const r = cli(['backtest', '--as-of', '2019-05', '--months', '3', '--trials', '300', '--out', out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/difficulty ends 2019-06-19/);
    expect(readdirSync(out).sort()).toEqual(['.hashpivot', 'backtest.csv', 'backtest.json', 'backtest.vl.json']);
  });

  it('backtest refuses a date outside the shipped history, naming the flag', () => {
    const r = cli(['backtest', '--as-of', '2030-01', '--out', join(freshDir(), 'x')]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--as-of/);
  });
});

describe('progress', () => {
  it('prints a line per 10% mark passed when stderr is not a terminal, and nothing with --quiet', () => {
    const noisy = cli(['run', 'smoke', '--trials', '1000', '--chunk-trials', '100', '--workers', '0', '--out', join(freshDir(), 'p')]);
    expect(noisy.status).toBe(0);
    const lines = noisy.stderr.trim().split('\n');
    // The display reads the trials' counter every 0.1 s: a run this short may pass every mark in one reading.
    const marks = lines.map((l) => Number(/^(\d+)%: /.exec(l)![1]));
    expect(marks.every((m, i) => m % 10 === 0 && (i === 0 || m > marks[i - 1]))).toBe(true);
    expect(lines.at(-1)).toMatch(/^100%: 1,000\/1,000 trials, [\d,]+ trials\/s, 0s left$/);
    const quiet = cli(['run', 'smoke', '--trials', '1000', '--chunk-trials', '100', '--workers', '0', '--quiet', '--out', join(freshDir(), 'q')]);
    expect(quiet.status).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toBe('');
  });

  it('prints one line for an update that passes several 10% marks, labelled with the last (workers count trials as they go)', () => {
    const written: string[] = [];
    const progress = createProgress('lines', { write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream);
    progress.update(350, 1000);
    progress.update(390, 1000);
    progress.update(1000, 1000);
    expect(written.map((l) => l.split(':')[0])).toEqual(['30%', '100%']);
    expect(written[0]).toMatch(/^30%: 350\/1,000 trials/);
    expect(written[1]).toMatch(/^100%: 1,000\/1,000 trials/);
  });
});
