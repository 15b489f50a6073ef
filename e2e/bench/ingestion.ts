// Ingestion: how fast extraction processes read files (pages/s, MB/s), what the event loop that serves
// visitors sees while a large PDF is ingested through the real server (p99 delay, /healthz latency),
// against the same PDF read on the event loop as before, and how fast hostile files are refused.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pino from 'pino';
import { createIngestPool } from '../../server/training/ingest/pool.js';
import { createInProcessReader, type ContentReader } from '../../server/training/ingest/reader.js';
import { DEFAULT_INGEST_LIMITS } from '../../server/training/ingest/limits.js';
import { PROJECT_ROOT } from '../../server/paths.js';
import { setupAdmin, startDocent } from '../support/harness.js';
import { multipart } from '../support/multipart.js';
import { docxZipBomb, manyPagesPdf, oneParagraphOfShortLines, pdfStreamBomb } from '../support/hostile-files.js';
import { corpus, percentile, round, type Row } from './common.js';

const LARGE_PDF_PAGES = 1500;

/** p99 and max of the event loop's delay (ms) while `work` runs. */
async function loopDelay<T>(work: () => Promise<T>): Promise<{ result: T; p99: number; max: number; ms: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const t0 = performance.now();
  const result = await work();
  const ms = performance.now() - t0;
  histogram.disable();
  return { result, p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6, ms };
}

/** A long help text: the synthetic corpus's documents, one after another, as Markdown. */
function longMarkdown(bytes: number): Buffer {
  const c = corpus();
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const d = c.document(i);
    const piece = `# ${d.title}\n\n${d.text}\n\n`;
    parts.push(piece);
    size += piece.length;
  }
  return Buffer.from(parts.join(''));
}

