import { extractFile } from './server/training/ingest/extract.ts';
import { readFileSync, readdirSync } from 'node:fs';
for (const f of readdirSync('e2e/fixtures/docs').filter(f => !process.argv[2] || f.includes(process.argv[2]))) {
  const t0 = Date.now();
  try {
    const d = await extractFile(readFileSync('e2e/fixtures/docs/' + f), f);
    console.log('=====', f, Date.now() - t0, 'ms', JSON.stringify({ ...d, text: d.text.length }));
    console.log(d.text.slice(0, +(process.argv[3] ?? 600)));
  } catch (e: any) { console.log('=====', f, 'ERR', e.name, e.message); }
}
