// Entry point of the chart thread: renders chart specs to SVG and PNG off the main thread, so a
// run can write trials.csv and trials.parquet while its charts are drawn. The chart libraries
// start loading as soon as the thread starts, which a run arranges before its trials.
import { parentPort } from 'node:worker_threads';
import type { Chart } from './chartSpecs.js';
import { preloadChartLibraries, renderCharts } from './chartsRender.js';

preloadChartLibraries().catch(() => {});

parentPort?.on('message', (charts: Chart[]) => {
  renderCharts(charts).then(
    // Copied, not transferred: a PNG Buffer may be a view into memory it does not own alone.
    (rendered) => parentPort?.postMessage({ rendered }),
    (error: unknown) => parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) }),
  );
});