export async function run(): Promise<Row[]> {
  const rows: Row[] = [];
  const row = (r: Omit<Row, 'section'>) => {
    rows.push({ section: 'ingestion', ...r });
  };
  const dir = mkdtempSync(path.join(tmpdir(), 'docent-bench-ingest-'));
  const save = (name: string, data: Buffer) => {
    const file = path.join(dir, name);
    writeFileSync(file, data);
    return file;
  };
  const pool = createIngestPool(DEFAULT_INGEST_LIMITS, pino({ level: 'silent' }));
  try {
    // 1. Throughput of extraction processes (IPC included), after one warm-up call that starts the process.
    await pool.chunk({ title: 'warm-up', text: 'Warm-up.' });
    const pdf = manyPagesPdf(LARGE_PDF_PAGES);
    const pdfFile = save('large.pdf', pdf);
    const readPdf = await loopDelay(() => pool.file(pdfFile, 'large.pdf'));
    row({
      metric: `PDF, ${LARGE_PDF_PAGES} pages (${round(pdf.length / 1048576, 1)} MB), read in an extraction process`,
      value: round(LARGE_PDF_PAGES / (readPdf.ms / 1000), 0),
      unit: 'pages/s',
      note: `${round(readPdf.ms / 1000, 2)} s; event loop here p99 ${round(readPdf.p99, 1)} ms, max ${round(readPdf.max, 1)} ms`,
    });
    const manual = path.join(PROJECT_ROOT, 'e2e/fixtures/docs/amoebax-manual.pdf');
    const manualRead = await loopDelay(() => pool.file(manual, 'amoebax-manual.pdf'));
    row({ metric: 'PDF, a real 12-page manual (427 KB)', value: round(manualRead.ms, 0), unit: 'ms', note: 'fonts, metadata and layout analysis' });
    const docx = path.join(PROJECT_ROOT, 'e2e/fixtures/docs/coco-user-manual.docx');
    const docxRead = await loopDelay(() => pool.file(docx, 'coco-user-manual.docx'));
    row({ metric: 'Word, a real manual (75 KB)', value: round(docxRead.ms, 0), unit: 'ms', note: 'zip check, then mammoth' });
    const md = longMarkdown(4 * 1048576);
    const mdFile = save('help.md', md);
    const mdRead = await loopDelay(() => pool.file(mdFile, 'help.md'));
    row({
      metric: 'Markdown, 4 MB help text',
      value: round(md.length / 1048576 / (mdRead.ms / 1000), 1),
      unit: 'MB/s',
      note: `${round(mdRead.ms / 1000, 2)} s`,
    });
    const chunkRead = await loopDelay(() => pool.chunk(mdRead.result));
    row({
      metric: 'chunking the same 4 MB text (tokenizing)',
      value: round(md.length / 1048576 / (chunkRead.ms / 1000), 1),
      unit: 'MB/s',
      note: `${chunkRead.result.length} chunks in ${round(chunkRead.ms / 1000, 2)} s`,
    });
    const txt = oneParagraphOfShortLines(4 * 1048576);
    const txtFile = save('one-paragraph.txt', txt);
    const txtRead = await loopDelay(() => pool.file(txtFile, 'one-paragraph.txt'));
    row({
      metric: 'plain text, 4 MB of short lines in one paragraph',
      value: round(txt.length / 1048576 / (txtRead.ms / 1000), 1),
      unit: 'MB/s',
      note: `${round(txtRead.ms / 1000, 2)} s (was quadratic: 69 s at 2 MB)`,
    });

    // 2. Hostile files: time to a clear refusal.
    for (const [name, label, data] of [
      ['stream-bomb.pdf', 'a PDF stream bomb (300 MB unpacked)', await pdfStreamBomb(300 * 1048576)],
      ['zip-bomb.docx', 'a Word zip bomb (1 GB unpacked)', await docxZipBomb(1024 * 1048576)],
      ['pages.pdf', 'a 20,000-page PDF', manyPagesPdf(20_000)],
    ] as Array<[string, string, Buffer]>) {
      const file = save(name, data);
      const t0 = performance.now();
      const error = await pool.file(file, name).then(
        () => 'read',
        (e: Error) => e.message,
      );
      row({ metric: `refusing ${label}`, value: round(performance.now() - t0, 0), unit: 'ms', note: `${error.slice(name.length + 2, name.length + 80)}…` });
    }

    // 3. What visitors see: the event loop of a real server while the large PDF is uploaded and read.
    const docent = await startDocent({ env: { LOG_LEVEL: 'warn' } });
    try {
      const admin = await setupAdmin(docent.app);
      const healthLatencies: number[] = [];
      let polling = true;
      const poll = (async () => {
        while (polling) {
          const t0 = performance.now();
          await (await fetch(`${docent.url}/healthz`)).arrayBuffer();
          healthLatencies.push(performance.now() - t0);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      const idle = await loopDelay(() => new Promise((resolve) => setTimeout(resolve, 2000)));
      const { payload, contentType } = multipart([{ name: 'large.pdf', data: pdf }]);
      const idleHealth = healthLatencies.splice(0);
      const upload = await loopDelay(async () => {
        const res = await fetch(`${docent.url}/api/admin/training/files`, {
          method: 'POST',
          body: new Uint8Array(payload),
          headers: { 'content-type': contentType, cookie: admin.cookie, 'x-csrf-token': admin.csrfToken },
        });
        return (await res.json()) as { results: Array<{ ok: boolean; chunks?: number }> };
      });
      polling = false;
      await poll;
      const busyHealth = healthLatencies.sort((a, b) => a - b);
      idleHealth.sort((a, b) => a - b);
      row({
        metric: `event loop p99 while a ${LARGE_PDF_PAGES}-page PDF is uploaded, read and stored`,
        value: round(upload.p99, 1),
        unit: 'ms',
        target: '≤ 50',
        met: upload.p99 <= 50,
        note: `max ${round(upload.max, 1)} ms; idle p99 ${round(idle.p99, 1)} ms; upload took ${round(upload.ms / 1000, 1)} s, ${upload.result.results[0]?.chunks} chunks`,
      });
      row({
        metric: '/healthz p99 during that upload',
        value: round(percentile(busyHealth, 99), 1),
        unit: 'ms',
        note: `idle p99 ${round(percentile(idleHealth, 99), 1)} ms; ${busyHealth.length} requests`,
      });
    } finally {
      await docent.close();
    }

    // 4. The same PDF read on the event loop, as before extraction processes: what every visitor waited.
    const inProcess: ContentReader = createInProcessReader(DEFAULT_INGEST_LIMITS);
    const before = await loopDelay(async () => inProcess.chunk(await inProcess.file(pdfFile, 'large.pdf')));
    row({
      metric: `REFERENCE: the same PDF read and chunked on the event loop (before)`,
      value: round(before.max, 0),
      unit: 'ms',
      note: `the longest stall every visitor would have waited; p99 ${round(before.p99, 0)} ms`,
    });
  } finally {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
