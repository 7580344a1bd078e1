// Scenario loading and validation: presets load, defaults fill in, and every kind of bad input gives
// a ScenarioError that names the field and says what is allowed (and only that one problem).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cholesky } from '../engine/cholesky.js';
import { closestName } from '../scenarios/closestName.js';
import { schemaMarkdown } from '../scenarios/docs.js';
import { listPresets, loadScenario, parseScenario, resolvedScenarioJson, type JsonValue } from '../scenarios/load.js';
import { packageRoot } from '../scenarios/packageRoot.js';
import { parseScenarioText } from '../scenarios/scenarioText.js';
import { scenarioErrorOf } from './scenarioErrorOf.js';
import { scenarioSchema } from '../scenarios/schema.js';

const AS_OF = {
  date: '2025-11',
  blockHeight: 921000,
  difficulty: 1.5e14,
  networkHashrateEhs: 1070,
  priceUsd: 90000,
  feesBtcPerBlock: 0.025,
  energyUsdPerMwh: 45,
};

const IDENTITY_5 = [0, 1, 2, 3, 4].map((i) => [0, 1, 2, 3, 4].map((j) => (i === j ? 1 : 0)));

/** A small valid scenario the malformed cases start from. */
function validRaw(): Record<string, any> {
  return {
    name: 'test',
    asOf: { ...AS_OF },
    market: { price: { volatilityPerYear: 0.5 }, correlation: IDENTITY_5.map((row) => [...row]) },
    site: { powerMw: 100 },
    hosting: { buildMonths: { min: 9, mode: 12, max: 18 } },
    strategies: [
      { kind: 'stay', name: 'stay' },
      { kind: 'convert', name: 'convert-now', atMonth: 0, share: 1 },
    ],
  };
}

const tempDir = mkdtempSync(join(tmpdir(), 'hashpivot-scenarios-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

function tempFile(name: string, content: string): string {
  const path = join(tempDir, name);
  writeFileSync(path, content);
  return path;
}

/** Key paths of every leaf of a JSON value (lists of numbers count as leaves). */
function leafPaths(value: JsonValue, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) {
    if (value.every((item) => typeof item !== 'object' || Array.isArray(item))) return [prefix];
    return value.flatMap((item, index) => leafPaths(item, [...prefix, index]));
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, child]) => leafPaths(child, [...prefix, key]));
  }
  return [prefix];
}

function hasPath(raw: unknown, path: readonly (string | number)[]): boolean {
  let value: any = raw;
  for (const key of path) {
    value = value?.[key];
    if (value === undefined) return false;
  }
  return true;
}

