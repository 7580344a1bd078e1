// deploy/: no container runtime runs here, so the files are checked for what can be checked: the
// commands they run, with their flags as written, are the ones the CLI accepts. The shard and
// merge commands of the Kubernetes Indexed Job and of the Slurm array run for real on a small
// scenario, with the index variables set as the scheduler sets them, and give the files of one run.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CLI, cli, freshDir, ROOT } from './cliHarness.js';
import { freePort } from './redisHarness.js';

const DEPLOY = join(ROOT, 'deploy');
const SMOKE = join(ROOT, 'scenarios', 'presets', 'smoke.yaml');
const RUN = { TRIALS: '300', SEED: '1' };

interface Container {
  args: string[];
  command?: string[];
  env?: { name: string; value?: string }[];
}

function containers(file: string): Container[] {
  return parseAllDocuments(readFileSync(join(DEPLOY, 'kubernetes', file), 'utf8')).flatMap((doc) => {
    const spec = doc.toJS()?.spec?.template?.spec;
    return spec?.containers ?? [];
  });
}

/** Runs a container's `sh -c` script here: the image's paths mapped onto this checkout and a temporary folder. */
function runShellArgs(container: Container, results: string, config: string, env: Record<string, string>) {
  expect(container.command).toEqual(['/bin/sh', '-c']);
  const script = container.args[0].replaceAll('/app/dist/runners/cli.js', CLI).replaceAll('/config', config).replaceAll('/results', results);
  const fromManifest = Object.fromEntries((container.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
  return spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8', env: { ...process.env, ...fromManifest, ...env } });
}

function reference(dir: string): string {
  const out = join(dir, 'reference');
  const r = cli(['run', SMOKE, '--trials', RUN.TRIALS, '--seed', RUN.SEED, '--outcomes', 'sketch', '--workers', '0', '--out', out, '--quiet']);
  expect(r.status).toBe(0);
  return out;
}

const same = (a: string, b: string) => readFileSync(join(a, 'summary.json')).equals(readFileSync(join(b, 'summary.json')));

describe('deploy/kubernetes', () => {
  it('the Indexed Job shards (index + 1 of SHARDS) and the merge Job give the summary of one run', () => {
    const dir = freshDir();
    const config = join(dir, 'config');
    mkdirSync(config);
    copyFileSync(SMOKE, join(config, 'scenario.yaml'));
    const results = join(dir, 'results');
    const [shard] = containers('shards-job.yaml');
    for (const index of ['0', '1']) {
      const r = runShellArgs(shard, results, config, { ...RUN, SHARDS: '2', JOB_COMPLETION_INDEX: index });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
    expect(existsSync(join(results, 'shards', 'shard-2', 'shard.json'))).toBe(true);
    const [merge] = containers('merge-job.yaml');
    const m = runShellArgs(merge, results, config, {});
    expect(m.stderr).toBe('');
    expect(m.status).toBe(0);
    expect(same(join(results, 'merged'), reference(dir))).toBe(true);
  });

  it('the BullMQ worker and submit arguments parse (they stop only at the Redis that is not there)', async () => {
    const dir = freshDir();
    const nobody = `redis://127.0.0.1:${await freePort()}`;
    const all = containers('bullmq.yaml').filter((c) => c.args[0] === 'worker' || c.args[0] === 'run');
    expect(all.map((c) => c.args[0]).sort()).toEqual(['run', 'worker']);
    for (const container of all) {
      const args = container.args.map((a) => a.replace('redis://hashpivot-redis:6379', nobody).replace('/config/scenario.yaml', SMOKE).replace('/results', dir));
      const r = cli(args);
      expect(r.stderr, args.join(' ')).toMatch(/nothing accepts connections/);
      expect(r.status).toBe(1);
    }
  });
});

describe('deploy/slurm', () => {
  it('the array tasks (ids 1..N) and the merge job give the summary of one run', () => {
    const dir = freshDir();
    const results = join(dir, 'results');
    const env = { ...process.env, ...RUN, SCENARIO: SMOKE, RESULTS: results, HASHPIVOT: ROOT, SLURM_ARRAY_TASK_COUNT: '2', SLURM_CPUS_PER_TASK: '1' };
    for (const id of ['1', '2']) {
      const r = spawnSync('bash', [join(DEPLOY, 'slurm', 'shards.sbatch')], { encoding: 'utf8', env: { ...env, SLURM_ARRAY_TASK_ID: id } });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
    const m = spawnSync('bash', [join(DEPLOY, 'slurm', 'merge.sbatch')], { encoding: 'utf8', env });
    expect(m.status, m.stderr).toBe(0);
    expect(same(join(results, 'merged'), reference(dir))).toBe(true);
  });
});

describe('deploy/Dockerfile', () => {
  it('copies folders that exist and runs the CLI the build makes', () => {
    const text = readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8');
    for (const [, source] of text.matchAll(/^COPY (?!--from)(\S+)/gm)) expect(existsSync(join(ROOT, source)), source).toBe(true);
    expect(text).toMatch(/ENTRYPOINT \["node", "\/app\/dist\/runners\/cli\.js"\]/);
    expect(existsSync(join(ROOT, 'dist', 'runners', 'cli.js'))).toBe(true);
  });
});
