// Settings sections are JSON documents validated by a zod schema on every read, so a missing or
// outdated field falls back to its default instead of breaking a screen.
import type { z } from 'zod';
import type { ConfigStore, SecretWrite } from '../stores/config-store.js';

/**
 * The last parsed value per section, kept while the stored JSON is the same string: a chat message reads
 * four sections, and parsing is most of a read's cost. Values are frozen: a caller that changed one would
 * change it for every later reader.
 */
const parsedSections = new WeakMap<ConfigStore, Map<string, { json: string | undefined; schema: z.ZodType; value: unknown }>>();

export async function readSection<S extends z.ZodType>(store: ConfigStore, section: string, schema: S): Promise<z.output<S>> {
  const json = await store.readSection(section);
  let parsed = parsedSections.get(store);
  if (!parsed) parsedSections.set(store, (parsed = new Map()));
  const last = parsed.get(section);
  if (last && last.json === json && last.schema === schema) return last.value as z.output<S>;
  const result = schema.safeParse(json === undefined ? {} : safeJson(json));
  const value = deepFreeze(result.success ? result.data : schema.parse({}));
  parsed.set(section, { json, schema, value });
  return value;
}

export async function writeSection<S extends z.ZodType>(store: ConfigStore, section: string, schema: S, value: z.input<S>): Promise<z.output<S>> {
  const valid = schema.parse(value);
  await store.writeSection(section, JSON.stringify(valid));
  return valid;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * Read-modify-write of a section in one store transaction: `change` gets the current value (defaults filled in)
 * and returns the new one, with any secrets (sealed by the caller) to write alongside it.
 */
export async function updateSection<S extends z.ZodType>(
  store: ConfigStore,
  section: string,
  schema: S,
  change: (previous: z.output<S>) => { value: z.input<S>; secrets?: SecretWrite[] },
): Promise<z.output<S>> {
  let saved: z.output<S> | undefined;
  await store.updateSection(section, (json) => {
    const previous = schema.safeParse(json === undefined ? {} : safeJson(json));
    const { value, secrets } = change(previous.success ? previous.data : schema.parse({}));
    saved = schema.parse(value);
    return { json: JSON.stringify(saved), secrets };
  });
  return saved as z.output<S>;
}
