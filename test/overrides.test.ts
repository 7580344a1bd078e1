// Overrides without copies: `extends:` files, `--set path=value` and `-` (stdin) make the same
// scenario from the same changes, record how it was derived, mark the source notes they
// invalidate, and refuse bad paths and values naming the field.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, resolvedScenarioJson, type JsonObject } from '../scenarios/load.js';
import { CLI, cli, freshDir, ROOT } from './cliHarness.js';
import { scenarioErrorOf } from './scenarioErrorOf.js';

const SETS = ['market.energy.meanUsdPerMwh=60', 'hosting.leaseUsdPerKwMonth=150'];
const FRAGMENT = `extends: base
# written in the other order: the derivation lists them in schema order either way
hosting:
  leaseUsdPerKwMonth: 150
market:
  energy:
    meanUsdPerMwh: 60
`;

function fileIn(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const json = (scenario: ReturnType<typeof loadScenario>) => resolvedScenarioJson(scenario);
const sources = (data: JsonObject) => (data.asOf as JsonObject).sources as Record<string, string>;

describe('run base --set, an extends file and stdin', () => {
  const dir = freshDir();
  const variant = fileIn(dir, 'variant.yaml', FRAGMENT);
  const args = ['--trials', '300', '--seed', '3', '--workers', '1', '--quiet'];

  it('give byte-identical summaries', () => {
    const bySet = cli(['run', 'base', ...SETS.flatMap((s) => ['--set', s]), ...args, '--out', join(dir, 'set')]);
    const byFile = cli(['run', variant, ...args, '--out', join(dir, 'file')]);
    const byStdin = spawnSync(process.execPath, [CLI, 'run', '-', ...args, '--out', join(dir, 'stdin')], { cwd: ROOT, input: FRAGMENT, encoding: 'utf8' });
    expect([bySet.status, byFile.status, byStdin.status], bySet.stderr + byFile.stderr + byStdin.stderr).toEqual([0, 0, 0]);
    const summary = readFileSync(join(dir, 'set', 'summary.json'), 'utf8');
    expect(readFileSync(join(dir, 'file', 'summary.json'), 'utf8')).toBe(summary);
    expect(readFileSync(join(dir, 'stdin', 'summary.json'), 'utf8')).toBe(summary);
    const scenario = JSON.parse(summary).scenario;
    expect(scenario.derivation).toEqual({ extends: ['base'], overrides: { 'market.energy.meanUsdPerMwh': 60, 'hosting.leaseUsdPerKwMonth': 150 } });
    expect(scenario.market.energy.meanUsdPerMwh).toBe(60);
    expect(scenario.hosting.leaseUsdPerKwMonth).toBe(150);
    // Every other field is base's.
    expect(scenario.hosting.conversionUsdPerMwIt).toBe(9e6);
  });

  it('validate takes --set and - too', () => {
    const ok = cli(['validate', 'base', '--set', 'hosting.leaseUsdPerKwMonth=150']);
    expect(ok.status).toBe(0);
    const bad = cli(['validate', 'base', '--set', 'hosting.leaseUsdPerKwMont=150']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('did you mean hosting.leaseUsdPerKwMonth?');
  });
});

describe('extends', () => {
  const dir = freshDir();

  it('merges blocks field by field, replaces lists, and records nothing for a scenario that extends nothing', () => {
    const path = fileIn(dir, 'two.yaml', `extends: base\nname: two-strategies\nstrategies:\n  - { kind: stay, name: stay }\n  - { kind: convert, name: half, share: 0.5 }\n`);
    const data = json(loadScenario(path));
    expect(data.name).toBe('two-strategies');
    expect((data.strategies as JsonObject[]).map((s) => s.name)).toEqual(['stay', 'half']);
    expect((data.market as JsonObject).price).toEqual((json(loadScenario('base')).market as JsonObject).price);
    expect(json(loadScenario('base')).derivation).toBeUndefined();
  });

  it('follows a chain, relative to each file, recording it root first with the net overrides', () => {
    const sub = join(dir, 'sub');
    mkdirSync(sub, { recursive: true });
    fileIn(dir, 'middle.yaml', 'extends: base\nhosting: { leaseUsdPerKwMonth: 110, pue: 1.2 }\n');
    const top = fileIn(sub, 'top.yaml', 'extends: ../middle.yaml\nhosting: { leaseUsdPerKwMonth: 140 }\n');
    const data = json(loadScenario(top));
    expect(data.derivation).toEqual({ extends: ['base', '../middle.yaml'], overrides: { 'hosting.pue': 1.2, 'hosting.leaseUsdPerKwMonth': 140 } });
    const withSet = json(loadScenario(top, { set: ['discountRatePerYear=0.1'] }));
    expect((withSet.derivation as JsonObject).extends).toEqual(['base', '../middle.yaml', top]);
    expect(Object.keys((withSet.derivation as JsonObject).overrides as JsonObject)).toEqual(['discountRatePerYear', 'hosting.pue', 'hosting.leaseUsdPerKwMonth']);
  });

  it('a set below a list entry is recorded by index, and a later whole-list set replaces it', () => {
    const byName = json(loadScenario('base', { set: ['strategies[convert-12m].atMonth=6'] }));
    expect(byName.derivation).toEqual({ extends: ['base'], overrides: { 'strategies[2].atMonth': 6 } });
    const replaced = json(loadScenario('base', { set: ['strategies[2].atMonth=6', 'strategies=[{kind: stay, name: s}]'] }));
    expect((replaced.derivation as JsonObject).overrides).toEqual({ strategies: [{ kind: 'stay', name: 's' }] });
  });

  it('a resolved scenario with its derivation (summary.json) loads back to itself', () => {
    const data = json(loadScenario('base', { set: SETS }));
    const path = fileIn(dir, 'resolved.json', JSON.stringify(data));
    expect(json(loadScenario(path))).toEqual(data);
  });

  it('refuses a cycle, a missing base, a non-text extends and a hand-written derivation beside extends', () => {
    fileIn(dir, 'a.yaml', 'extends: b.yaml\n');
    fileIn(dir, 'b.yaml', 'extends: a.yaml\n');
    expect(scenarioErrorOf(() => loadScenario(join(dir, 'a.yaml'))).message).toMatch(/extends itself through .*a\.yaml -> .*b\.yaml -> .*a\.yaml/);
    const missing = scenarioErrorOf(() => loadScenario(fileIn(dir, 'm.yaml', 'extends: nowhere.yaml\n')));
    expect(missing.problems[0]).toMatchObject({ path: 'extends' });
    expect(missing.message).toContain('no such file "nowhere.yaml"');
    expect(scenarioErrorOf(() => loadScenario(fileIn(dir, 'n.yaml', 'extends: 3\n'))).problems[0].path).toBe('extends');
    const both = scenarioErrorOf(() => loadScenario(fileIn(dir, 'd.yaml', 'extends: base\nderivation: { extends: [x], overrides: {} }\n')));
    expect(both.problems[0].path).toBe('derivation');
  });

  it('reports an unknown field of a fragment with a suggestion, and a value out of range with the range', () => {
    const typo = scenarioErrorOf(() => loadScenario(fileIn(dir, 't.yaml', 'extends: base\nhosting: { leaseUsdPerKwMont: 150 }\n')));
    expect(typo.problems[0].message).toContain('did you mean hosting.leaseUsdPerKwMonth?');
    const range = scenarioErrorOf(() => loadScenario(fileIn(dir, 'r.yaml', 'extends: base\nsite: { uptime: 1.5 }\n')));
    expect(range.problems[0]).toMatchObject({ path: 'site.uptime', message: 'is 1.5, above the maximum 1', allowed: 'a number (share 0..1) from 0 to 1' });
  });

  it('reports an unknown field and the bad values beside it at once (the values were hidden until the field was fixed)', () => {
    const both = scenarioErrorOf(() => loadScenario(fileIn(dir, 'both.yaml', 'extends: base\nhosting: { leaseUsdPerKwMont: 150 }\nsite: { uptime: 1.5 }\n')));
    expect(both.problems.map((p) => p.path)).toEqual(['hosting.leaseUsdPerKwMont', 'site.uptime']);
    // Named as a scenario with one problem is: the file, over what it extends.
    expect(both.message.split('\n').every((line) => line.startsWith(`${join(dir, 'both.yaml')} (over base): `))).toBe(true);
    const sets = scenarioErrorOf(() => loadScenario('base', { set: ['market.nope=1', 'hosting.leaseUsdPerKwMonth=-5'] }));
    expect(sets.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([expect.stringMatching(/^market\.nope: unknown field "nope" in market/), 'hosting.leaseUsdPerKwMonth: is -5, below the minimum 0']);
  });
});

describe('--set', () => {
  const problemOf = (...sets: string[]) => scenarioErrorOf(() => loadScenario('base', { set: sets })).problems[0];

  it('suggests the field meant for a path that does not exist', () => {
    expect(problemOf('market.energy.meanUsdPerMWh=60').message).toContain('did you mean market.energy.meanUsdPerMwh?');
    expect(problemOf('energy.meanUsdPerMwh=60').message).toContain('did you mean market.energy.meanUsdPerMwh?');
    expect(problemOf('meanUsdPerMwh=60').message).toContain('did you mean market.energy.meanUsdPerMwh?');
    expect(problemOf('strategies[convert-nw].atMonth=6').message).toContain('did you mean convert-now?');
  });

  it('names the field and its range for a value out of range, and the rule for a value breaking one', () => {
    expect(problemOf('hosting.leaseUsdPerKwMonth=-5')).toEqual({ path: 'hosting.leaseUsdPerKwMonth', message: 'is -5, below the minimum 0', allowed: 'a number in USD/kW-month from 0 to 10000' });
    expect(problemOf('hosting.buildMonths.min=20').message).toContain('must satisfy min <= mode <= max, got min 20');
    expect(problemOf('site.powerMw=lots').message).toBe('expected a number in MW, got the text "lots"');
  });

  it('refuses malformed arguments, missing list entries, paths into a single value and the derivation fields', () => {
    expect(problemOf('hosting').message).toBe('has no "="');
    expect(problemOf('hosting.pue=').message).toBe('has no value after "="');
    expect(problemOf('strategies[9].share=1').message).toBe('strategies has 4 entries, so [9] does not exist');
    expect(problemOf('hosting.pue.x=1').message).toBe('hosting.pue is a single value, not a block with field "x"');
    expect(problemOf('extends=smoke').message).toBe('cannot be set');
    expect(problemOf('derivation.overrides={}').message).toBe('cannot be set');
  });

  it('reads the value as YAML: numbers, text, lists and blocks', () => {
    const data = json(loadScenario('base', { set: ['market.price.model=gbm', 'hosting.buildMonths={min: 6, mode: 9, max: 12}', 'asOf.date=2025-12'] }));
    expect((data.market as JsonObject).price).toMatchObject({ model: 'gbm' });
    expect((data.hosting as JsonObject).buildMonths).toEqual({ min: 6, mode: 9, max: 12 });
    expect((data.asOf as JsonObject).date).toBe('2025-12');
  });
});

describe('source notes', () => {
  it('marks the notes of overridden fields with the new and old value, and leaves the others alone', () => {
    const base = sources(json(loadScenario('base')));
    const notes = sources(json(loadScenario('base', { set: [...SETS, 'asOf.priceUsd=100000'] })));
    expect(notes['market.energy']).toBe(`OVERRIDDEN: market.energy.meanUsdPerMwh = 60 (was 45). The base's note, about its own values: ${base['market.energy']}`);
    expect(notes.hosting).toMatch(/^OVERRIDDEN: hosting\.leaseUsdPerKwMonth = 150 \(was 130\)\./);
    expect(notes.priceUsd).toMatch(/^OVERRIDDEN: asOf\.priceUsd = 100000 \(was 90000\)\./);
    for (const key of ['note', 'market.price', 'site', 'difficulty']) expect(notes[key]).toBe(base[key]);
  });

  it('keeps a note the override writes itself', () => {
    const dir = freshDir();
    const path = fileIn(dir, 'noted.yaml', 'extends: base\nasOf:\n  priceUsd: 100000\n  sources:\n    priceUsd: spot on 2025-12-01, exchange average\n');
    expect(sources(json(loadScenario(path))).priceUsd).toBe('spot on 2025-12-01, exchange average');
  });

  it('takes any text as a note\'s name, spaces, brackets and dots included, in a file and in --set', () => {
    const dir = freshDir();
    const path = fileIn(dir, 'named.yaml', 'extends: base\nasOf:\n  sources:\n    "BTC price (Nov 2025)": exchange average\n');
    expect(sources(json(loadScenario(path)))['BTC price (Nov 2025)']).toBe('exchange average');
    const set = sources(json(loadScenario('base', { set: ['asOf.sources.power [PPA] v2.1=the contract'] })));
    expect(set['power [PPA] v2.1']).toBe('the contract');
  });
});
