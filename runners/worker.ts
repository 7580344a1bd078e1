// Entry point of a pool worker thread: runs one lane and hands its band counts back without
// copying (piscina's transferable protocol: the buffers listed are moved, not cloned). The
// outcomes are already in the run's shared memory.
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { runLane, type LaneTask } from './lane.js';

export default function runLaneInWorker(task: LaneTask): unknown {
  const result = runLane(task);
  return move({
    [transferableSymbol]: [result.bands.indices.buffer, result.bands.counts.buffer],
    [valueSymbol]: result,
  } as never);
}
