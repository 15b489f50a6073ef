// A NUL character (U+0000) in a JSON body is refused with a 400 naming the field. It has no meaning in any text
// Docent keeps, and PostgreSQL cannot store it in text at all (cluster mode would fail with a 500); files and
// pages never get this far with one (training/ingest/normalize.ts removes control characters).
import { badRequest } from './errors.js';

const MAX_DEPTH = 64;

/** The path of the first string holding U+0000 in a parsed JSON body (`message`, `chatbot.greeting`, `items[2]`), or null. */
export function nulCharacterPath(value: unknown, path = '', depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || 'the body' : null;
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulCharacterPath(value[i], `${path}[${i}]`, depth + 1);
      if (found) return found;
    }
    return null;
  }
  for (const [key, inner] of Object.entries(value)) {
    if (key.includes('\u0000')) return path ? `${path} (a field name)` : 'a field name';
    const found = nulCharacterPath(inner, path ? `${path}.${key}` : key, depth + 1);
    if (found) return found;
  }
  return null;
}

/** preValidation hook: refuses a body with a NUL character before any route reads it. */
export async function refuseNulCharacters(request: { body?: unknown }): Promise<void> {
  if (request.body === undefined || request.body === null || typeof request.body !== 'object') return;
  const path = nulCharacterPath(request.body);
  if (path)
    throw badRequest(
      `${path} contains a NUL character (U+0000). Remove it and try again.`,
      path.includes(' ') ? undefined : { [path]: 'Contains a NUL character (U+0000).' },
    );
}
