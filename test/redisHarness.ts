// A real redis-server for the distributed tests, on a loopback port with its own temporary folder
// and no persistence (`--bind 127.0.0.1 --save '' --dir TMP`): nothing listens beyond this machine.
// And CLI processes that run in the background while a test watches what they print.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { CLI, freshDir } from './cliHarness.js';

/** The redis-server binary, or null when it is not installed. */
export function redisServerPath(): string | null {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
}

/** A port nothing listens on right now (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Background {
  child: ChildProcess;
  /** Everything printed so far, stdout and stderr together. */
  output(): string;
  /** Resolves once the output matches (or rejects after timeoutMs). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

export function background(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Background {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true', ...env } });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return {
    child,
    output: () => text,
    exited,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(text);
          if (match) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(match);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern} in:\n${text}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
  };
}

/** `hashpivot ARGS` in the background. */
export const backgroundCli = (args: readonly string[], env: NodeJS.ProcessEnv = {}) => background(process.execPath, [CLI, ...args], env);

export interface TestRedis {
  port: number;
  url: string;
  stop(): Promise<void>;
  /** Stops the server and starts a fresh one on the same port: without persistence, it comes back empty. */
  restart(): Promise<void>;
}

export async function startRedis(binary: string, password: string): Promise<TestRedis> {
  const port = await freePort();
  const dir = freshDir('hashpivot-redis-');
  let server: Background;
  const start = async () => {
    server = background(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--requirepass', password]);
    await server.waitFor(/Ready to accept connections/, 20_000);
  };
  const stop = async () => {
    server.child.kill('SIGTERM');
    await server.exited;
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    async restart() {
      await stop();
      await start();
    },
  };
}
