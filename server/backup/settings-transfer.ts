// Settings export and import: every setting of every settings section in one versioned JSON file, without
// secrets (the API key and the webhook token stay sealed in the database and are never written out or read
// in). An import is checked with the same schemas the settings screens save through, all of it before any
// of it is saved: one invalid field and nothing changes.
import type { z } from 'zod';
import type { ConfigStore } from '../stores/config-store.js';
import type { Stores } from '../stores/stores.js';
import { badRequest } from '../http/errors.js';
import { issueFields } from '../http/error-handler.js';
import { ChatbotSettings, readChatbotSettings, writeChatbotSettings } from '../chat/settings.js';
import { WidgetSettings, readWidgetSettings, writeWidgetSettings } from '../widget/settings.js';
import { RetrievalSettings, readRetrievalSettings, retrievalSettingsProblems, writeRetrievalSettings } from '../retrieval/settings.js';
import { ApiSettingsInput, readApiSettings, updateEmbeddingModel } from '../settings/api-settings.js';
import { applyApiSettings, unlistedModels, type ApiSaveDeps } from '../settings/api-save.js';
import { currentConnection } from '../settings/connection.js';
import { endpointOf, endpointTarget } from '../openrouter/client.js';
import { knownEmbeddingDimensions } from '../openrouter/catalog.js';
import { EmbeddingModelChoice } from '../training/schemas.js';

export const SETTINGS_FORMAT = 'docent-settings';
export const SETTINGS_VERSION = 1;

/** What export and import need: saving API settings, and the search index (its embedding model stays). */
type App = ApiSaveDeps & { stores: Pick<Stores, 'vectors'> };
type Values = Record<string, unknown>;
type Issues = z.ZodError['issues'];

export interface SettingsFile {
  format: typeof SETTINGS_FORMAT;
  version: typeof SETTINGS_VERSION;
  exportedAt: string;
  settings: Record<string, Values>;
}

/** One setting an import changes. */
export interface SettingChange {
  /** Where it sits in the file: "chatbot.temperature". */
  path: string;
  /** The screen it is on, and its name there: "Chatbot", "Temperature". */
  section: string;
  setting: string;
  from: unknown;
  to: unknown;
}

export interface ImportPlan {
  changes: SettingChange[];
  /** Things the admin should know: what was left out of the import, and what it does besides. */
  notes: string[];
  /** Saves every change, section by section (everything was checked before: a section fails only with the database). */
  apply(): Promise<void>;
}

interface Checked {
  /** The section's values as they will be saved (or the per-field problems). */
  value?: Values;
  issues?: Issues;
  /** Per-field messages from rules across fields, keyed inside the section. */
  problems?: Record<string, string>;
  notes?: string[];
}

interface Section {
  label: string;
  /** Settings of this section whose home is another screen: shown under that screen's name. */
  screens?: Record<string, string>;
  /** Every setting of the section, as exported: never a secret. */
  read(app: App): Promise<Values>;
  check(app: App, values: Values, current: Values): Promise<Checked>;
  write(app: App, value: Values): Promise<void>;
}

/** A section stored by writeSection and saved whole from its screen: the schema is the screen's. */
function storedSection<S extends z.ZodObject>(
  label: string,
  schema: S,
  read: (store: ConfigStore) => Promise<z.output<S>>,
  write: (store: ConfigStore, value: z.output<S>) => Promise<unknown>,
  problems: (value: z.output<S>) => Record<string, string> = () => ({}),
): Section {
  return {
    label,
    read: async (app) => ({ ...(await read(app.stores.config)) }),
    async check(_app, values) {
      const parsed = schema.safeParse(values);
      if (!parsed.success) return { issues: parsed.error.issues };
      return { value: parsed.data as Values, problems: problems(parsed.data) };
    },
    write: async (app, value) => {
      await write(app.stores.config, value as z.output<S>);
    },
  };
}

function providerName(target: { provider: string; baseUrl: string | null }): string {
  return target.provider === 'openrouter' ? 'OpenRouter' : `the endpoint at ${target.baseUrl}`;
}

