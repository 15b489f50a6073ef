import { extractFile } from './server/training/ingest/extract.ts';
import { chunkDocument } from './server/training/ingest/chunk.ts';
import { readFileSync } from 'node:fs';
for (let k = 0; k < 2; k++) {
let t0 = performance.now();
const d = await extractFile(readFileSync('e2e/fixtures/docs/coco-user-manual.docx'), 'c.docx');
let t1 = performance.now();
const a = chunkDocument(d); let t2 = performance.now();
console.log('extract', t1 - t0, 'chunk', t2 - t1);
}
