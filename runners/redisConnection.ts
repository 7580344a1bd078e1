// Where the shard queue lives: a Redis URL (redis://[user][:password]@host[:port][/db], or rediss://
// for TLS), checked with one PING before anything is queued, so an address that does not answer
// is a clear error within seconds instead of a hang. The password may instead come from
// HASHPIVOT_REDIS_PASSWORD, which keeps it out of the process list; it is never printed.
import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { RedisUnreachable } from './redisUnreachable.js';

export interface RedisTarget {
  options: RedisOptions;
  /** The URL with any password replaced by ***, for messages. */
  label: string;
}

/** How long the first connection may take before the address counts as not answering. */
const CONNECT_TIMEOUT_MS = 3000;
/** After a lost connection (a Redis restart), try again every this long at most. */
const RECONNECT_MAX_DELAY_MS = 2000;

export function parseRedisUrl(text: string, passwordFromEnv = process.env.HASHPIVOT_REDIS_PASSWORD): RedisTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RedisUnreachable(`--redis must be a Redis URL such as redis://127.0.0.1:6379 or redis://:PASSWORD@host:6379/0, got "${text}"`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new RedisUnreachable(`--redis must start with redis:// (or rediss:// for TLS), got "${url.protocol}//"`);
  }
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new RedisUnreachable(`--redis: the database number after the / must be a whole number, got "${url.pathname.slice(1)}"`);
  const password = passwordFromEnv || decodeURIComponent(url.password) || undefined;
  const options: RedisOptions = {
    host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: url.port ? Number(url.port) : 6379,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password,
    db,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: (times) => Math.min(100 * 2 ** times, RECONNECT_MAX_DELAY_MS),
  };
  const shown = new URL(url.href);
  if (shown.password) shown.password = '***';
  return { options, label: shown.href };
}

/** Turns a connection failure into a sentence that says what to check. */
function reason(target: RedisTarget, error: Error): string {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const message = error.message;
  if (/NOAUTH/.test(message)) return `${target.label} requires a password: put it in the URL (redis://:PASSWORD@host:port) or in HASHPIVOT_REDIS_PASSWORD`;
  if (/WRONGPASS|invalid password|invalid username-password/i.test(message)) return `${target.label} refused the user name or password`;
  if (code === 'ECONNREFUSED') return `nothing accepts connections at ${target.label} (connection refused): is redis-server running there, on that port?`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `the host of ${target.label} cannot be resolved`;
  if (/Unknown RESP type|Protocol error/i.test(message)) return `something answers at ${target.label}, but not as Redis: is that the Redis port?`;
  if (code === 'ETIMEDOUT' || /timed? ?out/i.test(message)) return `no answer from ${target.label} within ${CONNECT_TIMEOUT_MS / 1000} s: check the host, the port and any firewall between`;
  return `cannot use Redis at ${target.label}: ${message}`;
}

/** Connection options for BullMQ's queue and worker (ioredis options; BullMQ types them more narrowly). */
export function queueConnection(target: RedisTarget): ConnectionOptions {
  return target.options as ConnectionOptions;
}

/** A client for hashpivot's own keys; it reconnects after a Redis restart. */
export function redisClient(target: RedisTarget): Redis {
  const client = new Redis({ ...target.options, maxRetriesPerRequest: null });
  client.on('error', () => {}); // reconnection is retried; the calls that fail say why
  return client;
}

/** Connects once, without retrying, and PINGs: throws RedisUnreachable naming what to check. */
export async function checkRedis(target: RedisTarget): Promise<void> {
  const client = new Redis({ ...target.options, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  let lastError: Error | null = null;
  client.on('error', (error: Error) => {
    lastError = error;
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(lastError ?? Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), CONNECT_TIMEOUT_MS + 1000);
  });
  try {
    await Promise.race([
      (async () => {
        await client.connect();
        await client.ping();
      })(),
      deadline,
    ]);
  } catch (error) {
    // A refused or timed-out connect surfaces as "Connection is closed"; the error event has the cause.
    const thrown = error as Error;
    const cause = /Connection is closed|timed out/.test(thrown.message) && lastError ? (lastError as Error) : thrown;
    throw new RedisUnreachable(reason(target, cause));
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/** How long a command that stops waits for its last calls to Redis (cancelling, closing queues, deleting keys). */
export const REDIS_GOODBYE_MS = 3000;

/**
 * Waits for `calls`, a stopping command's last calls to Redis, for at most REDIS_GOODBYE_MS: with
 * Redis gone, calls that retry until it comes back would otherwise wait for ever. Their failure is
 * ignored; the caller then drops its connections.
 */
export async function redisGoodbye(calls: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([calls.catch(() => {}), new Promise<void>((resolve) => (timer = setTimeout(resolve, REDIS_GOODBYE_MS)))]);
  clearTimeout(timer);
}

/**
 * `work`'s outcome, or the abort's reason as soon as `signal` aborts: a Ctrl-C is heard while a call
 * waits for a Redis that went away. The abandoned work's own failure is ignored.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  work.catch(() => {});
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
