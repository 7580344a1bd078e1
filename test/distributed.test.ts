// Runs on `hashpivot worker`s through a real Redis (BullMQ): the merged result is byte-identical to
// a local run (and a study's to a local study) even when a worker is killed mid-shard or Redis
// restarts mid-run; Ctrl-C takes the queued shards off the queue; a worker of another engine
// version refuses, named; bad addresses and passwords fail within seconds; a worker or a submitter
// told to stop stops, even with Redis gone. Needs redis-server (`apt-get install -y redis-server`): without it
// these tests are skipped with a message, except under CI=true, where they fail.
import { cpSync, existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, freshDir, ROOT } from './cliHarness.js';
import { jobRunFolder, newRunId } from '../runners/shardQueue.js';
import { readStore } from './studyStoreTables.js';
import { background, backgroundCli, freePort, redisServerPath, startRedis, type Background, type TestRedis } from './redisHarness.js';

const binary = redisServerPath();
const PASSWORD = `pw-${process.pid}-${Date.now()}`;
const ENV = { HASHPIVOT_REDIS_PASSWORD: PASSWORD };
// Shards of 10,000 base trials take a worker thread about a second: long enough to kill one mid-shard.
const RUN = ['base', '--trials', '40000', '--seed', '21'];

function expectSameOutputs(actual: string, expected: string): void {
  for (const name of ['summary.json', 'trials.csv', 'trials.parquet', 'report.html', 'paths.csv']) {
    expect(readFileSync(join(actual, name)).equals(readFileSync(join(expected, name))), `${name} differs from the local run's`).toBe(true);
  }
}

async function expectSameStudy(actual: string, expected: string): Promise<void> {
  for (const name of ['study.json', 'study.html', ...readdirSync(join(expected, 'points')).map((f) => `points/${f}`)]) {
    expect(readFileSync(join(actual, name)).equals(readFileSync(join(expected, name))), `${name} differs from the local study's`).toBe(true);
  }
  expect(await readStore(actual)).toEqual(await readStore(expected));
}

