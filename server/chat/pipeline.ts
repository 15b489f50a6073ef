// One visitor message, end to end: retrieve → (strict: "I don't know" with no model call) → prompt →
// streamed completion → events for the visitor → stored message. Upstream failures become a friendly
// event for the visitor (with helpful links when possible) and an alert with the real cause for the admin.
import { stmt } from '../db/database.js';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type OpenAI from 'openai';
import { createClient, providerLabel } from '../openrouter/client.js';
import { cachedChatModel } from '../openrouter/catalog.js';
import { describeUpstreamError, describeStatus, type UpstreamError, type UpstreamErrorKind } from '../openrouter/errors.js';
import { reasoningParam, type ReasoningParam } from '../openrouter/reasoning.js';
import { readApiSettings } from '../settings/api-settings.js';
import { currentConnection } from '../settings/connection.js';
import { retrieve, keywordQuery, type RetrievedChunk } from '../retrieval/retrieve.js';
import { embedderFor } from '../training/index-connection.js';
import { readRetrievalSettings } from '../retrieval/settings.js';
import { raiseAlert, resolveAlerts } from './alerts.js';
import { noteKeyOutcome } from '../openrouter/key-status.js';
import type { AssistantRecord, MessageStatus, SourceLink } from './conversations.js';
import { buildPrompt, type PromptMessage, type Turn } from './prompt.js';
import { recordAnswer, spentOn } from './usage.js';
import { readChatbotSettings } from './settings.js';

export type ChatEvent =
  | { type: 'start'; conversationId: string; messageId: string }
  | { type: 'thinking' }
  | { type: 'token'; text: string }
  | { type: 'sources'; sources: SourceLink[] }
  | { type: 'done'; messageId: string; answered: boolean }
  | { type: 'error'; code: 'unavailable' | 'rate_limited' | 'limit_reached'; message: string; sources: SourceLink[] };

export interface AnswerInput {
  conversationId: string;
  question: string;
  visitorHash: string;
  signal: AbortSignal;
  /** The question's usage ledger row (recordQuestion): the answer's cost is added to it. */
  usageId: number;
  /** The conversation's earlier turns, oldest first, wherever they are kept. */
  history: Turn[];
  /** Keeps the finished answer with its conversation (the database, or memory when storing is off). */
  keep(answer: AssistantRecord): void;
}

/** What the admin's Playground shows besides the answer. */
export interface AnswerDebug { chunks: RetrievedChunk[]; prompt: PromptMessage[] | null; model: string | null; reasoning: ReasoningParam | null; problem: string | null }

export const FRIENDLY = {
  unavailable: "Sorry, I can't answer right now. Please try again in a little while.",
  unavailableWithLinks: "Sorry, I can't answer right now, but these pages may help:",
  rateLimited: "I'm getting a lot of questions right now. Please try again in a minute.",
};

/** Which failures the admin hears about on the dashboard: all but a request cancelled on purpose. */
const ALERTS_ADMIN: Record<UpstreamErrorKind, boolean> = {
  invalid_key: true, payment_required: true, rate_limited: true, forbidden: true, bad_request: true, not_found: true,
  upstream_down: true, timeout: true, unreachable: true, aborted: false,
};

const MAX_SOURCES = 5;
const DEFAULT_CONTEXT = 32_000;

export function sourcesOf(chunks: Array<Pick<RetrievedChunk, 'title' | 'url'>>): SourceLink[] {
  const seen = new Set<string>();
  const out: SourceLink[] = [];
  for (const c of chunks) {
    const key = c.url ?? c.title;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ title: c.title, url: c.url });
    if (out.length === MAX_SOURCES) break;
  }
  return out;
}

