import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { setupChecklist } from './checklist.js';

const Step = z.object({ id: z.enum(['api-key', 'model', 'training', 'widget']), label: z.string(), done: z.boolean(), detail: z.string(), href: z.string() });

export const dashboardRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/dashboard', { schema: { response: { 200: z.object({ checklist: z.array(Step) }) } } }, async () => ({
    checklist: setupChecklist(app.db, app.secretBox),
  }));
};