/** A study file in `dir`: the lease rate from 100 to 160 $/kW-month, one at a time. */
function studyFile(dir: string, name: string, scenario: string, trials: number, seed: number): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\nscenario: ${scenario}\ntrials: ${trials}\nseed: ${seed}\ndesign: oneAtATime\ninputs:\n  - { path: hosting.leaseUsdPerKwMonth, low: 100, high: 160 }\n`);
  return file;
}

if (!binary) {
  if (process.env.CI === 'true') {
    it('needs redis-server (CI installs it: apt-get install -y redis-server)', () => {
      expect.fail('redis-server is not installed, and under CI=true the distributed tests must run');
    });
  } else {
    console.warn('distributed.test.ts: redis-server not found, skipping the BullMQ tests (apt-get install -y redis-server to run them)');
    it.skip('runs on hashpivot workers through Redis (needs redis-server)', () => {});
  }
} else {
  describe('runs on hashpivot workers through Redis', () => {
    let redis: TestRedis;
    const workers: Background[] = [];
    const startWorker = () => {
      const worker = backgroundCli(['worker', '--redis', redis.url, '--concurrency', '1', '--lock-seconds', '2'], ENV);
      workers.push(worker);
      return worker;
    };
    const live = () => workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
    const reference = join(freshDir(), 'local');
    /** The study run here (into `local`), and started on the workers in `shards` shards a point (into `out`). */
    const localAndQueuedStudy = (file: string, shards: number) => {
      const local = join(dirname(file), 'local');
      expect(cli(['study', file, '--workers', '2', '--out', local, '--quiet']).status).toBe(0);
      const out = join(dirname(file), 'out');
      return { local, out, study: backgroundCli(['study', file, '--redis', redis.url, '--store', freshDir(), '--shards', String(shards), '--out', out], ENV) };
    };

    beforeAll(async () => {
      redis = await startRedis(binary, PASSWORD);
      for (let i = 0; i < 3; i++) await startWorker().waitFor(/takes shards from/);
      const local = cli(['run', ...RUN, '--workers', '2', '--out', reference, '--quiet']);
      expect(local.status).toBe(0);
    });

    afterAll(async () => {
      for (const w of workers) w.child.kill('SIGKILL');
      await redis?.stop();
    });

    it('gives the files of a local run byte for byte, with a worker killed mid-shard', async () => {
      const store = freshDir();
      const out = join(freshDir(), 'out');
      const run = backgroundCli(['run', ...RUN, '--redis', redis.url, '--store', store, '--shards', '4', '--out', out], ENV);
      const started = await Promise.race(live().map((w) => w.waitFor(/shard (\d)\/4 of run \S+: started/).then((m) => ({ w, shard: m[1] }))));
      started.w.child.kill('SIGKILL');
      expect(await run.exited, run.output()).toBe(0);
      // Killed before it finished: another worker took the shard over once its lock lapsed.
      const done = new RegExp(`shard ${started.shard}/4 of run \\S+: [\\d,]+ trials in`);
      expect(started.w.output()).not.toMatch(done);
      expect(live().some((w) => done.test(w.output()))).toBe(true);
      expectSameOutputs(out, reference);
      expect(readdirSync(store)).toEqual([]); // the run's shard folders are gone once merged
      await startWorker().waitFor(/takes shards from/);
    });

    it('with --outcomes sketch and no store, shard results travel through Redis: the bytes of a local sketch run', async () => {
      const local = join(freshDir(), 'local-sketch');
      expect(cli(['run', 'smoke', '--trials', '3000', '--seed', '5', '--outcomes', 'sketch', '--workers', '0', '--out', local, '--quiet']).status).toBe(0);
      const out = join(freshDir(), 'out');
      const run = backgroundCli(['run', 'smoke', '--trials', '3000', '--seed', '5', '--outcomes', 'sketch', '--redis', redis.url, '--shards', '3', '--out', out, '--quiet'], ENV);
      expect(await run.exited, run.output()).toBe(0);
      for (const name of ['summary.json', 'report.html', 'paths.csv']) expect(readFileSync(join(out, name)).equals(readFileSync(join(local, name))), name).toBe(true);
    });

    it('a study with --redis runs its points on the workers and writes the files of a study on this machine', async () => {
      const { local, out, study } = localAndQueuedStudy(studyFile(freshDir(), 'queued', 'smoke', 600, 3), 3);
      expect(await study.exited, study.output()).toBe(0);
      expect(study.output()).toMatch(/point 0: run \S+: 3 shards of ~200 trials queued/);
      await expectSameStudy(out, local);
    });

    it('a study with --redis completes with a worker killed mid-shard: the files of a local study', async () => {
      // Points of 20,000 base trials in 2 shards: a shard takes a worker thread about a second.
      const { local, out, study } = localAndQueuedStudy(studyFile(freshDir(), 'queued-kill', 'base', 20_000, 4), 2);
      // No test before this one cuts runs into 2 shards: the first such line is this study's.
      const started = await Promise.race(live().map((w) => w.waitFor(/shard (\d)\/2 of run (\S+): started/).then((m) => ({ w, shard: m[1], run: m[2] }))));
      started.w.child.kill('SIGKILL');
      expect(await study.exited, study.output()).toBe(0);
      const done = new RegExp(`shard ${started.shard}/2 of run ${started.run}: [\\d,]+ trials in`);
      expect(started.w.output()).not.toMatch(done);
      expect(live().some((w) => done.test(w.output()))).toBe(true);
      await expectSameStudy(out, local);
      await startWorker().waitFor(/takes shards from/);
    });

    it('loses no finished shard when Redis restarts mid-run', async () => {
      const out = join(freshDir(), 'out');
      const run = backgroundCli(['run', ...RUN, '--redis', redis.url, '--store', freshDir(), '--shards', '8', '--out', out], ENV);
      await Promise.race(live().map((w) => w.waitFor(/shard \d\/8 of run \S+: [\d,]+ trials in/)));
      await redis.restart(); // empty: no persistence
      expect(await run.exited, run.output()).toBe(0);
      expect(run.output()).toMatch(/Redis no longer has shards? .* queued again/);
      expectSameOutputs(out, reference);
    });

    it('Ctrl-C on the submitter takes its queued shards off the queue, and writes nothing', async () => {
      const store = freshDir();
      const out = join(freshDir(), 'out');
      // Shards of 100,000 trials (sketched: the submitter keeps no rows) take a worker several
      // seconds, so the cancellation, checked every second, always finds them mid-shard; shards of
      // 10,000 could finish before the first check, and a worker would then have nothing to drop.
      const run = backgroundCli(['run', 'base', '--trials', '4000000', '--outcomes', 'sketch', '--redis', redis.url, '--store', store, '--shards', '40', '--out', out], ENV);
      await Promise.race(live().map((w) => w.waitFor(/shard \d+\/40 of run \S+: started/)));
      run.child.kill('SIGINT');
      expect(await run.exited).toBe(130);
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(store)).toEqual([]);
      // Workers drop the shards they were computing within a second or two.
      await Promise.race(live().map((w) => w.waitFor(/abandoned, the run was cancelled/, 20_000)));
      const client = new Redis({ port: redis.port, host: '127.0.0.1', password: PASSWORD });
      try {
        expect(await client.llen('hashpivot:hashpivot-shards:wait')).toBe(0);
        expect(await client.zcard('hashpivot:hashpivot-shards:prioritized')).toBe(0);
        expect(await client.zcard('hashpivot:hashpivot-shards:delayed')).toBe(0);
      } finally {
        client.disconnect();
      }
    });

    it('a worker of another engine version refuses the shard, named, and the run completes on the others', async () => {
      // The same code under another version number: a copy of the package with its package.json changed.
      const pkg = freshDir('hashpivot-other-');
      cpSync(join(ROOT, 'dist'), join(pkg, 'dist'), { recursive: true });
      for (const name of ['node_modules', 'scenarios', 'data']) symlinkSync(join(ROOT, name), join(pkg, name));
      const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
      writeFileSync(join(pkg, 'package.json'), JSON.stringify({ ...manifest, version: '0.0.0-other' }));
      // Only the other version takes shards at first: the right ones are paused.
      for (const w of live()) w.child.kill('SIGSTOP');
      const other = background(process.execPath, [join(pkg, 'dist', 'runners', 'cli.js'), 'worker', '--redis', redis.url, '--concurrency', '1'], ENV);
      await other.waitFor(/takes shards from/);
      const out = join(freshDir(), 'out');
      const run = backgroundCli(['run', 'smoke', '--trials', '2000', '--redis', redis.url, '--store', freshDir(), '--shards', '2', '--out', out], ENV);
      try {
        expect(await other.exited).toBe(1);
        expect(other.output()).toMatch(/worker \S+ runs hashpivot 0\.0\.0-other and refused shard \d\/2 of run \S+, which needs hashpivot \d+\.\d+\.\d+; this worker stops/);
        await run.waitFor(/worker \S+ runs hashpivot 0\.0\.0-other and refused shard/);
      } finally {
        for (const w of live()) w.child.kill('SIGCONT');
      }
      expect(await run.exited, run.output()).toBe(0);
      expect(run.output()).toMatch(/worker \S+ runs hashpivot 0\.0\.0-other, not \d+\.\d+\.\d+: it will refuse this run's shards/);
    });

    it('an address that does not answer, or a missing or wrong password, is a clear error within seconds', async () => {
      const store = freshDir();
      const nobody = `redis://127.0.0.1:${await freePort()}`;
      const refused = cli(['run', 'smoke', '--redis', nobody, '--store', store, '--out', join(store, 'out')]);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/nothing accepts connections at redis:\/\/127\.0\.0\.1:\d+\/? \(connection refused\)/);
      expect(existsSync(join(store, 'out'))).toBe(false);
      expect(cli(['worker', '--redis', nobody]).stderr).toMatch(/nothing accepts connections/);
      const noPassword = cli(['worker', '--redis', redis.url]);
      expect(noPassword.status).toBe(1);
      expect(noPassword.stderr).toMatch(/requires a password: put it in the URL .* or in HASHPIVOT_REDIS_PASSWORD/);
      const wrong = cli(['worker', '--redis', `redis://:wrong@127.0.0.1:${redis.port}`]);
      expect(wrong.status).toBe(1);
      expect(wrong.stderr).toMatch(/refused the user name or password/);
      expect(wrong.stderr).not.toMatch(/wrong/); // the password is never printed
      expect(cli(['worker', '--redis', 'http://127.0.0.1:6379']).stderr).toMatch(/must start with redis:\/\//);
      const noStore = cli(['run', 'smoke', '--redis', redis.url]);
      expect(noStore.status).toBe(2);
      expect(noStore.stderr).toMatch(/--redis needs --store DIR/);
    });
  });

  describe('told to stop after their Redis (one of their own) went away, commands stop within seconds', () => {
    // Cleaned up here, not in the tests: a test that times out never reaches its own finally.
    const servers: TestRedis[] = [];
    const children: Background[] = [];
    afterAll(async () => {
      for (const child of children) child.child.kill('SIGKILL');
      for (const server of servers) await server.stop();
    });
    const ownRedis = async () => {
      const own = await startRedis(binary, PASSWORD);
      servers.push(own);
      return own;
    };
    const started = (command: Background) => {
      children.push(command);
      return command;
    };

    it('a worker: SIGTERM, exit 143', async () => {
      const own = await ownRedis();
      const worker = started(backgroundCli(['worker', '--redis', own.url, '--concurrency', '1'], ENV));
      await worker.waitFor(/takes shards from/);
      await own.stop();
      await worker.waitFor(/ECONNREFUSED/);
      worker.child.kill('SIGTERM');
      expect(await worker.exited, worker.output()).toBe(143);
    });

    it('a submitter waiting for its shards: SIGTERM, exit 143, and no output folder', async () => {
      const own = await ownRedis();
      const out = join(freshDir(), 'out');
      const run = started(backgroundCli(['run', 'smoke', '--trials', '2000', '--redis', own.url, '--store', freshDir(), '--out', out], ENV));
      await run.waitFor(/queued on/);
      await own.stop();
      run.child.kill('SIGTERM');
      expect(await run.exited, run.output()).toBe(143);
      expect(existsSync(out)).toBe(false);
    });
  });
}

