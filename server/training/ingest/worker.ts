// Entry of an extraction process (see pool.ts): it first tells the pool its process id, so the pool
// can watch its memory and start the task's time budget, then does the one task.
import { runReadTask, type ReadOutcome, type ReadTask } from './reader.js';

export default async function readInThisProcess(task: ReadTask): Promise<ReadOutcome> {
  process.send?.({ docentReaderPid: process.pid });
  return runReadTask(task);
}
