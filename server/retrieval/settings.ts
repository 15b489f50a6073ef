// Retrieval and chunking settings, shared by training (chunk size) and chat (top-k, minimum match).
import { z } from 'zod';
import type { ConfigStore } from '../stores/config-store.js';
import { readSection, writeSection } from '../settings/store.js';

export const RetrievalSettings = z.object({
  chunkTokens: z.number().int().min(100, 'Use at least 100 tokens per chunk.').max(2000, 'Use at most 2000 tokens per chunk.').default(350),
  chunkOverlap: z.number().int().min(0).max(400, 'Use at most 400 tokens of overlap.').default(50),
  topK: z.number().int().min(1, 'Retrieve at least 1 chunk.').max(20, 'Retrieve at most 20 chunks.').default(6),
  minMatch: z.number().min(0, 'Minimum match is a percentage from 0 to 100.').max(100, 'Minimum match is a percentage from 0 to 100.').default(30),
});
export type RetrievalSettings = z.output<typeof RetrievalSettings>;

/**
 * A change to some of the settings (no defaults: a left-out field keeps its saved value). Each screen saves its own:
 * Database Management the chunk size and overlap, the Chatbot screen chunks per answer and minimum match.
 */
export const RetrievalSettingsChange = z.object({
  chunkTokens: RetrievalSettings.shape.chunkTokens.unwrap().optional(),
  chunkOverlap: RetrievalSettings.shape.chunkOverlap.unwrap().optional(),
  topK: RetrievalSettings.shape.topK.unwrap().optional(),
  minMatch: RetrievalSettings.shape.minMatch.unwrap().optional(),
});

/**
 * Rules across fields, which the schema cannot carry (the Chatbot screen saves a pick of its fields):
 * per-field messages, empty when the settings hang together.
 */
export function retrievalSettingsProblems(s: Pick<RetrievalSettings, 'chunkTokens' | 'chunkOverlap'>): Record<string, string> {
  return s.chunkOverlap >= s.chunkTokens / 2 ? { chunkOverlap: 'Overlap must be less than half the chunk size.' } : {};
}

export const readRetrievalSettings = (store: ConfigStore) => readSection(store, 'retrieval', RetrievalSettings);
export const writeRetrievalSettings = (store: ConfigStore, value: z.input<typeof RetrievalSettings>) =>
  writeSection(store, 'retrieval', RetrievalSettings, value);

/** The chunker's options from the saved settings (used by every ingestion path). */
export async function chunkOptions(store: ConfigStore): Promise<{ maxTokens: number; overlapTokens: number }> {
  const s = await readRetrievalSettings(store);
  return { maxTokens: s.chunkTokens, overlapTokens: s.chunkOverlap };
}
