// Entry point of a pool worker thread: runs one lane and hands its band counts (and sketch) back.
// They are copied, not transferred: moving a buffer detaches it, and the first detach in a thread
// makes V8 drop its optimised code and give every typed array access from then on a detached
// check (the kernel ran ~9% slower in every later lane of the thread: the swings after a run, a
// study's points, a worker's next shard). The counts are small beside a lane's work; the outcomes
// are already in the run's shared memory. `fitLane` (piscina's `name` option) runs a lane of a
// conversion policy's fitting paths instead.
import { runLane, type LaneResult, type LaneTask } from './lane.js';
import { loadProcessModules } from './processModule.js';
import { runFitLane, type FitLaneTask } from './switchFitLane.js';

export default async function runLaneInWorker(task: LaneTask): Promise<LaneResult> {
  // A custom process's module is imported once per thread, before the lane compiles with it.
  await loadProcessModules(task.inputs);
  return runLane(task);
}

/** A lane of fitting paths (switchFitLane.ts): everything it computes is in the task's shared arrays. */
export async function fitLane(task: FitLaneTask): Promise<void> {
  await loadProcessModules(task.inputs);
  runFitLane(task);
}
