// Entry of an extraction process (see pool.ts): it loads the readers the task needs, tells the pool its
// process id, so the pool can watch its memory and start the task's time budget (loading our own code is
// not the file's cost), then does the one task.
import { loadReader, runReadTask, type ReadOutcome, type ReadTask } from './reader.js';

/** Chunks go back in messages of this many: one 9,000-chunk message took the server's event loop 130 ms to read. */
export const CHUNKS_PER_MESSAGE = 250;

export default async function readInThisProcess(task: ReadTask): Promise<ReadOutcome> {
  await loadReader(task.kind);
  process.send?.({ docentReaderPid: process.pid });
  const outcome = await runReadTask(task);
  if (task.kind === 'chunk' && outcome.ok && Array.isArray(outcome.value) && outcome.value.length > CHUNKS_PER_MESSAGE) {
    const chunks = outcome.value;
    for (let i = 0; i < chunks.length; i += CHUNKS_PER_MESSAGE) process.send?.({ docentChunks: chunks.slice(i, i + CHUNKS_PER_MESSAGE) });
    // Messages arrive in order: the pool has every slice when this answer comes.
    return { ok: true, value: { streamedChunks: chunks.length } };
  }
  return outcome;
}
