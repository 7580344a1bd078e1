// Entry point of the thread that loads and checks a price process module (processModule.ts,
// checkProcessModule) away from the main thread, which ends it when the checks overrun their limit.
import { parentPort, workerData } from 'node:worker_threads';
import type { Scenario } from '../scenarios/schema.js';
import { checkProcessModule } from './processModule.js';

const { scenario, absolute, path, flag } = workerData as { scenario: Scenario; absolute: string; path: string; flag: string };

checkProcessModule(scenario, absolute, path, flag).then(
  () => parentPort?.postMessage({}),
  (error: unknown) => parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) }),
);
