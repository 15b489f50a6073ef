import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { setupChecklist } from './checklist.js';
import { widgetLastSeen } from '../widget/last-seen.js';
import { knowledgeBaseStats } from '../training/stats.js';
import { savedEndpoint } from '../settings/connection.js';
import { insightsRoutes } from './insights-routes.js';
import { notFound } from '../http/errors.js';
import { ErrorBody } from '../http/schemas.js';
import { AlertDismissed, AlertId, DashboardBody, DashboardStats } from './schemas.js';

export const dashboardRoutes: FastifyPluginAsyncZod = async (app) => {
  await app.register(insightsRoutes);

  app.get('/dashboard', { schema: { response: { 200: DashboardBody } } }, async () => ({
    checklist: await setupChecklist(app.stores.config, app.secretBox, {
      training: async () => {
        const stats = await knowledgeBaseStats(app.stores, await savedEndpoint(app.stores.config));
        if (stats.chunks === 0) return { done: false, detail: 'Add pages, files or Q&A and start training.' };
        if (stats.index && !stats.index.matchesSettings && stats.trainedChunks > 0) {
          return {
            done: true,
            detail: `Search still uses the index built with ${stats.index.baseUrl ?? 'OpenRouter'}. Rebuild it for your new provider in Database Management.`,
          };
        }
        if (stats.trainedChunks < stats.chunks)
          return { done: stats.trainedChunks > 0, detail: `${stats.trainedChunks} of ${stats.chunks} chunks trained. Start training to include the rest.` };
        return { done: true, detail: `${stats.documents} documents, ${stats.chunks} chunks trained.` };
      },
      widget: async () => {
        const seen = await widgetLastSeen(app.stores, new URL(app.config.publicUrl).origin);
        return seen ? { done: true, detail: `Visitors are chatting on ${seen.origin}.` } : { done: false, detail: 'Paste one script tag into your site.' };
      },
    }),
  }));

  // Widget traffic from the usage totals, not stored messages: right with storing off and after deletions.
  app.get('/dashboard/stats', { schema: { response: { 200: DashboardStats } } }, async () => {
    const today = new Date().toISOString().slice(0, 10);
    const { usage, chat } = app.stores;
    return {
      today: await usage.usageSince('widget', today),
      month: await usage.usageSince('widget', `${today.slice(0, 8)}01`),
      alerts: await chat.openAlerts(),
    };
  });

  app.post('/alerts/:id/dismiss', { schema: { params: AlertId, response: { 200: AlertDismissed, 400: ErrorBody, 404: ErrorBody } } }, async (request) => {
    if (!(await app.stores.chat.dismissAlert(request.params.id))) throw notFound('No such alert.');
    return { dismissed: true as const };
  });
};
