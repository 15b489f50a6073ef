// Just enough of the ZIP format to check a Word file before a parser unpacks it: its members, what
// they really inflate to (a "zip bomb" says little and unpacks to gigabytes), and one member's bytes.
import { inflateRawSync } from 'node:zlib';
import { inflatedSize } from './unpack.js';

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated; anything else is not read. */
  method: number;
  compressedSize: number;
  /** Where the member's data starts in the file, or -1 when its local header is missing. */
  dataStart: number;
}

/** A ZIP whose directory can't be read (truncated, ZIP64, more members than `maxEntries`). */
export class ZipLayoutError extends Error {}

/** The members listed in the central directory, in order. */
export function zipEntries(zip: Buffer, maxEntries: number): ZipEntry[] {
  // End of central directory: signature 0x06054b50 within the last 64 KiB.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipLayoutError('no central directory');
  const count = zip.readUInt16LE(eocd + 10);
  if (count > maxEntries) throw new ZipLayoutError(`more than ${maxEntries} members`);
  let p = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (p + 46 > zip.length || zip.readUInt32LE(p) !== 0x02014b50) throw new ZipLayoutError('damaged central directory');
    const method = zip.readUInt16LE(p + 10);
    const compressedSize = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    if (compressedSize === 0xffffffff || local === 0xffffffff) throw new ZipLayoutError('ZIP64 layout');
    const name = zip.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    let dataStart = -1;
    if (local + 30 <= zip.length && zip.readUInt32LE(local) === 0x04034b50) {
      dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    }
    entries.push({ name, method, compressedSize, dataStart });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** Bytes a member unpacks to, stopping once past `budget` (see inflatedSize). */
export async function unpackedSize(zip: Buffer, entry: ZipEntry, budget: number): Promise<number> {
  if (entry.dataStart < 0) return 0;
  const raw = zip.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
  if (entry.method === 0) return raw.length;
  return entry.method === 8 ? inflatedSize(raw, budget, 'raw') : 0;
}

/** Reads one member (null when missing or unreadable), at most `maxBytes` unpacked. */
export function readZipMember(zip: Buffer, name: string, maxBytes = 1024 * 1024): Buffer | null {
  try {
    const entry = zipEntries(zip, 100_000).find((e) => e.name === name);
    if (!entry || entry.dataStart < 0) return null;
    const raw = zip.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
    if (entry.method === 0) return raw.subarray(0, maxBytes);
    if (entry.method === 8) return inflateRawSync(raw, { maxOutputLength: maxBytes });
    return null;
  } catch {
    return null;
  }
}