describe('presets', () => {
  const presets = listPresets();

  it('lists the shipped presets sorted by name, each with a one-line description', () => {
    const names = presets.map((p) => p.name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['base', 'bear-2028-halving', 'ai-winter', 'cheap-power', 'smoke']));
    for (const preset of presets) {
      expect(preset.description.length).toBeGreaterThan(20);
      expect(preset.description).not.toContain('\n');
    }
  });

  it.each(presets.map((p) => p.name))('%s loads, validates and states its as-of date and sources', (name) => {
    const scenario = loadScenario(name);
    expect(scenario.name).toBe(name);
    expect(scenario.asOf.date).toMatch(/^\d{4}-\d{2}$/);
    expect(Object.keys(scenario.asOf.sources).length).toBeGreaterThan(0);
    expect(cholesky(scenario.market.correlation)).not.toBeNull();
    expect(scenario.strategies.length).toBeGreaterThan(0);
  });

  it('base compares stay, convert now, convert in 12 months and a 50% hybrid', () => {
    const strategies = loadScenario('base').strategies.map((s) => ({
      kind: s.kind,
      name: s.name,
      atMonth: 'atMonth' in s ? s.atMonth : undefined,
      share: 'share' in s ? s.share : undefined,
      operate: 'operate' in s ? s.operate : undefined,
    }));
    expect(strategies).toEqual([
      { kind: 'stay', name: 'stay', atMonth: undefined, share: undefined, operate: undefined },
      { kind: 'convert', name: 'convert-now', atMonth: 0, share: 1, operate: 'lease' },
      { kind: 'convert', name: 'convert-12m', atMonth: 12, share: 1, operate: 'lease' },
      { kind: 'hybrid', name: 'hybrid-50', atMonth: 0, share: 0.5, operate: 'lease' },
    ]);
  });

  it('base writes every field explicitly and says its figures are approximate', () => {
    const file = join(packageRoot(), 'scenarios', 'presets', 'base.yaml');
    const raw = parseScenarioText(readFileSync(file, 'utf8'), 'yaml', file);
    const missing = leafPaths(resolvedScenarioJson(loadScenario('base'))).filter((path) => !hasPath(raw, path)).map((path) => path.join('.'));
    expect(missing).toEqual([]);
    expect(loadScenario('base').asOf.sources.note).toMatch(/approximate/i);
  });

  it('base values are the schema defaults, so the other presets are "base plus their overrides"', () => {
    const base = loadScenario('base');
    const defaults = parseScenario({ asOf: base.asOf }, 'defaults');
    for (const key of ['horizonMonths', 'discountRatePerYear', 'market', 'site', 'hosting', 'terminalValue'] as const) {
      expect(base[key], key).toEqual(defaults[key]);
    }
  });

  it('the bear, AI-winter and cheap-power presets change what their names say', () => {
    const base = loadScenario('base');
    const bear = loadScenario('bear-2028-halving');
    expect(bear.market.price.driftPerYear).toBeLessThan(0);
    expect(bear.market.price.volatilityPerYear).toBeGreaterThan(base.market.price.volatilityPerYear);
    expect(bear.market.price.jumpMeanLog).toBeLessThan(base.market.price.jumpMeanLog);
    const winter = loadScenario('ai-winter');
    expect(winter.asOf.aiDemandIndex).toBeLessThan(1);
    expect(winter.market.aiDemand.winterHazardPerYear).toBeGreaterThan(base.market.aiDemand.winterHazardPerYear);
    expect(winter.hosting.leaseUsdPerKwMonth).toBeLessThan(base.hosting.leaseUsdPerKwMonth);
    const cheap = loadScenario('cheap-power');
    expect(cheap.market.energy.meanUsdPerMwh).toBeLessThanOrEqual(30);
    expect(cheap.site.ppaShare).toBeGreaterThan(0);
    expect(loadScenario('smoke').horizonMonths).toBe(24);
  });
});

describe('defaults and the resolved scenario', () => {
  it('fills in every default when only asOf is given', () => {
    const scenario = parseScenario({ asOf: AS_OF }, 'minimal.yaml');
    expect(scenario.name).toBe('custom');
    expect(scenario.horizonMonths).toBe(120);
    expect(scenario.asOf.aiDemandIndex).toBe(1);
    expect(scenario.asOf.sources).toEqual({});
    expect(scenario.market.price.volatilityPerYear).toBe(0.5);
    expect(scenario.market.correlation[0]).toEqual([1, 0.3, 0.3, 0, 0.2]);
    expect(scenario.site.powerMw).toBe(100);
    expect(scenario.hosting.buildMonths).toEqual({ min: 9, mode: 12, max: 18 });
    expect(scenario.strategies.map((s) => s.name)).toEqual(['stay', 'convert-now']);
    expect(scenario.strategies[0]).toMatchObject({ kind: 'stay', refreshEveryMonths: 0, curtail: true });
  });

  it('fills defaults inside a partly written block and a strategy', () => {
    const scenario = parseScenario({ asOf: AS_OF, market: { price: { driftPerYear: -0.1 } }, strategies: [{ kind: 'hybrid', name: 'h' }] }, 'partial.yaml');
    expect(scenario.market.price).toEqual({ model: 'merton', driftPerYear: -0.1, volatilityPerYear: 0.5, jumpsPerYear: 1, jumpMeanLog: -0.1, jumpSdLog: 0.15 });
    expect(scenario.strategies[0]).toEqual({ kind: 'hybrid', name: 'h', atMonth: 0, share: 0.5, operate: 'lease', curtail: true });
  });

  it('resolvedScenarioJson is plain JSON with keys in schema order, whatever order the input used', () => {
    const shuffled = { strategies: [{ share: 0.5, name: 'h', kind: 'hybrid' }], site: { uptime: 0.9, powerMw: 50 }, asOf: { ...AS_OF } };
    const ordered = { asOf: { ...AS_OF }, site: { powerMw: 50, uptime: 0.9 }, strategies: [{ kind: 'hybrid', name: 'h', share: 0.5 }] };
    const a = resolvedScenarioJson(parseScenario(shuffled, 'a'));
    const b = resolvedScenarioJson(parseScenario(ordered, 'b'));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
    // Every field but the optional extends (resolved on load) and derivation (written by the loader).
    expect(Object.keys(a)).toEqual(Object.keys(scenarioSchema.shape).filter((key) => key !== 'extends' && key !== 'derivation'));
    expect(Object.keys(a.site as object).slice(0, 3)).toEqual(['powerMw', 'efficiencyJPerTh', 'uptime']);
    expect(Object.keys((a.strategies as JsonValue[])[0] as object)).toEqual(['kind', 'name', 'atMonth', 'share', 'operate', 'curtail']);
    // The resolved scenario validates to itself: a summary.json can be re-run as a scenario.
    expect(resolvedScenarioJson(parseScenario(a, 'summary.json'))).toEqual(a);
  });
});

