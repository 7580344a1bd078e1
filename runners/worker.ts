// Entry point of a pool worker thread: runs one lane and hands its band counts back without
// copying (piscina's transferable protocol: the buffers listed are moved, not cloned). The
// outcomes are already in the run's shared memory.
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { runLane, type LaneTask } from './lane.js';
import { loadProcessModules } from './processModule.js';

export default async function runLaneInWorker(task: LaneTask): Promise<unknown> {
  // A custom process's module is imported once per thread, before the lane compiles with it.
  await loadProcessModules(task.inputs);
  const result = runLane(task);
  return move({
    [transferableSymbol]: [result.bands.indices.buffer, result.bands.counts.buffer],
    [valueSymbol]: result,
  } as never);
}
