// Progress of a long run on stderr: a live bar on a terminal, a line per 10% mark passed otherwise (logs, CI),
// nothing when quiet. Reads the clock, so it lives with the runners, never in the engine.

export type ProgressMode = 'bar' | 'lines' | 'quiet';

export interface Progress {
  /** `note` leads the line (a study's "point 17/512"). */
  update(done: number, total: number, note?: string): void;
  finish(): void;
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds.toFixed(0)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

/**
 * `unit` names what is counted (trials, or the paths a conversion policy is fitted on), `rateUnit`
 * what the rate counts per second.
 */
export function createProgress(mode: ProgressMode, stream: NodeJS.WriteStream = process.stderr, unit = 'trials', rateUnit = unit): Progress {
  const started = performance.now();
  let lastDecile = 0;
  let drawn = false;
  const line = (done: number, total: number, note: string | undefined) => {
    const elapsed = (performance.now() - started) / 1000;
    const rate = done / Math.max(elapsed, 1e-9);
    const left = (total - done) / rate;
    return `${note ? `${note}, ` : ''}${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${unit}, ${Math.round(rate).toLocaleString('en-US')} ${rateUnit}/s, ${formatSeconds(left)} left`;
  };
  return {
    update(done, total, note) {
      if (mode === 'quiet') return;
      if (mode === 'bar') {
        const width = 30;
        const filled = Math.round((width * done) / total);
        stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${line(done, total, note)}\x1b[K`);
        drawn = true;
        return;
      }
      // A line when an update passes a 10% mark, labelled with the last mark it passed: one update
      // that passes several (workers count trials as they go) gives one line, not one per mark
      // with the same count under each.
      const decile = Math.floor((10 * done) / total);
      if (decile > lastDecile) {
        lastDecile = decile;
        stream.write(`${decile * 10}%: ${line(done, total, note)}\n`);
      }
    },
    finish() {
      if (drawn) stream.write('\n');
    },
  };
}
