import { extractFile } from './server/training/ingest/extract.ts';
import { chunkDocument, countTokens } from './server/training/ingest/chunk.ts';
import { readFileSync } from 'node:fs';
const f = process.argv[2];
const d = await extractFile(readFileSync('e2e/fixtures/docs/' + f), f);
const t0 = Date.now();
const cs = chunkDocument(d, { maxTokens: +(process.argv[3] ?? 350) });
console.log(Date.now() - t0, 'ms', cs.length, 'chunks; tokens:', cs.map(c => c.tokenCount).join(','));
for (const c of cs.slice(0, +(process.argv[4] ?? 4))) console.log('-----', c.index, c.tokenCount, countTokens(c.text), JSON.stringify(c.headingPath), '\n' + c.text);