interface MalformedCase {
  what: string;
  change: (raw: Record<string, any>) => unknown;
  path: string;
  message: RegExp;
  allowed: RegExp;
}

const MALFORMED: MalformedCase[] = [
  {
    what: 'negative volatility',
    change: (raw) => { raw.market.price.volatilityPerYear = -0.2; },
    path: 'market.price.volatilityPerYear',
    message: /-0\.2, below the minimum 0/,
    allowed: /1\/yr from 0 to 5/,
  },
  {
    what: 'correlation matrix not positive definite',
    change: (raw) => {
      raw.market.correlation = [
        [1, 0.9, 0.9, 0, 0],
        [0.9, 1, -0.9, 0, 0],
        [0.9, -0.9, 1, 0, 0],
        [0, 0, 0, 1, 0],
        [0, 0, 0, 0, 1],
      ];
    },
    path: 'market.correlation',
    message: /not positive definite.*price, hashrate, fees/,
    allowed: /positive definite/,
  },
  {
    what: 'non-symmetric correlation',
    change: (raw) => { raw.market.correlation[0][1] = 0.3; raw.market.correlation[1][0] = 0.5; },
    path: 'market.correlation[0][1]',
    message: /0\.3 but market\.correlation\[1\]\[0\] is 0\.5.*not symmetric/,
    allowed: /same value in \[0\]\[1\] and \[1\]\[0\].*price with hashrate/,
  },
  {
    what: 'correlation diagonal not 1',
    change: (raw) => { raw.market.correlation[3][3] = 0.9; },
    path: 'market.correlation[3][3]',
    message: /energy with itself\) is 0\.9/,
    allowed: /^1/,
  },
  {
    what: 'correlation entry outside [-1, 1]',
    change: (raw) => { raw.market.correlation[0][4] = 1.2; },
    path: 'market.correlation[0][4]',
    message: /1\.2, above the maximum 1/,
    allowed: /-1 to 1/,
  },
  {
    what: 'unknown field (typo powr)',
    change: (raw) => { raw.site = { powr: 100 }; },
    path: 'site.powr',
    message: /unknown field "powr" \(did you mean powerMw\?\)/,
    allowed: /fields of site: powerMw, efficiencyJPerTh/,
  },
  {
    what: 'unknown top-level field',
    change: (raw) => { raw.horizon = 60; },
    path: 'horizon',
    message: /did you mean horizonMonths\?/,
    allowed: /asOf.*horizonMonths.*strategies/,
  },
  {
    what: 'a unit written into a number ("100 MW")',
    change: (raw) => { raw.site.powerMw = '100 MW'; },
    path: 'site.powerMw',
    message: /expected a number in MW, got the text "100 MW"/,
    allowed: /a number in MW, > 0 and <= 100000.*write 100/,
  },
  {
    what: 'missing asOf',
    change: (raw) => { delete raw.asOf; },
    path: 'asOf',
    message: /required but missing: observed state/,
    allowed: /date \(YYYY-MM\), blockHeight \(blocks\).*priceUsd \(USD\/BTC\)/,
  },
  {
    what: 'missing required asOf field',
    change: (raw) => { delete raw.asOf.priceUsd; },
    path: 'asOf.priceUsd',
    message: /required but missing: BTC price/,
    allowed: /number in USD\/BTC, > 0/,
  },
  {
    what: 'share outside [0, 1]',
    change: (raw) => { raw.strategies[1].share = 1.5; },
    path: 'strategies[1].share',
    message: /1\.5, above the maximum 1/,
    allowed: /from 0 to 1/,
  },
  {
    what: 'bad asOf.date month',
    change: (raw) => { raw.asOf.date = '2025-13'; },
    path: 'asOf.date',
    message: /"2025-13".*YYYY-MM, e\.g\. 2025-11/,
    allowed: /YYYY-MM/,
  },
  {
    what: 'asOf.date in another format',
    change: (raw) => { raw.asOf.date = '11/2025'; },
    path: 'asOf.date',
    message: /"11\/2025".*YYYY-MM/,
    allowed: /YYYY-MM/,
  },
  {
    what: 'duplicate strategy names',
    change: (raw) => { raw.strategies.push({ kind: 'hybrid', name: 'stay' }); },
    path: 'strategies[2].name',
    message: /"stay" is already the name of strategies\[0\]/,
    allowed: /name no other strategy/,
  },
  {
    what: 'build months min > mode',
    change: (raw) => { raw.hosting.buildMonths = { min: 15, mode: 12, max: 18 }; },
    path: 'hosting.buildMonths',
    message: /min <= mode <= max, got min 15, mode 12, max 18/,
    allowed: /min <= mode <= max, in months/,
  },
  {
    what: 'build months out of order through a default',
    change: (raw) => { raw.hosting.buildMonths = { max: 6 }; },
    path: 'hosting.buildMonths',
    message: /mode 12 \(default\), max 6/,
    allowed: /min <= mode <= max/,
  },
  {
    what: 'unknown strategy kind',
    change: (raw) => { raw.strategies[0].kind = 'sell'; },
    path: 'strategies[0].kind',
    message: /unknown strategy kind "sell"/,
    allowed: /one of stay, convert, hybrid, trigger/,
  },
  {
    what: 'misspelt strategy kind',
    change: (raw) => { raw.strategies[0].kind = 'hybird'; },
    path: 'strategies[0].kind',
    message: /did you mean hybrid\?/,
    allowed: /one of stay, convert, hybrid, trigger/,
  },
  {
    what: 'strategy without a name',
    change: (raw) => { delete raw.strategies[1].name; },
    path: 'strategies[1].name',
    message: /required but missing/,
    allowed: /text, 1 to 60 characters/,
  },
  {
    what: 'no strategies',
    change: (raw) => { raw.strategies = []; },
    path: 'strategies',
    message: /has 0 entries, needs at least 1/,
    allowed: /1 to 32 strategies/,
  },
  {
    what: 'fractional horizon',
    change: (raw) => { raw.horizonMonths = 1.5; },
    path: 'horizonMonths',
    message: /1\.5 is not a whole number/,
    allowed: /whole number in months from 1 to 600/,
  },
  {
    what: 'misspelt choice',
    change: (raw) => { raw.market.price.model = 'gmb'; },
    path: 'market.price.model',
    message: /"gmb" \(did you mean gbm\?\)/,
    allowed: /one of merton, gbm/,
  },
  {
    what: 'an empty YAML value',
    change: (raw) => { raw.site = null; },
    path: 'site',
    message: /expected an object, got an empty value/,
    allowed: /powerMw \(MW\)/,
  },
  {
    what: 'a list instead of a scenario',
    change: () => [validRaw()],
    path: '(top level)',
    message: /must be an object/,
    allowed: /required fields asOf/,
  },
];

