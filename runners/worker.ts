// Entry point of a pool worker thread: runs one chunk and hands its typed arrays back without
// copying (piscina's transferable protocol: the buffers listed are moved, not cloned).
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { runChunk, type ChunkTask } from './chunk.js';

export default function runChunkInWorker(task: ChunkTask): unknown {
  const result = runChunk(task);
  return move({
    [transferableSymbol]: [result.block.strategy.buffer, result.block.market.buffer, result.bands.indices.buffer, result.bands.counts.buffer],
    [valueSymbol]: result,
  } as never);
}
