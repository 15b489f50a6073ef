// The public widget API. Everything a visitor's browser can reach lives here, behind the
// allowed-domains check, CORS for allowed origins only, rate limits and caps.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { forbidden, HttpError, notFound } from '../http/errors.js';
import { ErrorBody } from '../http/schemas.js';
import { characterCount, contactOf, readChatbotSettings } from '../chat/settings.js';
import { WidgetConfig, WidgetHistory } from './schemas.js';
import { history, visitorHistory } from '../chat/conversations.js';
import { answer, type AnswerInput } from '../chat/pipeline.js';
import { noteWidgetSeen } from './last-seen.js';
import { streamEvents } from '../chat/event-stream.js';
import { originAllowed, readWidgetSettings, VisitorId } from './settings.js';
import { findSession, SESSION_COOKIE } from '../auth/sessions.js';
import { leadFormRoutes } from '../leads/routes.js';

const ConversationId = z.string().uuid('conversationId is not valid.');

function requestOrigin(request: FastifyRequest): string | null {
  const origin = request.headers.origin;
  if (origin && origin !== 'null') return origin;
  const referer = request.headers.referer;
  if (referer) {
    try {
      return new URL(referer).origin;
    } catch {
      /* ignore */
    }
  }
  return null;
}

export const widgetRoutes: FastifyPluginAsyncZod = async (app) => {
  const publicOrigin = new URL(app.config.publicUrl).origin;
  const visitorHash = (visitorId: string) => app.secretBox.fingerprint(`visitor:${visitorId}`);

  /**
   * Whether the request comes from Docent's own page (the admin's Widget preview): its origin is PUBLIC_URL's,
   * or it carries a valid admin session (the cookie is SameSite=Strict, so only Docent's own pages send it) and
   * comes from the origin it was sent to. Never the Host header alone: a client (or a DNS-rebinding page) can
   * send any Origin with a matching Host.
   */
  const isOwnPage = async (request: FastifyRequest, origin: string | null): Promise<boolean> => {
    if (origin === null) return false;
    if (origin === publicOrigin) return true;
    const token = request.cookies[SESSION_COOKIE];
    return token !== undefined && origin === `${request.protocol}://${request.host}` && (await findSession(app.stores.auth, token)) !== null;
  };
  const fromOwnPage = new WeakMap<FastifyRequest, boolean>();

  // Origin check + CORS on every widget request, preflights included.
  app.addHook('onRequest', async (request, reply) => {
    const origin = requestOrigin(request);
    const own = await isOwnPage(request, origin);
    fromOwnPage.set(request, own);
    if (!own && !originAllowed(origin, (await readWidgetSettings(app.stores.config)).allowedDomains)) {
      throw forbidden('This website is not allowed to use this chat widget. Add it under Widget → Allowed domains.');
    }
    if (request.headers.origin) {
      reply.header('Access-Control-Allow-Origin', request.headers.origin);
      reply.header('Vary', 'Origin');
    }
    reply.header('Cross-Origin-Resource-Policy', 'cross-origin');
    if (request.method === 'OPTIONS') {
      reply.header('Access-Control-Allow-Methods', 'GET, POST');
      reply.header('Access-Control-Allow-Headers', 'Content-Type');
      reply.header('Access-Control-Max-Age', '600');
      return reply.code(204).send();
    }
  });
  app.options('/*', async (_request, reply) => reply.code(204).send());

  app.get(
    '/config',
    {
      schema: {
        response: {
          200: WidgetConfig,
        },
      },
    },
    async (_request, reply) => {
      const { allowedDomains: _hidden, ...widget } = await readWidgetSettings(app.stores.config);
      reply.header('Cache-Control', 'no-cache');
      const chatbot = await readChatbotSettings(app.stores.config);
      return {
        ...widget,
        strings: {},
        contact: contactOf(chatbot),
        handoff: { talkToPerson: chatbot.talkToPerson, consentText: chatbot.consentText, preChatForm: chatbot.preChatForm },
      };
    },
  );

  app.post(
    '/chat',
    {
      config: {
        rateLimit: {
          max: app.config.chatRateLimitPerIp,
          timeWindow: '1 minute',
          errorResponseBuilder: () => new HttpError(429, 'Too many messages. Please wait a minute and try again.'),
        },
      },
      schema: {
        body: z.object({
          visitorId: VisitorId,
          conversationId: ConversationId.nullish(),
          message: z.string({ message: 'message is required.' }).trim().min(1, 'Type a message.'),
        }),
        response: { 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 413: ErrorBody, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      const { stores, visitorLimits } = app;
      const settings = await readChatbotSettings(stores.config);
      const { visitorId, message } = request.body;
      const length = characterCount(message);
      if (length > settings.maxMessageLength) {
        throw new HttpError(
          413,
          `Your message is too long (${length.toLocaleString('en')} characters). Please keep it to ${settings.maxMessageLength.toLocaleString('en')} characters at most.`,
        );
      }
      const visitor = visitorHash(visitorId);
      await visitorLimits.admit(visitor);
      const tooLong = () => new HttpError(429, 'This conversation is very long. Please start a new chat.');
      const gone = () => notFound('This conversation does not exist. Start a new chat.');
      const requested = request.body.conversationId ?? null;
      // Chats from Docent's own page are the admin's preview: kept apart from visitor traffic and stats.
      const channel = fromOwnPage.get(request) ? 'playground' : 'widget';
      const origin = requestOrigin(request);

      let conversation: Pick<AnswerInput, 'conversationId' | 'history' | 'keep'>;
      let newConversation: boolean;
      if (settings.storeConversations) {
        if (requested && !(await stores.chat.visitorHasConversation(requested, visitor))) throw gone();
        if (requested && (await stores.chat.countQuestions(requested)) >= settings.maxMessagesPerConversation) throw tooLong();
        newConversation = requested === null;
        const earlier = requested ? await history(stores.chat, requested) : [];
        const conversationId = await stores.chat.addQuestion(requested, message, { visitorHash: visitor, origin, channel });
        conversation = { conversationId, history: earlier, keep: (answer) => stores.chat.addAnswer(answer) };
      } else {
        // Storing is off: the conversation lives in memory only. One no longer held (idle, restart) simply
        // continues as a new conversation, so the visitor's follow-up is answered, not refused.
        const live = app.liveConversations;
        const held = requested ? live.lookup(requested, visitor) : { found: false as const };
        if (held.found && !held.mine) throw gone();
        if (held.found && held.questions >= settings.maxMessagesPerConversation) throw tooLong();
        newConversation = !held.found;
        const { id, history: earlier } = live.addQuestion(held.found ? requested : null, visitor, message);
        conversation = {
          conversationId: id,
          history: earlier,
          keep: async (answer) => {
            live.addAnswer(id, answer);
            return true; // one no longer held (idle meanwhile) is no failure: it was never stored
          },
        };
      }
      const usageId = await visitorLimits.count({ visitorHash: visitor, channel, newConversation });
      if (channel === 'widget') await noteWidgetSeen(stores.config, origin, publicOrigin);

      // From here on the answer is a stream.
      await streamEvents(reply, (signal) => answer(app.chat, { ...conversation, question: message, visitorHash: visitor, signal, usageId }));
    },
  );

  app.get(
    '/history',
    {
      schema: {
        querystring: z.object({ visitorId: VisitorId, conversationId: ConversationId }),
        response: {
          200: WidgetHistory,
          400: ErrorBody,
          404: ErrorBody,
        },
      },
    },
    async (request) => {
      const { visitorId, conversationId } = request.query;
      const visitor = visitorHash(visitorId);
      const messages = (await app.stores.chat.visitorHasConversation(conversationId, visitor))
        ? await visitorHistory(app.stores.chat, conversationId)
        : app.liveConversations.visibleHistory(conversationId, visitor);
      if (!messages) throw notFound('This conversation does not exist. Start a new chat.');
      // Answers stored before sources needed a public URL may list files or Q&A entries: visitors see links only.
      return { conversationId, messages: messages.map((m) => ({ ...m, sources: m.sources.filter((s): s is { title: string; url: string } => !!s.url) })) };
    },
  );

  app.post(
    '/feedback',
    {
      schema: {
        body: z.object({ visitorId: VisitorId, messageId: z.string().uuid('messageId is not valid.'), value: z.enum(['up', 'down']).nullable() }),
        response: { 204: z.null(), 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const { messageId, value } = request.body;
      const visitor = visitorHash(request.body.visitorId);
      if (!(await app.stores.chat.setFeedback(messageId, visitor, value)) && !app.liveConversations.setFeedback(messageId, visitor, value))
        throw notFound('No such answer.');
      return reply.code(204).send(null);
    },
  );

  await app.register(leadFormRoutes({ visitorHash, requestOrigin }));
};
