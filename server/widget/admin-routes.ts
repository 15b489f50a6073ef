// Widget screen: the widget's settings and the embed snippet, with where the widget was last seen.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { ErrorBody } from '../http/schemas.js';
import { embedSnippet, publicAddress } from '../http/public-address.js';
import { WidgetSettings, readWidgetSettings, writeWidgetSettings } from './settings.js';
import { WidgetAdminView } from './schemas.js';
import { widgetLastSeen } from './last-seen.js';

export const widgetAdminRoutes: FastifyPluginAsyncZod = async (app) => {
  const { stores } = app;

  // PUBLIC_URL, or the address the admin opened Docent at (server/http/public-address.ts).
  const snippetFor = (request: FastifyRequest) => embedSnippet(publicAddress(app.config, request));
  app.get('/widget/settings', { schema: { response: { 200: WidgetAdminView } } }, async (request) => ({
    widget: await readWidgetSettings(stores.config),
    snippet: snippetFor(request),
    lastSeen: await lastSeen(),
  }));
  app.put('/widget/settings', { schema: { body: WidgetSettings, response: { 200: WidgetAdminView, 400: ErrorBody } } }, async (request) => ({
    widget: await writeWidgetSettings(stores.config, request.body),
    snippet: snippetFor(request),
    lastSeen: await lastSeen(),
  }));
  const lastSeen = () => widgetLastSeen(stores, new URL(app.config.publicUrl).origin);
};
