import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { badRequest, notFound } from '../http/errors.js';
import { ErrorBody } from '../http/schemas.js';
import { readRetrievalSettings, writeRetrievalSettings } from '../retrieval/settings.js';
import { characterCount, LONGEST_MESSAGE_ALLOWED, readChatbotSettings, writeChatbotSettings } from './settings.js';
import { deleteOlderThan, history } from './conversations.js';
import { pruneLedger } from './usage.js';
import { answer, type AnswerDebug } from './pipeline.js';
import { streamEvents } from './event-stream.js';
import {
  CONVERSATION_FILTERS,
  ChatbotSettingsUpdate,
  ChatbotSettingsView,
  ConversationDetail,
  ConversationList,
  ImproveAnswerBody,
  ImprovedAnswer,
} from './schemas.js';
import { csvCell } from '../http/csv.js';

const ConversationParams = z.object({ id: z.string().uuid('Not a conversation id.') });
const RETENTION_CHECK_MS = 6 * 60 * 60 * 1000;

export const chatAdminRoutes: FastifyPluginAsyncZod = async (app) => {
  const { stores } = app;

  app.get('/chatbot/settings', { schema: { response: { 200: ChatbotSettingsView } } }, async () => ({
    chatbot: await readChatbotSettings(stores.config),
    retrieval: await readRetrievalSettings(stores.config),
  }));
  app.put(
    '/chatbot/settings',
    {
      schema: {
        body: ChatbotSettingsUpdate,
        response: { 200: ChatbotSettingsView, 400: ErrorBody },
      },
    },
    async (request) => {
      const chatbot = await writeChatbotSettings(stores.config, request.body.chatbot);
      const retrieval = await writeRetrievalSettings(stores.config, { ...(await readRetrievalSettings(stores.config)), ...request.body.retrieval });
      return { chatbot, retrieval };
    },
  );

  const listQuery = z.object({
    filter: z.enum(CONVERSATION_FILTERS).default('all'),
    offset: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  });
  app.get('/conversations', { schema: { querystring: listQuery, response: { 200: ConversationList } } }, async (request) => {
    const { filter, limit, offset } = request.query;
    return stores.chat.listConversations(filter, limit, offset);
  });

  app.get('/conversations/export.csv', { schema: { querystring: listQuery.pick({ filter: true }) } }, async (request, reply) => {
    const rows = await stores.chat.exportMessages(request.query.filter);
    const header = [
      'conversation',
      'time',
      'role',
      'text',
      'sources',
      'status',
      'model',
      'prompt_tokens',
      'completion_tokens',
      'cost_usd',
      'latency_ms',
      'feedback',
    ];
    const lines = [
      header.map(csvCell).join(','),
      ...rows.map((r) =>
        [
          r.conversation,
          r.created_at,
          r.role,
          r.text,
          r.sources.map((s) => s.url ?? s.title).join(' '),
          r.status,
          r.model,
          r.prompt_tokens,
          r.completion_tokens,
          r.cost,
          r.latency_ms,
          r.feedback,
        ]
          .map(csvCell)
          .join(','),
      ),
    ];
    reply.header('Content-Type', 'text/csv; charset=utf-8');
    reply.header('Content-Disposition', `attachment; filename="docent-conversations-${new Date().toISOString().slice(0, 10)}.csv"`);
    return `\uFEFF${lines.join('\r\n')}\r\n`;
  });

  app.get(
    '/conversations/:id',
    { schema: { params: z.object({ id: z.string().uuid('Not a conversation id.') }), response: { 200: ConversationDetail, 404: ErrorBody } } },
    async (request) => {
      const detail = await stores.chat.conversationDetail(request.params.id);
      if (!detail) throw notFound('No such conversation.');
      return detail;
    },
  );

  // Improve answer: the admin's Q&A entry for a question the bot answered badly, saved and trained at once.
  app.post(
    '/conversations/:id/improve',
    {
      schema: { params: ConversationParams, body: ImproveAnswerBody, response: { 201: ImprovedAnswer, 400: ErrorBody, 404: ErrorBody } },
    },
    async (request, reply) => {
      const role = await stores.chat.messageRole(request.params.id, request.body.messageId);
      if (role === 'no_conversation') throw notFound('No such conversation.');
      if (role === 'no_message') throw notFound('No such answer in this conversation.');
      if (role !== 'assistant')
        throw badRequest('Choose one of the bot’s answers to improve, not a question.', {
          messageId: 'Choose one of the bot’s answers to improve, not a question.',
        });
      const entry = await app.training.saveAndTrainQa(request.body.question, request.body.answer);
      const improvedAt = new Date().toISOString();
      await stores.chat.markImproved(request.body.messageId, improvedAt, entry.documentId);
      return reply.code(201).send({ ...entry, messageId: request.body.messageId, improvedAt });
    },
  );

  app.delete('/conversations/:id', { schema: { params: z.object({ id: z.string().uuid('Not a conversation id.') }) } }, async (request) => {
    if (!(await stores.chat.deleteConversation(request.params.id))) throw notFound('No such conversation.');
    return { deleted: true };
  });

  // Playground: the admin chats as a visitor would and also sees the retrieved chunks and the prompt.
  app.post(
    '/playground/chat',
    {
      schema: {
        body: z.object({
          message: z
            .string()
            .trim()
            .min(1, 'Type a message.')
            .refine(
              (m) => characterCount(m) <= LONGEST_MESSAGE_ALLOWED,
              `Keep the message to ${LONGEST_MESSAGE_ALLOWED.toLocaleString('en')} characters at most.`,
            ),
          conversationId: z.string().uuid().nullish(),
        }),
        response: { 400: ErrorBody },
      },
    },
    async (request, reply) => {
      const visitorHash = app.secretBox.fingerprint('visitor:admin-playground');
      const requested = request.body.conversationId ?? null;
      if (requested && !(await stores.chat.isPlaygroundConversation(requested))) throw badRequest('Unknown playground conversation.');
      // The admin's own tests are kept whatever "Store conversations" says (they are no visitor's data), and paid for.
      const earlier = requested ? await history(stores.chat, requested) : [];
      const conversationId = await stores.chat.addQuestion(requested, request.body.message, { visitorHash, origin: null, channel: 'playground' });
      const usageId = await app.visitorLimits.count({ visitorHash, channel: 'playground', newConversation: requested === null });
      await streamEvents(reply, async function* (signal) {
        let info: AnswerDebug | null = null;
        yield* answer(
          app.chat,
          { conversationId, question: request.body.message, visitorHash, signal, usageId, history: earlier, keep: (a) => stores.chat.addAnswer(a) },
          (d) => {
            info = d;
          },
        );
        if (info) yield { type: 'debug', ...(info as AnswerDebug) };
      });
    },
  );

  // Retention: conversations older than the admin's limit are deleted a few times a day, and usage ledger
  // rows the limits no longer read with them.
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    const sweep = async () => {
      if (!(await app.schedule('retention', RETENTION_CHECK_MS))) return;
      const removed = await deleteOlderThan(stores.chat, (await readChatbotSettings(stores.config)).retentionDays);
      if (removed) app.log.info({ removed }, 'old conversations deleted');
      await pruneLedger(stores.usage);
    };
    const sweepLogged = () => void sweep().catch((err) => app.log.error({ err }, 'the retention sweep failed'));
    sweepLogged();
    timer = setInterval(sweepLogged, RETENTION_CHECK_MS);
    timer.unref();
  });
  app.addHook('onClose', async () => clearInterval(timer));
};