const apiSection: Section = {
  label: 'API Configuration',
  screens: { embeddingModel: 'Database Management' },
  async read(app) {
    const s = await readApiSettings(app.stores.config);
    return {
      provider: s.provider,
      baseUrl: s.baseUrl,
      model: s.model,
      fallbackModels: s.fallbackModels,
      reasoningEnabled: s.reasoningEnabled,
      lowBalanceUsd: s.lowBalanceUsd,
      embeddingModel: s.embeddingModel,
    };
  },
  async check(app, values, current) {
    const { embeddingModel, ...connection } = values;
    const parsed = ApiSettingsInput.safeParse(connection);
    const embedding = EmbeddingModelChoice.safeParse({ model: embeddingModel });
    const issues = [
      ...(parsed.success ? [] : parsed.error.issues),
      ...(embedding.success ? [] : embedding.error.issues.map((i) => ({ ...i, path: ['embeddingModel'] }))),
    ];
    if (!parsed.success || !embedding.success) return { issues };
    const input = parsed.data;
    const notes: string[] = [];
    let model = embedding.data.model;
    // The embedding model is the search index's: another one means re-embedding everything, which is
    // the admin's call (and cost) on Database Management, not a side effect of an import.
    const index = await app.stores.vectors.activeIndex();
    if (model !== current.embeddingModel && (index?.dimensions || (await app.stores.vectors.buildingIndex()))) {
      notes.push(
        `The embedding model stays ${current.embeddingModel}: switching to ${model} means rebuilding the search index. Do that on Data Training → Database Management.`,
      );
      model = current.embeddingModel as string;
    }
    const target = { provider: input.provider, baseUrl: input.provider === 'openai-compatible' ? input.baseUrl!.replace(/\/+$/, '') : null };
    // The same rules as saving the form: a key is never sent to another provider, so it is removed; an index
    // keeps embedding where it was built (with the key saved for it) until it is rebuilt.
    const saved = await currentConnection(app);
    if (input.provider !== saved.provider && saved.apiKey) {
      notes.push(
        `Your saved API key is for ${providerName(saved)}, so it will be removed: a key is never sent to another provider. Enter the key for ${providerName(target)} in Settings → API Configuration.`,
      );
    }
    if (endpointOf(target) !== endpointOf(saved) && index?.dimensions && index.endpoint === endpointOf(saved)) {
      notes.push(`The search index keeps using ${providerName(endpointTarget(index.endpoint))} until you rebuild it on Data Training → Database Management.`);
    }
    return {
      value: {
        ...target,
        model: input.model,
        fallbackModels: input.fallbackModels,
        reasoningEnabled: input.reasoningEnabled,
        lowBalanceUsd: input.lowBalanceUsd ?? current.lowBalanceUsd,
        embeddingModel: model,
      },
      notes,
    };
  },
  async write(app, value) {
    const { embeddingModel, ...input } = value as ApiSettingsInput & { embeddingModel: string };
    await applyApiSettings(app, input);
    const stored = await readApiSettings(app.stores.config);
    if (embeddingModel !== stored.embeddingModel)
      await updateEmbeddingModel(app.stores.config, embeddingModel, knownEmbeddingDimensions(embeddingModel) ?? stored.embeddingDimensions);
  },
};

/**
 * Every settings section, in file order. Each section written with writeSection must be here (or in
 * NOT_EXPORTED): settings-transfer.test.ts fails for a new section that is in neither.
 */
export const SECTIONS: Record<string, Section> = {
  api: apiSection,
  chatbot: storedSection('Chatbot', ChatbotSettings, readChatbotSettings, writeChatbotSettings),
  widget: storedSection('Widget', WidgetSettings, readWidgetSettings, writeWidgetSettings),
  retrieval: {
    ...storedSection('Chunking and retrieval', RetrievalSettings, readRetrievalSettings, writeRetrievalSettings, retrievalSettingsProblems),
    screens: { chunkTokens: 'Database Management', chunkOverlap: 'Database Management', topK: 'Chatbot', minMatch: 'Chatbot' },
  },
};

/** Settings sections left out of the file, and why. */
export const NOT_EXPORTED: Record<string, string> = {
  notifications:
    'The mail server, its password and the webhook with its signing secret belong to one install: set them up, and test them, in Settings → Notifications on each.',
  widget_last_seen: "Not a setting: where this install's widget was last used, recorded by Docent itself.",
};

/** Names that hold secrets: never exported, and ignored (with a note) when a file has them. */
const SECRET_NAMES = /^(api_?key|key|token|webhook_?token|secret|secret_?key|password)$/i;

