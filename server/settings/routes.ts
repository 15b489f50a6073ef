import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { apiSettingsView, recordKeyCheck, removeApiKey } from './api-settings.js';
import {
  ApiSettingsInput,
  ApiSettingsView,
  EmbeddingModelCatalog,
  KeyTestRequest,
  KeyTestResult,
  ModelCatalog,
  OPENROUTER_KEY_FORMAT_MESSAGE,
  OPENROUTER_KEY_PATTERN,
  RefreshQuery,
  type SavedApiSettings,
} from './schemas.js';
import { applyApiSettings, unlistedModels } from './api-save.js';
import { candidateConnection, currentConnection } from './connection.js';
import { searchIndexView } from '../vectors/index-connection.js';
import { getChatModels, getEmbeddingModels } from '../openrouter/catalog.js';
import { testKey } from '../openrouter/key-check.js';
import { keyOutcomeReport, keyStatusOf } from '../openrouter/key-status.js';
import { balanceAfterSave, balanceView, evaluateLowBalance, recordKeyTest } from '../openrouter/credit-watch.js';
import { badRequest } from '../http/errors.js';
import { ErrorBody } from '../http/schemas.js';

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
        body: KeyTestRequest,
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
  app.get('/models', { schema: { querystring: RefreshQuery, response: { 200: ModelCatalog } } }, async (request) => {
    const [connection, options] = await catalogOptions(request.query);
    return getChatModels(app.stores.provider, connection, app.config, options);
  });

  app.get('/embedding-models', { schema: { querystring: RefreshQuery, response: { 200: EmbeddingModelCatalog } } }, async (request) => {
    const [connection, options] = await catalogOptions(request.query);
    return getEmbeddingModels(app.stores.provider, connection, app.config, options);
  });
};
