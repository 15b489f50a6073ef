import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorBody } from '../http/schemas.js';
import { attachment } from '../http/csv.js';
import { insights, insightsCsv } from './insights.js';
import { InsightsBody, InsightsCsv, InsightsExportQuery, InsightsQuery } from './schemas.js';

export const insightsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/dashboard/insights', { schema: { querystring: InsightsQuery, response: { 200: InsightsBody, 400: ErrorBody } } }, async (request) =>
    insights(app.stores, request.query.days),
  );

  app.get(
    '/dashboard/insights/export.csv',
    { schema: { querystring: InsightsExportQuery, response: { 200: InsightsCsv, 400: ErrorBody } } },
    async (request, reply) => {
      const { filename, body } = await insightsCsv(app.stores, request.query.days, request.query.list);
      reply.header('Content-Type', 'text/csv; charset=utf-8');
      reply.header('Content-Disposition', attachment(filename));
      reply.header('Cache-Control', 'no-store');
      return body;
    },
  );
};
