// Entry point of a pool worker thread: runs one lane and hands its band counts back without
// copying (piscina's transferable protocol: the buffers listed are moved, not cloned). The
// outcomes are already in the run's shared memory. `fitLane` (piscina's `name` option) runs a
// lane of a conversion policy's fitting paths instead.
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { runLane, type LaneTask } from './lane.js';
import { loadProcessModules } from './processModule.js';
import { runFitLane, type FitLaneTask } from './switchFitLane.js';

export default async function runLaneInWorker(task: LaneTask): Promise<unknown> {
  // A custom process's module is imported once per thread, before the lane compiles with it.
  await loadProcessModules(task.inputs);
  const result = runLane(task);
  const sketch = result.sketch;
  const sketchBuffers = sketch ? [sketch.counts, sketch.extremes, sketch.limbs, sketch.infinities, sketch.sketch.indices, sketch.sketch.counts].map((a) => a.buffer) : [];
  return move({
    [transferableSymbol]: [result.bands.indices.buffer, result.bands.counts.buffer, ...sketchBuffers],
    [valueSymbol]: result,
  } as never);
}

/** A lane of fitting paths (switchFitLane.ts): everything it computes is in the task's shared arrays. */
export async function fitLane(task: FitLaneTask): Promise<void> {
  await loadProcessModules(task.inputs);
  runFitLane(task);
}