/** Pages matching the question's words, found without any API call (when the provider is down). */
export function keywordSources(app: FastifyInstance, question: string): SourceLink[] {
  const fts = keywordQuery(question);
  if (!fts) return [];
  const rows = stmt(app.db, `SELECT d.title, d.url FROM chunks_fts f JOIN chunks c ON c.id = f.rowid JOIN documents d ON d.id = c.document_id
    JOIN sources s ON s.id = d.source_id WHERE s.enabled = 1 AND chunks_fts MATCH ? ORDER BY bm25(chunks_fts) LIMIT 20`).all(fts) as Array<{ title: string; url: string | null }>;
  return sourcesOf(rows);
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

export async function* answer(app: FastifyInstance, input: AnswerInput, debug?: (d: AnswerDebug) => void): AsyncGenerator<ChatEvent> {
  const { db } = app;
  const t0 = performance.now();
  const messageId = randomUUID();
  const chatbot = readChatbotSettings(db);
  const retrieval = readRetrievalSettings(db);
  const api = readApiSettings(db);
  const connection = currentConnection(app);
  const info: AnswerDebug = { chunks: [], prompt: null, model: api.model, reasoning: null, problem: null };
  const record = { text: '', sources: [] as SourceLink[], status: 'complete' as MessageStatus, error: null as string | null, model: null as string | null,
    promptTokens: 0, completionTokens: 0, reasoningTokens: 0, cost: 0, firstTokenMs: null as number | null, chunks: [] as RetrievedChunk[] };
  const save = () => {
    info.model = record.model ?? info.model; // the model that served (a fallback may have)
    debug?.(info);
    // Spent is spent: counted even when the conversation cannot keep the answer (deleted meanwhile).
    recordAnswer(db, input.usageId, { cost: record.cost, tokens: record.promptTokens + record.completionTokens });
    try {
      input.keep({
        id: messageId, conversationId: input.conversationId, ...record, latencyMs: Math.round(performance.now() - t0),
        retrieved: record.chunks.map((c) => ({ chunkId: c.chunkId, title: c.title, url: c.url, matchPercent: c.matchPercent })),
      });
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_CONSTRAINT_FOREIGNKEY') throw err;
      app.log.warn('the answer was not kept: its conversation was deleted while it was being answered');
    }
  };
  /** Ends the answer with a friendly message; the admin gets the cause, with what visitors saw. */
  const fail = (problem: UpstreamError | null, adminMessage: string, links: SourceLink[], status: MessageStatus = 'error'): ChatEvent => {
    info.problem = adminMessage;
    record.status = record.text ? 'error' : status;
    record.error = adminMessage;
    record.sources = links;
    const code = problem?.kind === 'rate_limited' ? 'rate_limited' : 'unavailable';
    const message = code === 'rate_limited' ? FRIENDLY.rateLimited : links.length ? FRIENDLY.unavailableWithLinks : FRIENDLY.unavailable;
    if (problem && ALERTS_ADMIN[problem.kind]) {
      const shown = `${record.text ? 'Visitors see the answer cut off, then' : 'Visitors see'} “${message}”${links.length ? ' with links to matching pages' : ''}.`;
      raiseAlert(db, problem.kind, `${adminMessage} ${shown}`);
    }
    app.log.warn({ kind: problem?.kind, status: problem?.status }, `chat answer failed: ${adminMessage}`);
    save();
    return { type: 'error', code, message, sources: links };
  };

  yield { type: 'start', conversationId: input.conversationId, messageId };

  if (!connection.apiKey && connection.provider === 'openrouter') {
    raiseAlert(db, 'no_key', 'Visitors are chatting but no API key is saved. Add it in Settings → API Configuration.');
    yield fail(null, 'No API key is saved.', keywordSources(app, input.question));
    return;
  }
  const { chatIdleTimeoutMs: IDLE_TIMEOUT_MS, chatTotalTimeoutMs: TOTAL_TIMEOUT_MS } = app.config;
  const client: OpenAI = createClient(connection, app.config, { timeoutMs: TOTAL_TIMEOUT_MS, maxRetries: 0 });

  // Every upstream call (the question's embedding, then the completion) is cut off when nothing arrives for
  // IDLE_TIMEOUT_MS, and the whole answer after TOTAL_TIMEOUT_MS; the visitor's Stop aborts them too.
  const upstream = new AbortController();
  const abortUpstream = () => upstream.abort();
  input.signal.addEventListener('abort', abortUpstream);
  let timedOut: 'idle' | 'total' | null = null;
  // Restarted on every chunk: refresh() re-arms the same timer, cheaper than a new one per token.
  const idleTimer = setTimeout(() => { timedOut = 'idle'; upstream.abort(); }, IDLE_TIMEOUT_MS);
  const totalTimer = setTimeout(() => { timedOut = 'total'; upstream.abort(); }, TOTAL_TIMEOUT_MS);
  const timeoutProblem = (model: string, advice: string): UpstreamError => ({
    kind: 'timeout', status: null, upstreamMessage: null, retryAfterSeconds: null,
    message: `${timedOut === 'idle'
      ? `${model} stopped responding: nothing arrived for ${seconds(IDLE_TIMEOUT_MS)}, so Docent gave up on the answer.`
      : `${model} took longer than ${seconds(TOTAL_TIMEOUT_MS)} to answer, so Docent stopped it.`} If this keeps happening, ${advice}`,
  });
  try {
    // 1. Retrieve.
    try {
      const result = await retrieve({ db, embedderFor: embedderFor(app, { timeoutMs: TOTAL_TIMEOUT_MS, maxRetries: 0 }, connection), signal: upstream.signal }, input.question,
        { topK: retrieval.topK, minMatch: retrieval.minMatch });
      record.chunks = info.chunks = result.chunks;
      record.cost += result.queryCost ?? 0;
    } catch (err) {
      if (input.signal.aborted && !timedOut) { record.status = 'stopped'; save(); return; }
      const problem = timedOut ? timeoutProblem('The embedding model', `check that ${providerLabel(connection.provider)} is up, or ask your hosting provider about the server's connection.`)
        : err instanceof Error && err.name === 'EmbeddingStopError' ? (err as unknown as { problem: UpstreamError }).problem : describeUpstreamError(connection.provider, err);
      yield fail(problem, `Searching the knowledge base failed: ${problem.message}`, keywordSources(app, input.question));
      return;
    }
    const links = sourcesOf(record.chunks);

    // 2. Nothing relevant: strict mode says so without paying for a model call.
    if (record.chunks.length === 0 && chatbot.mode === 'strict') {
      record.text = chatbot.noAnswerMessage;
      record.status = 'no_answer';
      yield { type: 'token', text: chatbot.noAnswerMessage };
      save();
      yield { type: 'done', messageId, answered: false };
      return;
    }

    // 3. Over the day's spend cap: links only.
    if (chatbot.dailySpendCapUsd > 0 && spentOn(db, new Date().toISOString().slice(0, 10)) >= chatbot.dailySpendCapUsd) {
      raiseAlert(db, 'spend_cap', `Today's spend cap of $${chatbot.dailySpendCapUsd.toFixed(2)} is reached: the widget answers with links only until midnight UTC.`);
      record.status = 'links_only';
      record.sources = links;
      info.problem = 'Daily spend cap reached.';
      save();
      yield { type: 'error', code: 'limit_reached', message: links.length ? FRIENDLY.unavailableWithLinks : FRIENDLY.unavailable, sources: links };
      return;
    }

    // 4. Prompt and streamed completion.
    const model = cachedChatModel(db, connection, api.model);
    const reasoning = reasoningParam(model?.reasoning, api.reasoningEnabled) ?? null;
    const prompt = buildPrompt({
      instructions: chatbot.instructions, language: chatbot.language, mode: chatbot.mode, chunks: record.chunks,
      history: input.history, historyTurns: chatbot.historyTurns,
      question: input.question, contextLength: model?.contextLength ?? DEFAULT_CONTEXT, maxAnswerTokens: chatbot.maxAnswerTokens,
    });
    info.prompt = prompt;
    info.reasoning = reasoning;
    // Reasoning spends from max_tokens too: give it room so the answer is not starved.
    const maxTokens = reasoning && api.reasoningEnabled ? chatbot.maxAnswerTokens * 4 : chatbot.maxAnswerTokens + (reasoning ? 512 : 0);
    const body = {
      model: api.model,
      ...(api.fallbackModels.length ? { models: [api.model, ...api.fallbackModels] } : {}),
      messages: prompt,
      stream: true as const,
      max_tokens: maxTokens,
      temperature: chatbot.temperature,
      ...(reasoning ? { reasoning } : {}),
      user: input.visitorHash,
    };

    let finishReason: string | null = null;
    let lastThinking = 0;
    let caught: unknown = null;
    idleTimer.refresh(); // the completion gets its own idle window
    try {
      const stream = await client.chat.completions.create(body as OpenAI.Chat.ChatCompletionCreateParamsStreaming, { signal: upstream.signal });
      for await (const chunk of stream) {
        idleTimer.refresh();
        const c = chunk as unknown as { model?: string; error?: unknown; usage?: Record<string, any>; choices?: Array<{ delta?: { content?: string | null; reasoning?: string | null }; finish_reason?: string | null }> };
        if (c.model) record.model = c.model;
        const choice = c.choices?.[0];
        if (choice?.delta?.reasoning && performance.now() - lastThinking > 1000) {
          lastThinking = performance.now();
          yield { type: 'thinking' };
        }
        const text = choice?.delta?.content;
        if (text) {
          record.firstTokenMs ??= Math.round(performance.now() - t0);
          record.text += text;
          yield { type: 'token', text };
        }
        if (choice?.finish_reason) finishReason = choice.finish_reason;
        if (c.usage) {
          record.promptTokens = c.usage.prompt_tokens ?? 0;
          record.completionTokens = c.usage.completion_tokens ?? 0;
          record.reasoningTokens = c.usage.completion_tokens_details?.reasoning_tokens ?? 0;
          record.cost += typeof c.usage.cost === 'number' ? c.usage.cost : 0;
        }
      }
    } catch (err) {
      caught = err;
    }

    // An aborted SDK stream may end quietly instead of throwing: the abort's cause decides.
    if (input.signal.aborted && !timedOut) {
      record.status = 'stopped';
      record.sources = links;
      save();
      return;
    }
    if (timedOut || caught) {
      const problem = timedOut ? timeoutProblem('The model', 'add a fallback model or choose a faster one in Settings → API Configuration.') : describeUpstreamError(connection.provider, caught);
      if (!timedOut) noteKeyOutcome(app, connection, { ok: false, call: 'answer', problem }); // a slow model says nothing about the key
      yield fail(problem, problem.message, links);
      return;
    }
    if (!record.text) {
      // 200 with nothing to show: reasoning used the whole budget, or an error body without choices.
      const problem: UpstreamError = finishReason === 'length'
        ? { kind: 'bad_request', status: null, upstreamMessage: null, retryAfterSeconds: null,
          message: `The model used all ${maxTokens} tokens on reasoning and wrote no answer. Raise "Max answer tokens" on the Chatbot screen or turn reasoning off.` }
        : describeStatus(connection.provider, 502, null);
      yield fail(problem, problem.message, links);
      return;
    }
    record.sources = links;
    resolveAlerts(db);
    noteKeyOutcome(app, connection, { ok: true, call: 'answer' });
    save();
    if (links.length) yield { type: 'sources', sources: links };
    yield { type: 'done', messageId, answered: true };
  } finally {
    clearTimeout(idleTimer);
    clearTimeout(totalTimer);
    input.signal.removeEventListener('abort', abortUpstream);
  }
}
