// The extraction processes: real child processes reading real files, stopped at their limits while
// this process (the server's event loop) stays responsive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pino from 'pino';
import { createIngestPool } from './pool.js';
import { DEFAULT_INGEST_LIMITS, type IngestLimits } from './limits.js';
import { IngestError } from './types.js';
import { manyPagesPdf, pdfStreamBomb } from '../../../e2e/support/hostile-files.js';
import { PROJECT_ROOT } from '../../paths.js';

const log = pino({ level: 'silent' });
const dir = mkdtempSync(path.join(tmpdir(), 'docent-pool-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function save(name: string, data: Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, data);
  return file;
}

async function withPool<T>(limits: Partial<IngestLimits>, run: (pool: ReturnType<typeof createIngestPool>) => Promise<T>): Promise<T> {
  const pool = createIngestPool({ ...DEFAULT_INGEST_LIMITS, ...limits }, log);
  try {
    return await run(pool);
  } finally {
    await pool.close();
  }
}

async function rejection(promise: Promise<unknown>): Promise<IngestError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof IngestError, `expected an IngestError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

test('a file is read in a child process and comes back as a document, chunks too', async () => {
  await withPool({}, async (pool) => {
    const file = path.join(PROJECT_ROOT, 'e2e/fixtures/docs/amoebax-manual.pdf');
    const doc = await pool.file(file, 'amoebax-manual.pdf');
    assert.equal(doc.title, "Amoebax User's Manual");
    assert.match(doc.text, /The installer will create an Amoebax entry in the start menu/);
    const chunks = await pool.chunk(doc);
    assert.ok(chunks.length > 3);
    assert.equal(chunks[0].text.split('\n')[0].startsWith("Amoebax User's Manual"), true);
    // The reader's own errors keep their message across the process boundary.
    const empty = save('empty.txt', Buffer.alloc(0));
    assert.equal((await rejection(pool.file(empty, 'empty.txt'))).message, 'empty.txt: the file is empty.');
  });
});

test('a file that reads too slowly is stopped at INGEST_TIMEOUT_MS; the next file is read by a fresh process', async () => {
  // 5,000 pages take PDF.js far longer (10 s and more) than the 3 s allowed here.
  const slow = save('slow.pdf', manyPagesPdf(5000));
  const fine = save('fine.txt', Buffer.from('Returns are free within 30 days of delivery.'));
  await withPool({ timeoutMs: 3000, maxPdfPages: 100_000 }, async (pool) => {
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const started = performance.now();
    const error = await rejection(pool.file(slow, 'slow.pdf'));
    const took = performance.now() - started;
    loop.disable();
    assert.match(error.message, /^slow\.pdf: reading this file took longer than 3 s, the limit \(INGEST_TIMEOUT_MS\), so it was stopped\./);
    assert.ok(took < 15_000, `stopped after ${Math.round(took)} ms`);
    // The PDF was parsed elsewhere: this event loop never stalled (a gross bound, on a shared machine).
    assert.ok(loop.max / 1e6 < 1000, `event loop stalled for ${Math.round(loop.max / 1e6)} ms`);
    const doc = await pool.file(fine, 'fine.txt');
    assert.equal(doc.text, 'Returns are free within 30 days of delivery.');
  });
});

test('a file that needs more memory than INGEST_MEMORY_MB is stopped, whatever filled it', async () => {
  // The unpacked-size check is turned off here, so PDF.js itself inflates the 300 MB stream: only the
  // watchdog on the process's resident memory (buffers included, not just the heap) can stop it.
  const bomb = save('bomb.pdf', await pdfStreamBomb(300 * 1024 * 1024));
  await withPool({ memoryMb: 160, maxUnpackedBytes: 4096 * 1024 * 1024 }, async (pool) => {
    const error = await rejection(pool.file(bomb, 'bomb.pdf'));
    assert.match(error.message, /^bomb\.pdf: reading this file needed more than 160 MB of memory, the limit \(INGEST_MEMORY_MB\), so it was stopped\./);
    const again = await pool.chunk({ title: 'Still here', text: 'The pool goes on after a killed process.' });
    assert.equal(again.length, 1);
  });
});

test('the same bomb is refused before parsing with the default limits, naming MAX_UNPACKED_MB', async () => {
  const bomb = save('bomb300.pdf', await pdfStreamBomb(300 * 1024 * 1024));
  await withPool({}, async (pool) => {
    const error = await rejection(pool.file(bomb, 'bomb300.pdf'));
    assert.match(error.message, /^bomb300\.pdf: this PDF unpacks to more than 200 MB of page content, the limit \(MAX_UNPACKED_MB\), so it was not read\./);
  });
});

test("extraction processes do not inherit the server's secrets", async () => {
  const secret = 'a'.repeat(64);
  const before = { SECRET_KEY: process.env.SECRET_KEY, ADMIN_PASSWORD: process.env.ADMIN_PASSWORD };
  process.env.SECRET_KEY = secret;
  process.env.ADMIN_PASSWORD = 'never-in-a-child';
  try {
    await withPool({}, async (pool) => {
      await pool.file(save('hello.txt', Buffer.from('Hello.')), 'hello.txt');
      // The process that read it is still alive (idle): its environment, as the kernel sees it.
      const children = readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'latin1').trim().split(/\s+/).filter(Boolean);
      assert.ok(children.length >= 1, 'an extraction process is running');
      for (const pid of children) {
        const environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
        assert.ok(!environ.includes(secret) && !environ.includes('never-in-a-child'), `process ${pid} sees a secret`);
      }
    });
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});
