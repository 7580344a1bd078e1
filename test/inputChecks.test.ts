// Issue #10, root causes 7 and 8: expected errors in the tool's one-line format, and input checks
// that are not lax (duplicate JSON keys, strategy names that print alike, a hashrate and difficulty
// that disagree, flags with their limits stated, --help after a command).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, ScenarioError } from '../scenarios/load.js';
import { parseScenarioText } from '../scenarios/scenarioText.js';
import { scenarioWarnings } from '../scenarios/scenarioWarnings.js';
import { cli, freshDir } from './cliHarness.js';

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as ScenarioError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('accepted');
}

describe('expected errors are one line (issue #10, root cause 7)', () => {
  it('a YAML alias bomb is a scenario problem and exit 1, not a stack trace', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    const file = join(freshDir(), 'bomb.yaml');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = cli(['validate', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bomb\.yaml: \(file\): its aliases \(\*name\) expand too far/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('an alias with no anchor before it is named as that, not as an expansion too far', () => {
    expect(problemsOf(() => parseScenarioText('extends: smoke\nname: *nm\n', 'yaml', 'a.yaml'))).toEqual(['(file): the alias *nm refers to no anchor &nm before it']);
  });
});

describe('input checks (issue #10, root cause 8)', () => {
  it('lists and mappings nested thousands deep are a scenario problem and exit 1, not a stack trace', () => {
    const dir = freshDir();
    const deep = join(dir, 'deep.json');
    writeFileSync(deep, `{"extends": "smoke", "asOf": {"sources": ${'{"a": '.repeat(3000)}1${'}'.repeat(3000)}}}`);
    const json = cli(['validate', deep]);
    expect(json.status).toBe(1);
    expect(json.stderr).toContain('deep.json: (file): lists and mappings nest more than 64 levels deep (allowed: lists and mappings at most 64 levels deep (a scenario needs about 6))');
    const yaml = cli(['validate', 'smoke', '--set', `market.price.driftPerYear=${'['.repeat(20_000)}${']'.repeat(20_000)}`]);
    expect(yaml.status).toBe(1);
    expect(yaml.stderr).toMatch(/--set market\.price\.driftPerYear: line 1, column \d+: lists and mappings nest too deeply to parse/);
    expect(cli(['validate', 'smoke', '--set', `market.price.driftPerYear=${'['.repeat(100)}${']'.repeat(100)}`]).stderr).toContain('nest more than 64 levels deep');
    // Unclosed: the depth problem alone, not ~800 copies of the parse errors it leaves behind.
    const unclosed = cli(['validate', 'smoke', '--set', `market.price.driftPerYear=${'['.repeat(100_000)}`]);
    expect(unclosed.status).toBe(1);
    expect(unclosed.stderr.trim().split('\n')).toEqual(['Scenario has 1 problem:', expect.stringMatching(/nest too deeply to parse/)]);
  });

  it('a file of YAML syntax errors lists the first 20 and counts the rest, each token quoted cut short', () => {
    const path = join(freshDir(), 'broken.yaml');
    writeFileSync(path, `extends: smoke\n]${'x'.repeat(5000)}\n${Array.from({ length: 500 }, (_, i) => `k${i}: [1, 2\n`).join('')}`);
    const r = cli(['validate', path]);
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.length).toBeLessThanOrEqual(22); // was 501 lines
    expect(lines.at(-1)).toMatch(/broken\.yaml: \(file\): [\d,]+ more YAML syntax errors, not listed/);
    expect(r.stderr).toMatch(/Unexpected scalar token in YAML stream: "x{100,}\.\.\. \(5,0\d\d characters\)/);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(400); // was 5,000+
  });

  it('a long text where a scenario or a number goes is quoted cut short, with its length', () => {
    const file = join(freshDir(), 'prose.yaml');
    writeFileSync(file, `${'word '.repeat(2000)}\n`);
    const r = cli(['validate', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`got the text "${'word '.repeat(16)}..." (9,999 characters)`);
    expect(r.stderr.length).toBeLessThan(1000);
  });

  it('--set PATH=null (or ~) says the value reads as nothing, not that "the file is empty"', () => {
    for (const value of ['null', '~', '# nothing']) {
      expect(problemsOf(() => loadScenario('smoke', { set: [`market.price=${value}`] }))).toEqual([
        `market.price: has no value after "=" (${JSON.stringify(value)} reads as nothing); a field cannot be unset: leave its --set out for its default`,
      ]);
    }
  });

  it('refuses a repeated key in a JSON scenario, as in YAML', () => {
    expect(problemsOf(() => parseScenarioText('{"name": "a",\n "name": "b"}', 'json', 'x.json'))).toEqual(['line 2, column 2: duplicate key "name"']);
  });

  it('refuses strategy names that differ only by case or spaces', () => {
    const dir = freshDir();
    const file = join(dir, 'names.yaml');
    writeFileSync(file, 'extends: smoke\nstrategies:\n  - {kind: stay, name: stay}\n  - {kind: stay, name: "Stay "}\n');
    expect(problemsOf(() => loadScenario(file))).toEqual([
      'strategies[1].name: "Stay " differs from the name of strategies[0], "stay", only by case or spaces: the two would print as the same row',
    ]);
  });

  it('warns when the hashrate and the difficulty disagree by more than a factor 3 (H = D x 2^32 / 600 s), guessing the unit slip', () => {
    expect(scenarioWarnings(loadScenario('base'))).toEqual([]);
    const [warning, ...rest] = scenarioWarnings(loadScenario('base', { set: ['asOf.networkHashrateEhs=1070000'] }));
    expect(rest).toEqual([]);
    expect(warning.path).toBe('asOf.networkHashrateEhs with asOf.difficulty');
    expect(warning.message).toMatch(/1070000 EH\/s is 1\.0e\+3 times the 1\.07e\+3 EH\/s .*typed in PH\/s/);
    expect(scenarioWarnings(loadScenario('base', { set: ['asOf.difficulty=150'] }))[0].message).toMatch(/difficulty 150 implies/);
    const r = cli(['validate', 'base', '--set', 'asOf.difficulty=150']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('base: warning: asOf.networkHashrateEhs with asOf.difficulty: ');
  });

  it('warns of a site that is a large part of the network, a conversion at or after the horizon, and a price row bootstrap does not impose', () => {
    // 100 MW at 18 J/TH is 100 / 18 EH/s; at 3,000 MW, 167 EH/s: 15.6% of base's 1,070 EH/s.
    const [large] = scenarioWarnings(loadScenario('base', { set: ['site.powerMw=3000'] }));
    expect(large.path).toBe('site.powerMw with site.efficiencyJPerTh and asOf.networkHashrateEhs');
    expect(large.message).toContain(`the site's ${(3000 / 18).toPrecision(3)} EH/s are ${((100 * 3000) / 18 / 1070).toPrecision(3)}% of the network's 1070 EH/s`);
    const [late, ...none] = scenarioWarnings(loadScenario('base', { set: ['horizonMonths=12'] }));
    expect(none).toEqual([]);
    expect(late).toMatchObject({ path: 'strategies[2].atMonth', message: expect.stringContaining('convert-12m never converts within it') });
    // The price's correlation with AI demand: 0.2 is the default's, 0.9 one bootstrap does not impose.
    const bootstrap = (c: number) => scenarioWarnings(loadScenario('base', { set: ['market.price.model=bootstrap', `market.correlation=[[1,0.3,0.3,0,${c}],[0.3,1,0,0,0],[0.3,0,1,0,0],[0,0,0,1,0],[${c},0,0,0,1]]`] }));
    expect(bootstrap(0.2)).toEqual([]);
    const [row] = bootstrap(0.9);
    expect(row.path).toBe('market.correlation');
    expect(row.message).toMatch(/^its price row \(hashrate 0\.3, fees 0\.3, energy 0, aiDemand 0\.9\) is not imposed by model bootstrap/);
  });

  it('a key named __proto__ is refused, in a file or a --set, not dropped on the way to summary.json (a note under asOf.sources was)', () => {
    const allowed = 'keys that name fields or notes; "__proto__" is reserved in JavaScript';
    expect(problemsOf(() => parseScenarioText('extends: smoke\nasOf:\n  sources:\n    __proto__: a note\n', 'yaml', 'a.yaml'))).toEqual(['(file): a key is named "__proto__"']);
    expect(problemsOf(() => parseScenarioText('{"asOf": {"sources": {"__proto__": "a note"}}}', 'json', 'a.json'))).toEqual(['(file): a key is named "__proto__"']);
    expect(problemsOf(() => loadScenario('smoke', { set: ['asOf.sources.__proto__=a note'] }))).toEqual(['asOf.sources.__proto__: names a key "__proto__"']);
    const r = cli(['validate', 'smoke', '--set', 'asOf.sources={__proto__: a note}']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(allowed);
  });

  it('validate reads the files a scenario names, as run does: a missing policy file or bootstrap history is exit 1, not "valid"', () => {
    const dir = freshDir();
    const policy = join(dir, 'policy.yaml');
    writeFileSync(policy, `extends: smoke\nstrategies:\n  - { kind: stay, name: stay }\n  - { kind: policy, name: applied, file: ${join(dir, 'missing-policy.json')} }\n`);
    const refused = cli(['validate', policy]);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toBe('');
    // One line, as run gives it: validate reads the files outside run's wrapper, and threw them as a stack trace.
    expect(refused.stderr).toBe(`hashpivot: strategies[1].file ${join(dir, 'missing-policy.json')}: no such file; give the path of a policy-NAME.json a run wrote\n`);
    const history = join(dir, 'history.yaml');
    writeFileSync(history, `extends: smoke\nmarket:\n  price:\n    model: bootstrap\n    bootstrap: { file: ${join(dir, 'missing.csv')} }\n`);
    const missing = cli(['validate', history]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^hashpivot: market\.price\.bootstrap\.file \S*missing\.csv: [^\n]*\n$/);
    // A history with too few months is the bootstrap's own error (ModelInputError), one line too.
    const short = join(dir, 'short.csv');
    writeFileSync(short, 'date,price\n2020-01-31,9000\n');
    const oneRow = join(dir, 'one-row.yaml');
    writeFileSync(oneRow, `extends: smoke\nmarket:\n  price:\n    model: bootstrap\n    bootstrap: { file: ${short} }\n`);
    const tooShort = cli(['validate', oneRow]);
    expect(tooShort.status).toBe(1);
    expect(tooShort.stderr).toMatch(/^hashpivot: market\.price\.bootstrap\.file \S*short\.csv: no whole month's return in the file[^\n]*\n$/);
  });

  it("a policy file's (and a bootstrap history's) relative path is read from the scenario file's folder, like extends; an absolute one as it is", () => {
    const dir = freshDir();
    mkdirSync(join(dir, 'site'));
    mkdirSync(join(dir, 'variants'));
    writeFileSync(join(dir, 'site', 'policy-optimal.json'), '{}');
    writeFileSync(join(dir, 'site', 'applied.yaml'), 'extends: smoke\nstrategies:\n  - { kind: stay, name: stay }\n  - { kind: policy, name: applied, file: policy-optimal.json }\n');
    // From another working folder, the file beside the scenario is found (and read: "{}" is no policy).
    const found = cli(['validate', join('site', 'applied.yaml')], { cwd: dir });
    expect(found.status).toBe(1);
    expect(found.stderr).toContain(`strategies[1].file ${join('site', 'policy-optimal.json')}: format is not "hashpivot-switch-policy`);
    // Inherited through extends, it stays relative to the file that wrote it.
    writeFileSync(join(dir, 'variants', 'cheap.yaml'), 'extends: ../site/applied.yaml\nhorizonMonths: 24\n');
    expect(cli(['validate', join(dir, 'variants', 'cheap.yaml')]).stderr).toContain(`${join('site', 'policy-optimal.json')}: format is not`);
    // An absolute path, and a --set from the command line (relative to the working folder), as they are.
    const absolute = join(dir, 'elsewhere.json');
    writeFileSync(join(dir, 'variants', 'absolute.yaml'), `extends: ../site/applied.yaml\nstrategies:\n  - { kind: policy, name: applied, file: ${absolute} }\n`);
    expect(cli(['validate', join(dir, 'variants', 'absolute.yaml')]).stderr).toContain(`strategies[0].file ${absolute}: no such file`);
    expect(cli(['validate', join('site', 'applied.yaml'), '--set', 'strategies[applied].file=here.json'], { cwd: dir }).stderr).toContain('strategies[1].file here.json: no such file');
    // A bootstrap history the same way.
    writeFileSync(join(dir, 'site', 'prices.csv'), 'date,close\n2020-01-31,abc\n');
    writeFileSync(join(dir, 'site', 'history.yaml'), 'extends: smoke\nmarket:\n  price:\n    model: bootstrap\n    bootstrap: { file: prices.csv }\n');
    expect(cli(['validate', join('site', 'history.yaml')], { cwd: dir }).stderr).toContain(`market.price.bootstrap.file ${join('site', 'prices.csv')}: no numeric column`);
  });

  it('a policy file is read bounded: a folder or a pipe is refused by name, never waited on', () => {
    const dir = freshDir();
    const fifo = join(dir, 'policy.fifo');
    execFileSync('mkfifo', [fifo]);
    for (const [file, problem] of [[dir, 'is a folder, not a file'], [fifo, 'is a pipe (FIFO), not a regular file']]) {
      const r = cli(['validate', 'smoke', '--set', `strategies=[{kind: policy, name: applied, file: ${file}}]`]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`strategies[0].file ${file}: ${problem}; give the path of a policy-NAME.json a run wrote`);
    }
  });

  it('a policy file with a key twice in one object is refused where it repeats (JSON.parse would keep the last)', () => {
    const dir = freshDir();
    const file = join(dir, 'policy.json');
    writeFileSync(file, '{"format": "x",\n "format": "hashpivot-switch-policy"}');
    const r = cli(['validate', 'smoke', '--set', `strategies=[{kind: policy, name: applied, file: ${file}}]`]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`strategies[0].file ${file}: line 2, column 2: the key "format" appears twice in one object; keep one`);
  });

  it('a flag that takes one value, given twice, is a usage error (the last one won: --out a --out b wrote only b); so is a negative number', () => {
    for (const [args, message] of [
      [['run', 'smoke', '--trials', '5', '--trials', '6'], '--trials is given twice: give it once'],
      [['report', 'a', '--out', 'b', '--out', 'c'], '--out is given twice: give it once'],
      [['run', 'smoke', '--trials', '-1'], '--trials is followed by a value that starts with "-"'],
    ] as const) {
      const r = cli([...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(`hashpivot: ${message}`);
    }
    // A flag meant to repeat still does.
    expect(cli(['validate', 'smoke', '--set', 'site.powerMw=50', '--set', 'site.cashUsd=1e7']).status).toBe(0);
  });

  it('presets with an argument is a usage error (exit 2), not the list as if nothing were wrong', () => {
    const r = cli(['presets', 'base']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('presets takes no arguments, got base (to check one: hashpivot validate NAME)');
  });

  it('--help after a command prints that command\'s usage and exits 0', () => {
    for (const command of ['run', 'validate', 'report', 'presets', 'worker']) {
      const r = cli([command, '--help']);
      expect(r.status, command).toBe(0);
      expect(r.stdout, command).toMatch(new RegExp(`^Usage:\\n {2}hashpivot ${command} `));
      expect(r.stdout, command).not.toContain('hashpivot calibrate');
    }
  });

  it('a bad command line shows the command\'s own usage (not every command\'s); no command at all is a usage error, exit 2', () => {
    const bad = cli(['run', '--trials', 'abc']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^hashpivot: --trials must be a whole number .*\n\nUsage:\n {2}hashpivot run /);
    expect(bad.stderr).toContain('(hashpivot --help lists every command)');
    expect(bad.stderr).not.toContain('hashpivot calibrate');
    const none = cli([]);
    expect(none.status).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(/^Usage:\n {2}hashpivot run /);
  });

  it('--workers has a cap and --seed a maximum, both stated', () => {
    const workers = cli(['run', 'smoke', '--workers', '200']);
    expect(workers.status).toBe(2);
    expect(workers.stderr).toMatch(/--workers must be a whole number from 0 to \d+ \(4 per core of this machine's \d+: more threads than cores only take memory\), got "200"/);
    const seed = cli(['run', 'smoke', '--seed', '99999999999999999999']);
    expect(seed.status).toBe(2);
    expect(seed.stderr).toContain('--seed must be a whole number from 0 to 9007199254740991, got "99999999999999999999"');
  });
});
