// Float vectors as the databases keep them (float32, little-endian bytes), and the exact cosine they are rescored with.

export function toBlob(vector: ArrayLike<number>): Buffer {
  const f32 = vector instanceof Float32Array ? vector : Float32Array.from(vector);
  return Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength);
}

export function fromBlob(blob: Buffer): Float32Array {
  // A view when the bytes are 4-byte aligned (blobs of 4 KB+ get their own memory); a copy otherwise.
  if (blob.byteOffset % 4 === 0) return new Float32Array(blob.buffer, blob.byteOffset, blob.byteLength / 4);
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  return new Float32Array(copy.buffer);
}

/** Cosine similarity, -1–1; null when the lengths differ or a vector is all zeros (no direction to compare). */
export function cosine(a: Float32Array, b: Float32Array): number | null {
  if (a.length !== b.length) return null;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : null;
}
