// Extraction processes: every file, page, sitemap and chunking call of training runs in a child
// process from a tinypool pool, never on the event loop that serves visitors.
//
// Why processes and not worker threads: a thread's resourceLimits cap only its JavaScript heap, while
// a PDF or ZIP bomb fills ArrayBuffers outside it, in the server's own process, and memory a thread
// used is not given back to the system when it ends. A child process is watched from here (its
// resident memory, read from /proc, covers everything), killed at once when it passes the cap or the
// time budget, and recycled after a heavy task, so the server's memory never grows with a file.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Tinypool from 'tinypool';
import type { FastifyBaseLogger } from 'fastify';
import { formatCount, type IngestLimits } from './limits.js';
import { readerOver, subjectOf, type ContentReader, type ReadOutcome, type ReadTask } from './reader.js';
import { IngestError } from './types.js';

export interface IngestPool extends ContentReader {
  /** Kills the extraction processes (tasks still running fail). */
  close(): Promise<void>;
}

const here = fileURLToPath(import.meta.url);
// The compiled server runs worker.js; tests run the TypeScript sources through tsx.
const WORKER_FILE = path.join(path.dirname(here), `worker${path.extname(here)}`);
const MEMORY_CHECK_MS = 100;
const IDLE_EXIT_MS = 30_000;
const PID_MESSAGE = 'docentReaderPid';

/** The loader flags (tsx in tests) a child needs to run the same sources; nothing else is passed on. */
function childExecArgv(memoryMb: number): string[] {
  const kept: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (['--import', '--require', '-r', '--loader', '--experimental-loader'].includes(arg) && i + 1 < argv.length) kept.push(arg, argv[++i]);
    else if (/^--(import|require|loader|experimental-loader)=/.test(arg) || arg === '--enable-source-maps') kept.push(arg);
  }
  // V8's own heap limit backs up the watchdog below, which also counts buffers outside the heap.
  return [...kept, `--max-old-space-size=${memoryMb}`];
}

/** The child gets no secrets: SECRET_KEY, ADMIN_PASSWORD and the rest of the server's environment stay here. */
function childEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && /^(PATH|HOME|TMPDIR|TZ|LANG|LC_\w+|NODE_ENV|TSX_\w+|ESBUILD_\w+)$/.test(key)) env[key] = value;
  }
  return env;
}

/** Resident memory of a process in bytes (Linux); 0 where /proc is missing, leaving only V8's heap limit. */
function residentBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export function createIngestPool(limits: IngestLimits, log: FastifyBaseLogger): IngestPool {
  const pool = new Tinypool({
    runtime: 'child_process',
    filename: WORKER_FILE,
    minThreads: 0,
    maxThreads: limits.workers,
    idleTimeout: IDLE_EXIT_MS,
    serialization: 'advanced', // buffers and long strings cross as bytes, not JSON
    execArgv: childExecArgv(limits.memoryMb),
    env: childEnv(),
  });
  const capBytes = limits.memoryMb * 1024 * 1024;
  let recycling: Promise<void> | null = null;

  const limitError = (task: ReadTask, why: 'time' | 'memory'): IngestError => {
    const advice = 'A file or page this costly to read is usually damaged or built to overload readers';
    return why === 'time'
      ? new IngestError(
          `${subjectOf(task)} took longer than ${formatCount(limits.timeoutMs / 1000)} s, the limit (INGEST_TIMEOUT_MS), so it was stopped. ${advice}; if it is genuine, split it or raise INGEST_TIMEOUT_MS.`,
        )
      : new IngestError(
          `${subjectOf(task)} needed more than ${formatCount(limits.memoryMb)} MB of memory, the limit (INGEST_MEMORY_MB), so it was stopped. ${advice}; if it is genuine, split it or raise INGEST_MEMORY_MB.`,
        );
  };

  const execute = async (task: ReadTask): Promise<ReadOutcome> => {
    if (recycling) await recycling;
    const controller = new AbortController();
    let stoppedFor: 'time' | 'memory' | null = null;
    let pid = 0;
    let peak = 0;
    const stop = (why: 'time' | 'memory') => {
      stoppedFor ??= why;
      controller.abort();
    };
    // The budget starts when a process takes the task: queued time is not the file's fault.
    let timer: NodeJS.Timeout | undefined;
    const watchdog = setInterval(() => {
      if (!pid) return;
      peak = Math.max(peak, residentBytes(pid));
      if (peak > capBytes) stop('memory');
    }, MEMORY_CHECK_MS);
    const slices: unknown[][] = [];
    const channel = {
      postMessage(message: unknown) {
        const sent = message as Record<string, unknown> | null;
        if (typeof sent?.[PID_MESSAGE] === 'number') {
          pid = sent[PID_MESSAGE];
          timer ??= setTimeout(() => stop('time'), limits.timeoutMs);
        } else if (Array.isArray(sent?.docentChunks)) slices.push(sent.docentChunks);
      },
    };
    try {
      const outcome = (await pool.run(task, { signal: controller.signal, channel })) as ReadOutcome;
      // Many chunks come back in several messages (worker.ts), each read without a long stall here.
      if (outcome.ok && typeof (outcome.value as { streamedChunks?: unknown })?.streamedChunks === 'number') return { ok: true, value: slices.flat() };
      return outcome;
    } catch (err) {
      if (stoppedFor) throw limitError(task, stoppedFor);
      // A process that dies mid-task has hit V8's heap limit (the watchdog usually stops it first).
      if (err instanceof Error && /exited unexpectedly/i.test(err.message)) throw limitError(task, 'memory');
      throw err;
    } finally {
      clearTimeout(timer);
      clearInterval(watchdog);
      // A process that grew large keeps its memory after the task: replace it so the next one starts small.
      if (!stoppedFor && pid && residentBytes(pid) > capBytes / 2) {
        log.info({ residentMb: Math.round(residentBytes(pid) / 1048576) }, 'recycling the extraction process after a large task');
        recycling ??= pool.recycleWorkers().finally(() => {
          recycling = null;
        });
      }
    }
  };

  return {
    ...readerOver(limits, execute),
    async close() {
      await pool.destroy();
    },
  };
}