describe('a Redis that answers the connection check and then stops answering', () => {
  /**
   * A stand-in for a Redis that stalls (or dies) just after the submitter's connection check: it
   * answers each connection's set-up (INFO, PING, CLIENT, SELECT; HELLO refused, as by Redis 5),
   * the workers' listing (none) and SET, and nothing else. `queueing` resolves when BullMQ's
   * script adding the shards' jobs comes in, unanswered: the submitter then waits in addBulk.
   */
  const INFO = '# Server\r\nredis_version:7.0.15\r\nloading:0\r\n';
  const stalledRedis = () => {
    let onQueueing = () => {};
    const queueing = new Promise<void>((resolve) => (onQueueing = resolve));
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
      socket.on('data', (chunk) => {
        // Commands come as RESP arrays of bulk strings; the name is the first one.
        for (const [, name] of chunk.toString('latin1').matchAll(/\*\d+\r\n\$\d+\r\n([A-Za-z]+)\r\n/g)) {
          const command = name!.toLowerCase();
          if (command === 'info') socket.write(`$${INFO.length}\r\n${INFO}\r\n`);
          else if (command === 'ping') socket.write('+PONG\r\n');
          else if (command === 'client' || command === 'select') socket.write('+OK\r\n');
          else if (command === 'hello') socket.write(`-ERR unknown command 'hello'\r\n`);
          else if (command === 'scan') socket.write('*2\r\n$1\r\n0\r\n*0\r\n'); // no worker
          else if (command === 'set') socket.write('+OK\r\n');
          else if (command === 'eval' || command === 'evalsha') onQueueing(); // BullMQ adding the shards' jobs: unanswered
          // anything else: unanswered
        }
      });
    });
    const listening = new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
    const close = () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    };
    return { listening, queueing, close };
  };

  it('Ctrl-C on a submitter queueing its shards: exit 130 within seconds, no output folder', async () => {
    const redis = stalledRedis();
    try {
      const port = await redis.listening;
      const out = join(freshDir(), 'out');
      const run = backgroundCli(['run', 'smoke', '--trials', '200', '--outcomes', 'sketch', '--redis', `redis://127.0.0.1:${port}`, '--out', out]);
      try {
        await redis.queueing;
        run.child.kill('SIGINT');
        const code = await Promise.race([run.exited, new Promise((resolve) => setTimeout(() => resolve('still running 15 s after Ctrl-C'), 15_000))]);
        expect(code, run.output()).toBe(130);
        expect(existsSync(out)).toBe(false);
      } finally {
        run.child.kill('SIGKILL');
      }
    } finally {
      redis.close();
    }
  }, 30_000);
});

describe('a job from the queue names its shard folder only inside its run\'s folder', () => {
  it('a run id of another shape, or a store path not ending in it, is refused; a submitter\'s id passes', () => {
    const runId = newRunId(new Date(Date.UTC(2026, 11, 6, 21, 30, 5)), '0a1b2c3d');
    expect(runId).toBe('20261206213005-0a1b2c3d');
    expect(jobRunFolder({ runId, store: `/mnt/store/${runId}` }, undefined)).toBe(`/mnt/store/${runId}`);
    expect(jobRunFolder({ runId, store: `/mnt/store/${runId}` }, '/worker/mount')).toBe(`/worker/mount/${runId}`);
    expect(jobRunFolder({ runId, store: null }, undefined)).toBeNull();
    expect(() => jobRunFolder({ runId: '../../etc', store: null }, '/worker/mount')).toThrow('run id "../../etc" is not one a hashpivot submitter makes: job refused');
    expect(() => jobRunFolder({ runId, store: '/etc' }, undefined)).toThrow(`store folder "/etc" is not the run's folder (an absolute path ending in ${runId}): job refused`);
    expect(() => jobRunFolder({ runId, store: `relative/${runId}` }, undefined)).toThrow(/is not the run's folder/);
  });
});
