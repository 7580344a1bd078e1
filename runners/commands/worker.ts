// `hashpivot worker --redis URL [--concurrency K] [--store DIR] [--lock-seconds S] [--quiet]`: take
// shard jobs from the queue until stopped (Ctrl-C, SIGTERM), each on K worker threads.
import { ENGINE_VERSION } from '../../outputs/summary.js';
import { defaultWorkerCount } from '../pool.js';
import { checkRedis, parseRedisUrl } from '../redisConnection.js';
import { DEFAULT_LOCK_MS } from '../shardQueue.js';
import { startShardWorker } from '../shardWorker.js';
import { parseCommandLine, UsageError, wholeNumber } from '../cliArgs.js';
import { writeErr } from '../terminal.js';

export async function workerCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine({
    args,
    allowPositionals: true,
    options: {
      redis: { type: 'string' },
      concurrency: { type: 'string' },
      store: { type: 'string' },
      'lock-seconds': { type: 'string' },
      quiet: { type: 'boolean' },
    },
  });
  if (positionals.length > 0) throw new UsageError(`worker takes no arguments besides its flags, got ${positionals.join(' ')}`);
  if (values.redis === undefined) throw new UsageError('worker needs --redis URL: the Redis the submitter (hashpivot run --redis URL) queues shards on');
  const threads = wholeNumber(values.concurrency, '--concurrency', defaultWorkerCount(), 0, 1024);
  const lockMs = wholeNumber(values['lock-seconds'], '--lock-seconds', DEFAULT_LOCK_MS / 1000, 2, 3600) * 1000;
  const target = parseRedisUrl(values.redis);
  await checkRedis(target);
  const log = (line: string) => {
    if (!values.quiet) writeErr(`${line}\n`);
  };
  const worker = startShardWorker({ target, threads, store: values.store, lockMs, log });
  log(`worker ${worker.id} (hashpivot ${ENGINE_VERSION}, ${threads} thread${threads === 1 ? '' : 's'}) takes shards from ${target.label}`);
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping; a shard in progress goes back to the queue for another worker.`);
    void worker.stop(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await worker.stopped;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
