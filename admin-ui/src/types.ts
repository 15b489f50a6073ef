// Shapes of the server API: the server's schemas, imported as types only (erased at build). See server/README.md.

export type {
  ApiSettings,
  ApiSettingsUpdate,
  KeyState,
  KeyTestResult,
  ModelCatalog,
  ModelInfo,
  Provider,
  SearchIndex,
} from '../../server/settings/schemas.js';
import type { SearchIndex } from '../../server/settings/schemas.js';

/** The chat model a new key starts with (the server's default too: server/settings/schemas.ts). */
export const DEFAULT_CHAT_MODEL = 'openai/gpt-5.4-mini';

/** Which provider an index embeds with: OpenRouter, or an OpenAI-compatible server at baseUrl. */
export type IndexEndpoint = Omit<SearchIndex, 'model'>;
