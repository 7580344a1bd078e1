// A chart thread for one run: started early so the chart libraries load while the trials run,
// then asked once to render the report's charts. Falls back to nothing clever: if the thread
// fails, the run fails with its message.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../scenarios/packageRoot.js';
import type { Chart } from './chartSpecs.js';
import type { RenderedChart } from './chartsRender.js';

export interface ChartThread {
  render(charts: readonly Chart[]): Promise<RenderedChart[]>;
  close(): Promise<void>;
}

export function startChartThread(): ChartThread {
  // Like the trial workers, the thread runs the compiled module (Node 20 workers take no TS loader).
  const worker = new Worker(join(packageRoot(), 'dist', 'outputs', 'chartWorker.js'));
  worker.unref();
  let failure: Error | null = null;
  worker.on('error', (error) => {
    failure = error;
  });
  return {
    render(charts) {
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        worker.once('message', (message: { rendered?: RenderedChart[]; error?: string }) => {
          if (message.rendered) resolve(message.rendered);
          else reject(new Error(`rendering the charts failed: ${message.error}`));
        });
        worker.once('error', reject);
        worker.postMessage(charts);
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}