describe('malformed scenarios', () => {
  it.each(MALFORMED)('$what: one problem at $path saying what is allowed', ({ change, path, message, allowed }) => {
    const raw = validRaw();
    const replaced = change(raw);
    const error = scenarioErrorOf(() => parseScenario(replaced ?? raw, 'bad.yaml'));
    expect(error.problems, error.message).toHaveLength(1);
    const [problem] = error.problems;
    expect(problem.path).toBe(path);
    expect(problem.message).toMatch(message);
    expect(problem.allowed).toMatch(allowed);
    expect(error.message).toBe(`bad.yaml: ${path}: ${problem.message} (allowed: ${problem.allowed})`);
  });

  it('the valid starting point of these cases is itself valid', () => {
    expect(() => parseScenario(validRaw(), 'good.yaml')).not.toThrow();
  });

  it('reports every problem in a file at once, one line each', () => {
    const path = tempFile(
      'many.yaml',
      [
        'asOf:',
        '  date: 2025/11',
        '  blockHeight: 921000',
        '  difficulty: 1.5e14',
        '  networkHashrateEhs: 1070',
        '  feesBtcPerBlock: 0.025',
        '  energyUsdPerMwh: 45',
        'market:',
        '  price: { volatilityPerYear: -1 }',
        '  correlation:',
        '    - [1, 0.3, 0, 0, 0]',
        '    - [0.2, 1, 0, 0, 0]',
        '    - [0, 0, 1, 0, 0]',
        '    - [0, 0, 0, 1, 0]',
        '    - [0, 0, 0, 0, 1]',
        'site: { powr: 100, uptime: "95%" }',
        'strategies:',
        '  - { kind: stay, name: a }',
        '  - { kind: sell, name: b }',
        '  - { kind: convert, name: a, share: 2 }',
        '',
      ].join('\n'),
    );
    const error = scenarioErrorOf(() => loadScenario(path));
    const paths = error.problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'asOf.date',
        'asOf.priceUsd',
        'market.price.volatilityPerYear',
        'market.correlation[0][1]',
        'site.powr',
        'site.uptime',
        'strategies[1].kind',
        'strategies[2].share',
        'strategies[2].name',
      ]),
    );
    expect(error.problems).toHaveLength(9);
    const lines = error.message.split('\n');
    expect(lines).toHaveLength(9);
    for (const line of lines) expect(line).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\S+: .+ \\(allowed: .+\\)$`));
  });
});

describe('reading files', () => {
  it('loads .yaml, .yml and .json files by path', () => {
    const yaml = tempFile('ok.yaml', `asOf: ${JSON.stringify(AS_OF)}\nhorizonMonths: 36\n`);
    const yml = tempFile('ok.yml', `asOf: ${JSON.stringify(AS_OF)}\n`);
    const json = tempFile('ok.json', JSON.stringify({ asOf: AS_OF, site: { powerMw: 20 } }));
    expect(loadScenario(yaml).horizonMonths).toBe(36);
    expect(loadScenario(yml).asOf.date).toBe('2025-11');
    expect(loadScenario(json).site.powerMw).toBe(20);
  });

  it('refuses a custom tag such as !!js/function and never evaluates it', () => {
    const path = tempFile('tag.yaml', 'name: !!js/function "function () { globalThis.__hashpivotPwned = true; }"\n');
    const error = scenarioErrorOf(() => loadScenario(path));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatchObject({ path: 'line 1, column 7', message: 'the tag !!js/function is refused' });
    expect(error.problems[0].allowed).toMatch(/without ! or !! tags/);
    expect((globalThis as Record<string, unknown>).__hashpivotPwned).toBeUndefined();
  });

  it('refuses local tags and YAML 1.1 tags too', () => {
    const error = scenarioErrorOf(() => loadScenario(tempFile('tags.yaml', 'name: !custom x\ndescription: !!binary aGk=\n')));
    expect(error.problems.map((p) => p.message)).toEqual(['the tag !custom is refused', 'the tag !!binary is refused']);
  });

  it('refuses a duplicate key, naming it and its line', () => {
    const path = tempFile('dup.yaml', `asOf: ${JSON.stringify(AS_OF)}\nsite:\n  powerMw: 100\n  powerMw: 200\n`);
    const error = scenarioErrorOf(() => loadScenario(path));
    expect(error.problems).toEqual([
      { path: 'line 4, column 3', message: 'duplicate key "powerMw"', allowed: expect.stringMatching(/each key at most once/) },
    ]);
  });

  it('says a missing file does not exist', () => {
    const error = scenarioErrorOf(() => loadScenario(join(tempDir, 'nope.yaml')));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatchObject({ path: '(file)', message: 'no such file' });
    expect(error.problems[0].allowed).toMatch(/preset name \(.*base.*\)/);
  });

  it('hints at the presets when a name is neither a preset nor a file', () => {
    const error = scenarioErrorOf(() => loadScenario('bsae'));
    const names = listPresets().map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['ai-winter', 'base', 'bench', 'smoke']));
    expect(error.message.startsWith(`bsae: (file): no preset or file named "bsae" (allowed: a preset name (${names.join(', ')})`)).toBe(true);
  });

  it.each([
    ['empty.yaml', ''],
    ['blank.yaml', '  \n\n'],
    ['comments.yaml', '# nothing but a comment\n'],
    ['empty.json', ''],
  ])('says %s is empty', (name, content) => {
    const error = scenarioErrorOf(() => loadScenario(tempFile(name, content)));
    expect(error.problems).toEqual([{ path: '(file)', message: 'the file is empty (or holds only comments)', allowed: expect.stringMatching(/asOf/) }]);
  });

  it('reports YAML and JSON syntax errors with their position', () => {
    const yaml = scenarioErrorOf(() => loadScenario(tempFile('syntax.yaml', 'asOf: [1, 2\n')));
    expect(yaml.problems[0].path).toMatch(/^line \d+, column \d+$/);
    const json = scenarioErrorOf(() => loadScenario(tempFile('syntax.json', '{\n  "asOf": {,}\n}')));
    expect(json.problems[0]).toMatchObject({ path: 'line 2, column 12' });
    expect(json.problems[0].message).toMatch(/not valid JSON/);
  });

  it('refuses unsupported file types and directories', () => {
    expect(scenarioErrorOf(() => loadScenario(tempFile('scenario.txt', 'asOf: {}'))).problems[0].message).toMatch(/unsupported file type "\.txt"/);
    const dir = join(tempDir, 'folder.yaml');
    mkdirSync(dir);
    expect(scenarioErrorOf(() => loadScenario(dir)).problems[0].message).toMatch(/is a folder/);
  });

  it('reports schema problems found in a file against the file name', () => {
    const path = tempFile('powr.yaml', `asOf: ${JSON.stringify(AS_OF)}\nsite:\n  powr: 100\n`);
    expect(scenarioErrorOf(() => loadScenario(path)).message).toBe(
      `${path}: site.powr: unknown field "powr" (did you mean powerMw?) (allowed: fields of site: ${Object.keys(loadScenario('base').site).join(', ')})`,
    );
  });
});

describe('closestName', () => {
  it.each([
    ['powr', ['powerMw', 'poolFee', 'uptime'], 'powerMw'],
    ['power_mw', ['powerMw', 'poolFee'], 'powerMw'],
    ['gmb', ['merton', 'gbm'], 'gbm'],
    ['horizon', ['horizonMonths', 'name'], 'horizonMonths'],
    ['x', ['pue', 'share'], undefined],
    ['completelyDifferent', ['powerMw'], undefined],
  ])('%s -> %s', (given, candidates, expected) => {
    expect(closestName(given, candidates)).toBe(expected);
  });
});

describe('SCHEMA.md', () => {
  it('documents every field with unit, default and range', () => {
    const markdown = schemaMarkdown();
    expect(markdown).toContain('| `market.price.volatilityPerYear` | 1/yr | `0.5` | number, 0 to 5 |');
    expect(markdown).toContain('| `site.powerMw` | MW | `100` | number, > 0 and <= 100000 |');
    expect(markdown).toContain('| `asOf.priceUsd` | USD/BTC | **required** |');
    expect(markdown).toContain('`strategies[kind=trigger].forMonths`');
  });

  it('the committed scenarios/SCHEMA.md is up to date (regenerate: npm run schema-doc)', () => {
    const committed = readFileSync(join(packageRoot(), 'scenarios', 'SCHEMA.md'), 'utf8');
    expect(committed).toBe(schemaMarkdown());
  });
});
