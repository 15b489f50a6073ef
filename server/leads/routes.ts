// Leads: the widget's "Talk to a person" and pre-chat forms (public, registered inside the widget API so the same
// allowed-domains check and CORS apply), and the admin's Leads screen.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { badRequest, forbidden, HttpError, notFound } from '../http/errors.js';
import { ErrorBody } from '../http/schemas.js';
import { readChatbotSettings } from '../chat/settings.js';
import { csvCell } from '../http/csv.js';
import { notify } from '../notifications/notify.js';
import {
  LeadCsv,
  LeadDeleted,
  LeadForm,
  LeadId,
  LeadList,
  LeadListQuery,
  LeadReceived,
  LeadStatusChange,
  LeadUpdated,
  LeadView,
  LEAD_MESSAGES,
  StatusFilter,
} from './schemas.js';
import { z } from 'zod';
import { leadConversationId } from './leads.js';

/** Form posts one IP may make in ten minutes (bad ones count too: guessing costs tries). */
export const LEAD_POSTS_PER_IP = 10;
/** Leads one visitor may leave in an hour. */
export const LEADS_PER_VISITOR_HOUR = 3;
const TOO_MANY = 'You have already sent us several messages. Please wait a while before sending another.';

export interface LeadFormDeps {
  visitorHash(visitorId: string): string;
  requestOrigin(request: FastifyRequest): string | null;
}

/** `POST /api/widget/leads`: registered by the widget routes, under their origin check and CORS. */
export const leadFormRoutes =
  (deps: LeadFormDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/leads',
      {
        bodyLimit: 16 * 1024,
        config: { rateLimit: { max: LEAD_POSTS_PER_IP, timeWindow: '10 minutes', errorResponseBuilder: () => new HttpError(429, TOO_MANY) } },
        schema: { body: LeadForm, response: { 201: LeadReceived, 400: ErrorBody, 403: ErrorBody, 413: ErrorBody, 429: ErrorBody } },
      },
      async (request, reply) => {
        const { stores } = app;
        const form = request.body;
        const settings = await readChatbotSettings(stores.config);
        if (form.kind === 'talk' && settings.talkToPerson === 'never') throw forbidden('"Talk to a person" is turned off on this site.');
        if (form.kind === 'pre_chat' && !settings.preChatForm) throw forbidden('The pre-chat form is turned off on this site.');
        // The honeypot: only a bot fills a field no person sees. It is told the same as a person and nothing is kept.
        if (form.website !== '') {
          request.log.info('lead form honeypot filled: nothing stored');
          return reply.code(201).send({ received: true });
        }
        if (settings.consentText && !form.consent) throw badRequest('Please correct the highlighted fields.', { consent: LEAD_MESSAGES.consent });
        const visitor = deps.visitorHash(form.visitorId);
        if ((await stores.leads.countVisitorLeads(visitor, new Date(Date.now() - 3_600_000).toISOString())) >= LEADS_PER_VISITOR_HOUR)
          throw new HttpError(429, TOO_MANY);
        // Attached only when it is this visitor's stored conversation (with storing off, there is none to attach).
        const conversationId = form.conversationId && (await stores.chat.visitorHasConversation(form.conversationId, visitor)) ? form.conversationId : null;
        const lead = {
          kind: form.kind,
          name: form.name,
          email: form.email,
          message: form.kind === 'talk' ? form.message : '',
          consentText: settings.consentText,
          visitorHash: visitor,
          conversationId,
          origin: deps.requestOrigin(request),
        };
        const id = await stores.leads.addLead(lead);
        try {
          await notify(stores, {
            type: 'new_lead',
            key: `lead:${id}`,
            data: { leadId: id, name: lead.name, email: lead.email, message: lead.message, conversationId },
          });
        } catch (err) {
          // The lead is stored and on the Leads screen: a notification problem must not fail the visitor's form.
          request.log.error({ err }, 'the notification for a new lead could not be queued');
        }
        return reply.code(201).send({ received: true });
      },
    );
  };

export const leadAdminRoutes: FastifyPluginAsyncZod = async (app) => {
  const { stores } = app;
  const leadView = async (id: number) => {
    const found = await stores.leads.findLead(id);
    if (!found) throw notFound('No such lead.');
    const { visitorHash: _private, ...lead } = found;
    const conversationId = await leadConversationId(stores.chat, found);
    return { lead: { ...lead, conversationId }, transcript: conversationId ? await stores.chat.transcript(conversationId) : null };
  };

  app.get('/leads', { schema: { querystring: LeadListQuery, response: { 200: LeadList, 400: ErrorBody } } }, async (request) => {
    const { status, limit, offset } = request.query;
    return stores.leads.listLeads(status, limit, offset);
  });

  app.get(
    '/leads/export.csv',
    { schema: { querystring: z.object({ status: StatusFilter }), response: { 200: LeadCsv, 400: ErrorBody } } },
    async (request, reply) => {
      const header = ['id', 'time', 'status', 'kind', 'name', 'email', 'message', 'consent', 'website', 'conversation'];
      const lines = [
        header.map(csvCell).join(','),
        ...(await stores.leads.exportLeads(request.query.status)).map((r) =>
          [r.id, r.createdAt, r.status, r.kind, r.name, r.email, r.message, r.consentText, r.origin, r.conversationId].map(csvCell).join(','),
        ),
      ];
      reply.header('Content-Type', 'text/csv; charset=utf-8');
      reply.header('Content-Disposition', `attachment; filename="docent-leads-${new Date().toISOString().slice(0, 10)}.csv"`);
      return `\uFEFF${lines.join('\r\n')}\r\n`;
    },
  );

  app.get('/leads/:id', { schema: { params: LeadId, response: { 200: LeadView, 400: ErrorBody, 404: ErrorBody } } }, async (request) =>
    leadView(request.params.id),
  );

  app.patch(
    '/leads/:id',
    { schema: { params: LeadId, body: LeadStatusChange, response: { 200: LeadUpdated, 400: ErrorBody, 404: ErrorBody } } },
    async (request) => {
      if (!(await stores.leads.setLeadStatus(request.params.id, request.body.status))) throw notFound('No such lead.');
      const { lead } = await leadView(request.params.id);
      return { lead };
    },
  );

  app.delete('/leads/:id', { schema: { params: LeadId, response: { 200: LeadDeleted, 400: ErrorBody, 404: ErrorBody } } }, async (request) => {
    if (!(await stores.leads.deleteLead(request.params.id))) throw notFound('No such lead.');
    return { deleted: true as const };
  });
};
