import { extractFile } from './server/training/ingest/extract.ts';
import { chunkDocument } from './server/training/ingest/chunk.ts';
import { readFileSync } from 'node:fs';
for (const f of ['dpkg-triggers.txt', 'coco-user-manual.docx', 'transfig-manual.pdf']) {
  const d = await extractFile(readFileSync('e2e/fixtures/docs/' + f), f);
  const paras = d.text.split('\n\n');
  const a = chunkDocument(d);
  const ha = new Set(a.map(c => c.hash));
  const stats: number[] = [];
  for (let trial = 0; trial < 40; trial++) {
    const idx = Math.floor((trial + 0.5) / 40 * paras.length);
    if (paras[idx].startsWith('#') || paras[idx].startsWith('```')) continue;
    const edited = paras.slice(); edited[idx] = edited[idx] + ' This sentence was added by an edit to make it longer and different.';
    const b = chunkDocument({ ...d, text: edited.join('\n\n') });
    stats.push(b.filter(c => !ha.has(c.hash)).length);
  }
  console.log(f, a.length, 'chunks; changed per edit:', stats.join(','));
}
