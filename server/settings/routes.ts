import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ApiSettingsInput,
  OPENROUTER_KEY_FORMAT_MESSAGE,
  OPENROUTER_KEY_PATTERN,
  apiSettingsView,
  recordKeyCheck,
  removeApiKey,
  type ApiSettingsView as SavedApiSettings,
} from './api-settings.js';
import { applyApiSettings, unlistedModels } from './api-save.js';
import { candidateConnection, currentConnection } from './connection.js';
import { searchIndexView } from '../vectors/index-connection.js';
import { PROVIDERS } from '../openrouter/client.js';
import { getChatModels, getEmbeddingModels } from '../openrouter/catalog.js';
import { testKey } from '../openrouter/key-check.js';
import { KEY_STATES, keyOutcomeReport, keyStatusOf } from '../openrouter/key-status.js';
import { balanceAfterSave, balanceView, evaluateLowBalance, recordKeyTest } from '../openrouter/credit-watch.js';
import { badRequest } from '../http/errors.js';
import { ErrorBody } from '../http/schemas.js';

const ApiSettingsView = z.object({
  provider: z.enum(PROVIDERS),
  baseUrl: z.string().nullable(),
  apiKey: z.object({ saved: z.boolean(), last4: z.string().nullable() }),
  keyCheck: z.object({ ok: z.boolean(), checkedAt: z.string() }).nullable(),
  /** The latest real outcome of calls with the saved key (chat, training, tests); null until there is one. */
  keyStatus: z.object({ state: z.enum(KEY_STATES), since: z.string(), message: z.string().nullable() }).nullable(),
  /** What the saved OpenRouter key can still spend, when it could be read. */
  balance: z.object({ amount: z.number(), source: z.enum(['credits', 'key_limit']), checkedAt: z.string(), low: z.boolean() }).nullable(),
  lowBalanceUsd: z.number(),
  model: z.string(),
  fallbackModels: z.array(z.string()),
  reasoningEnabled: z.boolean(),
  embeddingModel: z.string(),
  embeddingDimensions: z.number(),
  /** The index answering searches; after a change of provider it stays on the old one until rebuilt. */
  searchIndex: z.object({ provider: z.enum(PROVIDERS), baseUrl: z.string().nullable(), model: z.string(), matchesSettings: z.boolean() }).nullable(),
});

const KeyTestResult = z.union([
  z.object({
    ok: z.literal(true),
    key: z
      .object({ label: z.string(), limit: z.number().nullable(), limitRemaining: z.number().nullable(), usage: z.number(), isFreeTier: z.boolean() })
      .nullable(),
    balance: z.union([z.object({ available: z.literal(true), amount: z.number() }), z.object({ available: z.literal(false), message: z.string() })]).nullable(),
  }),
  z.object({ ok: z.literal(false), reason: z.enum(['rejected', 'unreachable', 'error']), message: z.string() }),
]);

const ReasoningInfo = z.object({
  supported: z.boolean(),
  mandatory: z.boolean(),
  efforts: z.array(z.string()).nullable(),
  defaultEffort: z.string().nullable(),
  supportsMaxTokens: z.boolean(),
});
const ModelInfo = z.object({
  id: z.string(),
  name: z.string(),
  contextLength: z.number().nullable(),
  maxOutputTokens: z.number().nullable(),
  promptPricePerM: z.number().nullable(),
  completionPricePerM: z.number().nullable(),
  free: z.boolean(),
  reasoning: ReasoningInfo,
});
const EmbeddingModelInfo = z.object({
  id: z.string(),
  name: z.string(),
  dimensions: z.number().nullable(),
  promptPricePerM: z.number().nullable(),
  contextLength: z.number().nullable(),
});
const catalogOf = <T extends z.ZodType>(item: T) => z.object({ models: z.array(item), fetchedAt: z.string().nullable(), error: z.string().nullable() });
const RefreshQuery = z.object({ refresh: z.enum(['0', '1', 'true', 'false']).optional() });
const wantsRefresh = (q: { refresh?: string }) => q.refresh === '1' || q.refresh === 'true';

export const settingsRoutes: FastifyPluginAsyncZod = async (app) => {
  const view = async (settings?: SavedApiSettings) => ({
    ...(settings ?? (await apiSettingsView(app.stores.config, app.secretBox))),
    keyStatus: await keyStatusOf(app.openRouterDeps),
    balance: await balanceView(app.openRouterDeps),
    searchIndex: await searchIndexView(app),
  });

  app.get('/settings/api', { schema: { response: { 200: ApiSettingsView } } }, async () => view());

  app.put('/settings/api', { schema: { body: ApiSettingsInput, response: { 200: ApiSettingsView, 400: ErrorBody } } }, async (request) => {
    const input = request.body;
    const fields = await unlistedModels(app, input);
    if (Object.keys(fields).length) throw badRequest('Please correct the highlighted fields.', fields);
    const saved = await applyApiSettings(app, input);
    request.log.info({ provider: saved.provider, model: saved.model, keyChanged: Boolean(input.apiKey) }, 'API settings saved');
    void balanceAfterSave(app.openRouterDeps); // in the background: saving does not wait for OpenRouter
    return view(saved);
  });

  app.delete('/settings/api/key', { schema: { response: { 200: ApiSettingsView } } }, async (request) => {
    request.log.info('API key removed');
    const settings = await removeApiKey(app.stores.config, app.secretBox);
    await evaluateLowBalance(app.openRouterDeps);
    return view(settings);
  });

  app.post(
    '/settings/api/test',
    {
      schema: {
        body: z.object({
          apiKey: z.string().trim().max(500).optional(),
          provider: z.enum(PROVIDERS).optional(),
          baseUrl: z.string().trim().url('Enter a valid base URL.').optional(),
        }),
        response: { 200: KeyTestResult, 400: ErrorBody },
      },
    },
    async (request) => {
      const { provider, baseUrl, apiKey } = await candidateConnection(app, request.body);
      if (!apiKey && provider === 'openrouter') throw badRequest('Enter an API key to test.', { apiKey: 'Enter an API key to test.' });
      if (provider === 'openrouter' && !OPENROUTER_KEY_PATTERN.test(apiKey!)) {
        throw badRequest(OPENROUTER_KEY_FORMAT_MESSAGE, { apiKey: OPENROUTER_KEY_FORMAT_MESSAGE });
      }
      const result = await testKey({ provider, baseUrl, apiKey }, app.config);
      await recordKeyTest(app.openRouterDeps, { provider, baseUrl, apiKey }, result);
      if (apiKey) await recordKeyCheck(app.stores.config, app.secretBox, { provider, baseUrl: provider === 'openrouter' ? null : baseUrl }, apiKey, result.ok);
      request.log.info({ ok: result.ok, reason: result.ok ? undefined : result.reason }, 'API key tested');
      return result;
    },
  );

  const catalogOptions = async (query: { refresh?: string }) => {
    const connection = await currentConnection(app);
    return [connection, { refresh: wantsRefresh(query), report: keyOutcomeReport(app.openRouterDeps, connection) }] as const;
  };
  app.get('/models', { schema: { querystring: RefreshQuery, response: { 200: catalogOf(ModelInfo) } } }, async (request) => {
    const [connection, options] = await catalogOptions(request.query);
    return getChatModels(app.db, connection, app.config, options);
  });

  app.get('/embedding-models', { schema: { querystring: RefreshQuery, response: { 200: catalogOf(EmbeddingModelInfo) } } }, async (request) => {
    const [connection, options] = await catalogOptions(request.query);
    return getEmbeddingModels(app.db, connection, app.config, options);
  });
};