export async function exportSettings(app: App, now = new Date()): Promise<SettingsFile> {
  const settings: Record<string, Values> = {};
  for (const [name, section] of Object.entries(SECTIONS)) settings[name] = await section.read(app);
  return { format: SETTINGS_FORMAT, version: SETTINGS_VERSION, exportedAt: now.toISOString(), settings };
}

const NOT_A_SETTINGS_FILE = 'This is not a Docent settings file. Choose a file made with Export settings (docent-settings-….json).';

/**
 * Checks a settings file against the saved settings: what would change, or a 400 naming every invalid
 * field ("chatbot.temperature"). A section or setting the file leaves out keeps its saved value.
 */
export async function planImport(app: App, file: unknown): Promise<ImportPlan> {
  if (!isObject(file) || file.format !== SETTINGS_FORMAT || typeof file.version !== 'number' || !Number.isInteger(file.version) || file.version < 1) {
    throw badRequest(NOT_A_SETTINGS_FILE);
  }
  if (file.version > SETTINGS_VERSION) {
    throw badRequest(
      `This settings file was made by a newer version of Docent (format version ${file.version}; this one reads version ${SETTINGS_VERSION}). Update Docent, then import it again.`,
    );
  }
  if (!isObject(file.settings) || !Object.keys(file.settings).some((name) => name in SECTIONS)) throw badRequest('The file has no settings to import.');

  const fields: Record<string, string> = {};
  const notes: string[] = [];
  const changes: SettingChange[] = [];
  const writes: Array<{ section: Section; value: Values }> = [];

  for (const [name, given] of Object.entries(file.settings)) {
    const section = SECTIONS[name];
    if (!section) {
      notes.push(`“${name}” is not a settings section of this version of Docent: it was left out.`);
      continue;
    }
    if (!isObject(given)) {
      fields[name] = 'Expected an object of settings.';
      continue;
    }
    const current = await section.read(app);
    const values: Values = { ...current };
    for (const [key, value] of Object.entries(given)) {
      if (key in current) values[key] = value;
      else if (SECRET_NAMES.test(key)) notes.push(`${name}.${key} was left out: secrets are never imported. Enter them on their settings screen.`);
      else notes.push(`${name}.${key} is not a setting of this version of Docent: it was left out.`);
    }
    const checked = await section.check(app, values, current);
    if (checked.issues) Object.assign(fields, issueFields(checked.issues, [name]));
    for (const [key, message] of Object.entries(checked.problems ?? {})) fields[`${name}.${key}`] ??= message;
    if (!checked.value) continue;
    notes.push(...(checked.notes ?? []));
    const changed = Object.keys(checked.value).filter((key) => !sameValue(checked.value![key], current[key]));
    if (changed.length === 0) continue;
    for (const key of changed)
      changes.push({
        path: `${name}.${key}`,
        section: section.screens?.[key] ?? section.label,
        setting: settingLabel(key),
        from: current[key],
        to: checked.value[key],
      });
    writes.push({ section, value: checked.value });
  }

  // The model ids are checked against the provider's catalog, as the form does: only when they are
  // valid otherwise, and only when the API section changes (it may fetch the catalog).
  const api = writes.find((w) => w.section === apiSection);
  if (api && Object.keys(fields).length === 0) {
    for (const [key, message] of Object.entries(await unlistedModels(app, api.value as ApiSettingsInput))) fields[`api.${key}`] = message;
  }
  if (Object.keys(fields).length)
    throw badRequest('The file has invalid settings: nothing was imported. Correct them in the file, or export the settings again.', fields);

  return {
    changes,
    notes,
    async apply() {
      for (const { section, value } of writes) await section.write(app, value);
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const LABELS: Record<string, string> = {
  // The names the screens use (Chatbot, Database Management).
  topK: 'Chunks per answer',
  minMatch: 'Minimum match',
  chunkTokens: 'Chunk size',
  chunkOverlap: 'Chunk overlap',
  baseUrl: 'Base URL',
  apiKey: 'API key',
  avatarUrl: 'Avatar URL',
  dailySpendCapUsd: 'Daily spend cap (USD)',
  reasoningEnabled: 'Reasoning',
  lowBalanceUsd: 'Low-balance warning (USD)',
  openOnLoad: 'Open on page load',
  qaAnswerMatch: 'Q&A answer match',
  rewriteFollowUps: 'Rewrite follow-ups with the model',
};

/** "maxAnswerTokens" → "Max answer tokens". */
function settingLabel(key: string): string {
  if (LABELS[key]) return LABELS[key];
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
