// Files built to hurt a reader, generated here rather than stored: PDF stream bombs, PDFs with
// thousands of pages, Word zip bombs, text that was quadratic to unwrap. Used by the hostile-files
// tests and by `npm run bench` (ingestion). Everything is built in pieces: a 1 GB bomb never
// exists uncompressed in this process either.
import { createDeflate, createDeflateRaw, crc32 } from 'node:zlib';

/** Deflates `times` copies of `piece` (zlib format, or raw for ZIP) without ever holding them all. */
export async function deflateRepeated(piece: Buffer, times: number, format: 'zlib' | 'raw' = 'zlib'): Promise<Buffer> {
  const deflate = format === 'zlib' ? createDeflate({ level: 9 }) : createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => out.push(chunk));
  const done = new Promise<void>((resolve, reject) => deflate.on('end', resolve).on('error', reject));
  for (let i = 0; i < times; i++) {
    if (!deflate.write(piece)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await done;
  return Buffer.concat(out);
}

/** A minimal PDF: numbered objects, an xref table, a trailer. `objects[i]` is object i + 1. */
function buildPdf(objects: Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = parts[0].length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(offset);
    const obj = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    parts.push(obj);
    offset += obj.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`, ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${offset}\n%%EOF\n`));
  return Buffer.concat(parts);
}

const stream = (dict: string, data: Buffer) => Buffer.concat([Buffer.from(`<< ${dict} /Length ${data.length} >>\nstream\n`), data, Buffer.from('\nendstream')]);

/** Page objects from 5 on; `contents(i)` names page i's content stream object. */
function pdfWith(pageCount: number, streams: Buffer[], contents: (page: number) => number): Buffer {
  const kids = Array.from({ length: pageCount }, (_, i) => `${5 + streams.length - 1 + i} 0 R`).join(' ');
  const objects = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'),
    Buffer.from(`<< /Type /Pages /Kids [${kids}] /Count ${pageCount} >>`),
    Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'),
    ...streams,
    ...Array.from({ length: pageCount }, (_, i) =>
      Buffer.from(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${contents(i)} 0 R /Resources << /Font << /F1 3 0 R >> >> >>`),
    ),
  ];
  return buildPdf(objects);
}

const WORDS = ['returns', 'shipping', 'warranty', 'billing', 'accounts', 'delivery', 'support', 'pricing', 'orders', 'refunds', 'parcels', 'invoices'];

/** A real PDF of `pageCount` pages, each with its own text (so none looks like a running header). */
export function manyPagesPdf(pageCount: number): Buffer {
  const streams = Array.from({ length: pageCount }, (_, i) => {
    const a = WORDS[i % WORDS.length];
    const b = WORDS[Math.floor(i / WORDS.length) % WORDS.length];
    const c = WORDS[Math.floor(i / WORDS.length ** 2) % WORDS.length];
    const text = `BT /F1 12 Tf 72 720 Td (This page explains ${a} together with ${b} and ${c} for every customer.) Tj 0 -16 Td (Read it before you contact ${b} about ${a}.) Tj ET`;
    return stream('', Buffer.from(text));
  });
  return pdfWith(pageCount, streams, (i) => 4 + i);
}

/** A one-page PDF whose content stream inflates to `inflatedBytes` (1.2 MB on disk inflates to 300 MB). */
export async function pdfStreamBomb(inflatedBytes: number): Promise<Buffer> {
  const piece = Buffer.alloc(1024 * 1024, ' ');
  const compressed = await deflateRepeated(piece, Math.ceil(inflatedBytes / piece.length));
  return pdfWith(1, [stream('/Filter /FlateDecode', compressed)], () => 4);
}

/** A ZIP with the given members, deflated (method 8) or stored. */
function buildZip(members: Array<{ name: string; data: Buffer; size: number; crc: number; method: 0 | 8 }>): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(m.method, 8);
    local.writeUInt32LE(m.crc, 14);
    local.writeUInt32LE(m.data.length, 18);
    local.writeUInt32LE(m.size, 22);
    local.writeUInt16LE(name.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(m.method, 10);
    dir.writeUInt32LE(m.crc, 16);
    dir.writeUInt32LE(m.data.length, 20);
    dir.writeUInt32LE(m.size, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    locals.push(local, name, m.data);
    central.push(dir, name);
    offset += 30 + name.length + m.data.length;
  }
  const dirBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(dirBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dirBytes, end]);
}

const stored = (name: string, text: string) => {
  const data = Buffer.from(text);
  return { name, data, size: data.length, crc: crc32(data), method: 0 as const };
};

/** A .docx whose word/document.xml inflates to `inflatedBytes` of whitespace inside a valid body. */
export async function docxZipBomb(inflatedBytes: number): Promise<Buffer> {
  const piece = Buffer.alloc(1024 * 1024, ' ');
  const times = Math.ceil(inflatedBytes / piece.length);
  const data = await deflateRepeated(piece, times, 'raw');
  return buildZip([
    stored(
      '[Content_Types].xml',
      '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    ),
    stored(
      '_rels/.rels',
      '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    ),
    // The sizes claim a small file; only inflating tells the truth (as with real bombs).
    { name: 'word/document.xml', data, size: 1024, crc: 0, method: 8 },
  ]);
}

/** Text of short lines and no blank line at all: one paragraph of `bytes` (unwrapping it was quadratic). */
export function oneParagraphOfShortLines(bytes: number): Buffer {
  const line = 'the quick brown fox jumps over the lazy dog again and again\n';
  return Buffer.from(line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes));
}

/** Files whose name says one thing and whose bytes say another. */
export const mislabelled = {
  'photo.pdf': Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
  'archive.docx': buildZip([stored('notes.txt', 'not a word file')]),
  'program.txt': Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(64)]),
};
