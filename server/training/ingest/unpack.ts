// Counting what compressed data unpacks to, without keeping it: the check that runs before a parser
// (PDF.js, a Word reader) would unpack the same bytes into memory.
import { createInflate, createInflateRaw } from 'node:zlib';

/**
 * Bytes `compressed` inflates to, counted in pieces that are dropped at once; stops as soon as the
 * count passes `budget`. Data cut short or damaged counts what could be read (the parser decides then).
 * `format`: 'zlib' for PDF FlateDecode streams, 'raw' for ZIP members.
 */
export async function inflatedSize(compressed: Buffer, budget: number, format: 'zlib' | 'raw'): Promise<number> {
  const options = { finishFlush: 2 /* Z_SYNC_FLUSH: tolerate data cut short */ };
  const inflate = format === 'zlib' ? createInflate(options) : createInflateRaw(options);
  let size = 0;
  const done = new Promise<void>((resolve) => {
    inflate.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > budget) inflate.destroy();
    });
    inflate
      .on('end', resolve)
      .on('close', resolve)
      .on('error', () => resolve());
  });
  inflate.end(compressed);
  await done;
  return size;
}
