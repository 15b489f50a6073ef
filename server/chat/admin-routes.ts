import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { badRequest, notFound } from '../http/errors.js';
import { ErrorBody } from '../http/schemas.js';
import { RetrievalSettings, readRetrievalSettings, writeRetrievalSettings } from '../retrieval/settings.js';
import { ChatbotSettings, characterCount, LONGEST_MESSAGE_ALLOWED, readChatbotSettings, writeChatbotSettings } from './settings.js';
import { addAssistantMessage, addQuestion, deleteOlderThan, history } from './conversations.js';
import { pruneLedger } from './usage.js';
import { countQuestion } from './visitor-limits.js';
import { answer, type AnswerDebug } from './pipeline.js';
import { streamEvents } from './event-stream.js';
import { ImproveAnswerBody, ImprovedAnswer } from './schemas.js';
import { csvCell } from '../http/csv.js';

const FILTERS = ['all', 'unanswered', 'thumbs-down'] as const;
const ConversationParams = z.object({ id: z.string().uuid('Not a conversation id.') });
const RETENTION_CHECK_MS = 6 * 60 * 60 * 1000;

export const chatAdminRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, stores } = app;

  app.get('/chatbot/settings', async () => ({ chatbot: await readChatbotSettings(stores.config), retrieval: await readRetrievalSettings(stores.config) }));
  app.put(
    '/chatbot/settings',
    {
      schema: {
        body: z.object({ chatbot: ChatbotSettings, retrieval: RetrievalSettings.pick({ topK: true, minMatch: true }) }),
        response: { 200: z.object({ chatbot: ChatbotSettings, retrieval: RetrievalSettings }), 400: ErrorBody },
      },
    },
    async (request) => {
      const chatbot = await writeChatbotSettings(stores.config, request.body.chatbot);
      const retrieval = await writeRetrievalSettings(stores.config, { ...(await readRetrievalSettings(stores.config)), ...request.body.retrieval });
      return { chatbot, retrieval };
    },
  );

  const listQuery = z.object({
    filter: z.enum(FILTERS).default('all'),
    offset: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  });
  const havingFor = (filter: (typeof FILTERS)[number]) =>
    filter === 'unanswered'
      ? "HAVING sum(m.status IN ('no_answer', 'error', 'links_only')) > 0"
      : filter === 'thumbs-down'
        ? "HAVING sum(m.feedback = 'down') > 0"
        : '';
  const countConversations = (filter: (typeof FILTERS)[number]) =>
    db
      .prepare(`SELECT count(*) FROM (SELECT c.id FROM conversations c
    JOIN messages m ON m.conversation_id = c.id GROUP BY c.id ${havingFor(filter)})`)
      .pluck()
      .get() as number;
  const conversationRows = (filter: (typeof FILTERS)[number], limit: number, offset: number) => {
    const having = havingFor(filter);
    return db
      .prepare(`SELECT c.id, c.created_at AS createdAt, c.updated_at AS updatedAt, c.origin, c.channel,
        (SELECT text FROM messages WHERE conversation_id = c.id AND role = 'user' ORDER BY created_at, rowid LIMIT 1) AS firstQuestion,
        count(m.id) AS messages, coalesce(sum(m.cost), 0) AS cost, coalesce(sum(m.prompt_tokens + m.completion_tokens), 0) AS tokens,
        sum(m.feedback = 'up') AS thumbsUp, sum(m.feedback = 'down') AS thumbsDown,
        sum(m.status IN ('no_answer', 'error', 'links_only')) AS unanswered,
        sum(m.qa_document_id IS NOT NULL) AS qaAnswers, max(m.improved_at) AS improvedAt,
        -- The answer the filter is about (the first one), so the list can offer Improve answer on it.
        ${
          filter === 'all'
            ? 'NULL'
            : `(SELECT id FROM messages WHERE conversation_id = c.id AND role = 'assistant' AND ${filter === 'unanswered' ? "status IN ('no_answer', 'error', 'links_only')" : "feedback = 'down'"}
          ORDER BY created_at, rowid LIMIT 1)`
        } AS flaggedMessageId
      FROM conversations c JOIN messages m ON m.conversation_id = c.id GROUP BY c.id ${having} ORDER BY c.updated_at DESC LIMIT ? OFFSET ?`)
      .all(limit, offset) as Array<Record<string, any>>;
  };

  app.get('/conversations', { schema: { querystring: listQuery } }, async (request) => {
    const { filter, limit, offset } = request.query;
    return { conversations: conversationRows(filter, limit, offset), total: countConversations(filter) };
  });

  app.get('/conversations/export.csv', { schema: { querystring: listQuery.pick({ filter: true }) } }, async (request, reply) => {
    const ids = conversationRows(request.query.filter, 100_000, 0).map((c) => c.id);
    const rows = db
      .prepare(`SELECT c.id AS conversation, m.created_at, m.role, m.text, m.sources, m.status, m.model, m.prompt_tokens, m.completion_tokens, m.cost, m.latency_ms, m.feedback
      FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.id IN (SELECT value FROM json_each(?)) ORDER BY c.created_at, m.created_at, m.rowid`)
      .all(JSON.stringify(ids)) as Array<Record<string, any>>;
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
          (JSON.parse(r.sources) as Array<{ title: string; url: string | null }>).map((s) => s.url ?? s.title).join(' '),
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

  app.get('/conversations/:id', { schema: { params: z.object({ id: z.string().uuid('Not a conversation id.') }) } }, async (request) => {
    const conversation = db.prepare('SELECT id, created_at AS createdAt, origin, channel FROM conversations WHERE id = ?').get(request.params.id);
    if (!conversation) throw notFound('No such conversation.');
    const messages = (
      db
        .prepare(`SELECT id, role, text, sources, retrieved, status, error, model, prompt_tokens AS promptTokens, completion_tokens AS completionTokens,
      reasoning_tokens AS reasoningTokens, cost, latency_ms AS latencyMs, first_token_ms AS firstTokenMs, feedback, created_at AS createdAt,
      qa_document_id IS NOT NULL AS qaAnswer, improved_at AS improvedAt, improved_qa_id AS improvedQaId
      FROM messages WHERE conversation_id = ? ORDER BY created_at, rowid`)
        .all(request.params.id) as Array<Record<string, any>>
    ).map((m) => ({ ...m, qaAnswer: m.qaAnswer === 1, sources: JSON.parse(m.sources), retrieved: JSON.parse(m.retrieved) }));
    return { conversation, messages };
  });

  // Improve answer: the admin's Q&A entry for a question the bot answered badly, saved and trained at once.
  app.post(
    '/conversations/:id/improve',
    {
      schema: { params: ConversationParams, body: ImproveAnswerBody, response: { 201: ImprovedAnswer, 400: ErrorBody, 404: ErrorBody } },
    },
    async (request, reply) => {
      const message = db.prepare('SELECT role FROM messages WHERE id = ? AND conversation_id = ?').get(request.body.messageId, request.params.id) as
        | { role: string }
        | undefined;
      if (!message) {
        throw db.prepare('SELECT 1 FROM conversations WHERE id = ?').get(request.params.id)
          ? notFound('No such answer in this conversation.')
          : notFound('No such conversation.');
      }
      if (message.role !== 'assistant')
        throw badRequest('Choose one of the bot’s answers to improve, not a question.', {
          messageId: 'Choose one of the bot’s answers to improve, not a question.',
        });
      const entry = await app.training.saveAndTrainQa(request.body.question, request.body.answer);
      const improvedAt = new Date().toISOString();
      db.prepare('UPDATE messages SET improved_at = ?, improved_qa_id = ? WHERE id = ?').run(improvedAt, entry.documentId, request.body.messageId);
      return reply.code(201).send({ ...entry, messageId: request.body.messageId, improvedAt });
    },
  );

  app.delete('/conversations/:id', { schema: { params: z.object({ id: z.string().uuid('Not a conversation id.') }) } }, async (request) => {
    if (db.prepare('DELETE FROM conversations WHERE id = ?').run(request.params.id).changes === 0) throw notFound('No such conversation.');
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
      if (requested && !db.prepare("SELECT 1 FROM conversations WHERE id = ? AND channel = 'playground'").get(requested))
        throw badRequest('Unknown playground conversation.');
      // The admin's own tests are kept whatever "Store conversations" says (they are no visitor's data), and paid for.
      const earlier = requested ? history(db, requested) : [];
      const conversationId = addQuestion(db, requested, request.body.message, { visitorHash, origin: null, channel: 'playground' });
      const usageId = countQuestion({ db }, { visitorHash, channel: 'playground', newConversation: requested === null });
      await streamEvents(reply, async function* (signal) {
        let info: AnswerDebug | null = null;
        yield* answer(
          app.chat,
          { conversationId, question: request.body.message, visitorHash, signal, usageId, history: earlier, keep: (a) => addAssistantMessage(db, a) },
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
      const removed = deleteOlderThan(db, (await readChatbotSettings(stores.config)).retentionDays);
      if (removed) app.log.info({ removed }, 'old conversations deleted');
      pruneLedger(db);
    };
    const sweepLogged = () => void sweep().catch((err) => app.log.error({ err }, 'the retention sweep failed'));
    sweepLogged();
    timer = setInterval(sweepLogged, RETENTION_CHECK_MS);
    timer.unref();
  });
  app.addHook('onClose', async () => clearInterval(timer));
};
