// `npm run bench [-- section …]`: runs the benchmark sections (all by default), prints a table and writes
// bench-results/<section>.json. A section is a file e2e/bench/<name>.ts exporting run(): Promise<Row[]>;
// add it to SECTIONS below.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Row } from './common.js';
import { PROJECT_ROOT } from '../../server/paths.js';

const SECTIONS: Record<string, () => Promise<{ run(): Promise<Row[]> }>> = {
  training: () => import('./training.js'),
  retrieval: () => import('./retrieval.js'),
  chat: () => import('./chat.js'),
  ingestion: () => import('./ingestion.js'),
  backup: () => import('./backup.js'),
  insights: () => import('./insights.js'),
  recall: () => import('./recall.js'),
  'vectors-postgres': () => import('./vectors-postgres.js'),
  keywords: () => import('./keywords.js'),
};

const RESULTS = path.join(PROJECT_ROOT, 'bench-results');

function table(rows: Row[]): string {
  const cells = rows.map((r) => [r.section, r.metric, `${r.value} ${r.unit}`, r.target ?? '', r.met === undefined ? '' : r.met ? 'yes' : 'NO', r.note ?? '']);
  const head = ['section', 'metric', 'value', 'target', 'met', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => x.padEnd(widths[i]))
      .join(' | ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join('\n');
}

async function main() {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !(w in SECTIONS));
  if (unknown.length) {
    console.error(`Unknown section(s): ${unknown.join(', ')}. Choose from: ${Object.keys(SECTIONS).join(', ')}.`);
    process.exit(2);
  }
  const names = wanted.length ? wanted : Object.keys(SECTIONS);
  mkdirSync(RESULTS, { recursive: true });
  const all: Row[] = [];
  let failed = false;
  for (const name of names) {
    console.error(`▶ ${name}…`);
    const started = new Date();
    const t0 = performance.now();
    const rows = await (await SECTIONS[name]()).run();
    const seconds = Math.round(performance.now() - t0) / 1000;
    all.push(...rows);
    const machine = {
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model,
      memoryMB: Math.round(os.totalmem() / 2 ** 20),
    };
    writeFileSync(
      path.join(RESULTS, `${name}.json`),
      `${JSON.stringify({ section: name, startedAt: started.toISOString(), seconds, machine, rows }, null, 2)}\n`,
    );
    console.error(`  ${name} took ${seconds} s → bench-results/${name}.json`);
    console.log(`\n${table(rows)}\n`);
    if (rows.some((r) => r.met === false)) failed = true;
  }
  if (names.length > 1) console.log(`\n${table(all)}\n`);
  if (failed) console.log('Some targets were missed (met = NO).');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
