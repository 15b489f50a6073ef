// One visitor message, end to end: retrieve → (a Q&A entry matching well enough: its answer word for word, no
// model call) → (strict: "I don't know" with no model call) → prompt →
// streamed completion → events for the visitor → stored message. Upstream failures become a friendly
// event for the visitor (with helpful links when possible) and an alert with the real cause for the admin.
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type OpenAI from 'openai';
import type { Config } from '../config.js';
import type { Stores } from '../stores/stores.js';
import { createClient, providerLabel, type ClientOptions, type Connection } from '../openrouter/client.js';
import type { OpenRouterDeps } from '../openrouter/deps.js';
import { cachedChatModel } from '../openrouter/catalog.js';
import { describeUpstreamError, describeStatus, type UpstreamError, type UpstreamErrorKind } from '../openrouter/errors.js';
import { reasoningParam, type ReasoningParam } from '../openrouter/reasoning.js';
import { readApiSettings } from '../settings/api-settings.js';
import { retrieve, keywordsOf, type RetrievedChunk, type SearchedQuery } from '../retrieval/retrieve.js';
import { bestQaMatch, exactQaMatch, qaAnswer, type QaAnswer, type QaMatch } from '../retrieval/qa-match.js';
import { previousQuestion, rewriteFollowUp } from './follow-ups.js';
import type { EmbedderFor } from '../vectors/embedder.js';
import { readRetrievalSettings } from '../retrieval/settings.js';
import { raiseAlert, resolveAlerts } from './alerts.js';
import { noteKeyOutcome } from '../openrouter/key-status.js';
import type { AssistantRecord, MessageStatus, SourceLink } from './conversations.js';
import { buildPrompt, type PromptMessage, type Turn } from './prompt.js';
import { spentToday } from './usage.js';
import { readChatbotSettings } from './settings.js';

export type { QaAnswer };

export type ChatEvent =
  | { type: 'start'; conversationId: string; messageId: string }
  | { type: 'thinking' }
  | { type: 'token'; text: string }
  | { type: 'sources'; sources: SourceLink[] }
  | { type: 'done'; messageId: string; answered: boolean }
  | { type: 'error'; code: 'unavailable' | 'rate_limited' | 'limit_reached'; message: string; sources: SourceLink[]; answers: QaAnswer[] };

export interface AnswerInput {
  conversationId: string;
  question: string;
  visitorHash: string;
  signal: AbortSignal;
  /** The question's usage ledger row (recordQuestion): the answer's cost is added to it. */
  usageId: number;
  /** The conversation's earlier turns, oldest first, wherever they are kept. */
  history: Turn[];
  /**
   * Keeps the finished answer with its conversation (the chat store, or memory when storing is off); false when
   * the conversation is gone (deleted while it was being answered).
   */
  keep(answer: AssistantRecord): Promise<boolean>;
}

/** What answering needs, named: built once in app.ts and decorated as app.chat. */
export interface ChatDeps {
  stores: Stores;
  config: Pick<Config, 'chatIdleTimeoutMs' | 'chatTotalTimeoutMs' | 'publicUrl'>;
  log: Pick<FastifyBaseLogger, 'warn'>;
  /** The saved connection and the key status the answer's outcome is reported to. */
  openRouter: Pick<OpenRouterDeps, 'store' | 'secretBox' | 'savedConnection' | 'log'>;
  /** Embedding clients for each index, `current` being the connection this answer uses. */
  embedderFor: (options: ClientOptions, current: Connection) => EmbedderFor;
}

/** What the admin's Playground shows besides the answer. */
export interface AnswerDebug {
  chunks: RetrievedChunk[];
  prompt: PromptMessage[] | null;
  model: string | null;
  reasoning: ReasoningParam | null;
  problem: string | null;
  /** What was searched: the question, with the previous turn, or the model's rewrite. */
  queries: SearchedQuery[];
  /** The Q&A entry most like the question, and whether it was answered with word for word. */
  qaMatch: { question: string; matchPercent: number; answered: boolean; needed: number } | null;
}

export const FRIENDLY = {
  unavailable: "Sorry, I can't answer right now. Please try again in a little while.",
  unavailableWithLinks: "Sorry, I can't answer right now, but these pages may help:",
  unavailableWithAnswers: "Sorry, I can't answer right now, but this may help:",
  rateLimited: "I'm getting a lot of questions right now. Please try again in a minute.",
};

/** What the visitor reads when the model cannot answer, given what else the failure event offers. */
function unavailableMessage(help: Help): string {
  return help.answers.length ? FRIENDLY.unavailableWithAnswers : help.links.length ? FRIENDLY.unavailableWithLinks : FRIENDLY.unavailable;
}

/** Which failures the admin hears about on the dashboard: all but a request cancelled on purpose. */
const ALERTS_ADMIN: Record<UpstreamErrorKind, boolean> = {
  invalid_key: true,
  payment_required: true,
  rate_limited: true,
  forbidden: true,
  bad_request: true,
  not_found: true,
  upstream_down: true,
  timeout: true,
  unreachable: true,
  aborted: false,
};

const MAX_SOURCES = 5;
/** Q&A answers can be long: a failure shows the best few, not a page of them. */
const MAX_ANSWERS = 3;
const DEFAULT_CONTEXT = 32_000;
/** Keyword matches looked at for a failure's help. */
const KEYWORD_ROWS = 20;

/**
 * The sources a visitor may see: documents with a public URL (web pages, WordPress posts, and uploaded files or
 * Text entries the admin gave one), each once. Q&A entries never have one; the model still reads all the chunks.
 */
export function sourcesOf(chunks: Array<Pick<RetrievedChunk, 'title' | 'url'>>): SourceLink[] {
  const seen = new Set<string>();
  const out: Array<{ title: string; url: string }> = [];
  for (const c of chunks) {
    if (!c.url || seen.has(c.url)) continue;
    seen.add(c.url);
    out.push({ title: c.title, url: c.url });
    if (out.length === MAX_SOURCES) break;
  }
  return out;
}

/** What a failure offers instead of an answer: pages to read and the admin's own Q&A answers. */
interface Help {
  links: SourceLink[];
  answers: QaAnswer[];
}

/** The Q&A entries among the retrieved chunks, best match first: retrieval already judged them relevant. */
export async function qaAnswersOf(deps: Pick<ChatDeps, 'stores'>, chunks: Array<Pick<RetrievedChunk, 'documentId'>>): Promise<QaAnswer[]> {
  const ids = [...new Set(chunks.map((c) => c.documentId))];
  if (!ids.length) return [];
  const rows = await deps.stores.help.qaEntries(ids);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => (byId.has(id) ? [qaAnswer(byId.get(id)!)] : [])).slice(0, MAX_ANSWERS);
}

/**
 * Help found without any API call (no key, or the question could not be embedded): pages and Q&A entries matching
 * the question's words. A Q&A answer is shown word for word, so it must share at least half the question's words
 * (a word counts when the entry has it or a form of it: "covers" for "cover").
 */
export async function keywordHelp(deps: Pick<ChatDeps, 'stores'>, question: string): Promise<Help> {
  const words = keywordsOf(question);
  if (!words.length) return { links: [], answers: [] };
  const rows = await deps.stores.help.keywordMatches(words, KEYWORD_ROWS);
  const stem = (w: string) => w.slice(0, Math.max(4, w.length - 2));
  const covers = (text: string) => {
    const lower = text.toLowerCase();
    return words.filter((w) => lower.includes(stem(w))).length * 2 >= words.length;
  };
  const seen = new Set<number>();
  const answers = rows
    .filter((r) => r.kind === 'qa' && !seen.has(r.id) && seen.add(r.id) && covers(r.content))
    .slice(0, MAX_ANSWERS)
    .map(qaAnswer);
  return { links: sourcesOf(rows.filter((r) => r.kind !== 'qa')), answers };
}

/** How the admin's alert describes what a failure offered visitors besides the message. */
function offered(help: Help): string {
  const parts = [help.answers.length ? 'your matching Q&A answers' : '', help.links.length ? 'links to matching pages' : ''].filter(Boolean);
  return parts.length ? ` with ${parts.join(' and ')}` : '';
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** A Q&A answer streams like the model's: word by word (the event stream merges what comes at once). */
const wordsOf = (text: string) => text.match(/\s*\S+\s*/g) ?? [text];

export async function* answer(deps: ChatDeps, input: AnswerInput, debug?: (d: AnswerDebug) => void): AsyncGenerator<ChatEvent> {
  const { stores } = deps;
  const t0 = performance.now();
  const messageId = randomUUID();
  const chatbot = await readChatbotSettings(stores.config);
  const retrieval = await readRetrievalSettings(stores.config);
  const api = await readApiSettings(stores.config);
  const connection = await deps.openRouter.savedConnection();
  const info: AnswerDebug = {
    chunks: [],
    prompt: null,
    model: api.model,
    reasoning: null,
    problem: null,
    queries: [{ text: input.question, kind: 'question' }],
    qaMatch: null,
  };
  const record = {
    text: '',
    sources: [] as SourceLink[],
    status: 'complete' as MessageStatus,
    error: null as string | null,
    model: null as string | null,
    promptTokens: 0,
    completionTokens: 0,
    reasoningTokens: 0,
    cost: 0,
    firstTokenMs: null as number | null,
    chunks: [] as RetrievedChunk[],
    qaDocumentId: null as number | null,
  };
  let rewriteTokens = 0; // the follow-up rewrite's, counted with the answer's
  const save = async () => {
    info.model = record.model ?? info.model; // the model that served (a fallback may have)
    debug?.(info);
    const latencyMs = Math.round(performance.now() - t0);
    // Spent is spent: counted even when the conversation cannot keep the answer (deleted meanwhile).
    await stores.usage.recordAnswer(input.usageId, { cost: record.cost, tokens: record.promptTokens + record.completionTokens + rewriteTokens });
    const kept = await input.keep({
      id: messageId,
      conversationId: input.conversationId,
      ...record,
      latencyMs,
      retrieved: record.chunks.map((c) => ({ chunkId: c.chunkId, title: c.title, url: c.url, matchPercent: c.matchPercent })),
    });
    if (!kept) deps.log.warn('the answer was not kept: its conversation was deleted while it was being answered');
  };
  /** Ends the answer with a friendly message; the admin gets the cause, with what visitors saw. */
  const fail = async (problem: UpstreamError | null, adminMessage: string, help: Help, status: MessageStatus = 'error'): Promise<ChatEvent> => {
    info.problem = adminMessage;
    record.status = record.text ? 'error' : status;
    record.error = adminMessage;
    record.sources = help.links;
    const code = problem?.kind === 'rate_limited' ? 'rate_limited' : 'unavailable';
    const message = code === 'rate_limited' ? FRIENDLY.rateLimited : unavailableMessage(help);
    if (problem && ALERTS_ADMIN[problem.kind]) {
      const shown = `${record.text ? 'Visitors see the answer cut off, then' : 'Visitors see'} “${message}”${offered(help)}.`;
      await raiseAlert(stores, problem.kind, `${adminMessage} ${shown}`);
    }
    deps.log.warn({ kind: problem?.kind, status: problem?.status }, `chat answer failed: ${adminMessage}`);
    await save();
    return { type: 'error', code, message, sources: help.links, answers: help.answers };
  };
  /** Help from what retrieval found: its pages with a public URL, and its Q&A entries. */
  const retrievedHelp = async (): Promise<Help> => ({ links: sourcesOf(record.chunks), answers: await qaAnswersOf(deps, record.chunks) });
  /**
   * The admin's own answer, word for word: no model call, nothing spent on an answer. Also what a visitor gets
   * while the model cannot be reached (no key, the embedding call failing, past the spend cap) when the entry
   * matches: an alert raised meanwhile still tells the admin.
   */
  async function* answerFromQa(match: QaMatch): AsyncGenerator<ChatEvent> {
    record.text = match.answer;
    record.status = 'complete';
    record.qaDocumentId = match.documentId;
    record.firstTokenMs = Math.round(performance.now() - t0);
    info.qaMatch = { question: match.question, matchPercent: match.matchPercent, answered: true, needed: chatbot.qaAnswerMatch };
    info.model = null;
    for (const text of wordsOf(match.answer)) yield { type: 'token', text };
    await save();
    yield { type: 'done', messageId, answered: true };
  }
  /** With no search possible: a Q&A entry with the very same question, else the keyword search's help. */
  async function* withoutSearch(problem: UpstreamError | null, adminMessage: string): AsyncGenerator<ChatEvent> {
    const exact = chatbot.qaAnswerMatch > 0 ? await exactQaMatch(stores.vectors, input.question) : null;
    if (!exact) {
      yield await fail(problem, adminMessage, await keywordHelp(deps, input.question));
      return;
    }
    info.problem = adminMessage;
    if (problem && ALERTS_ADMIN[problem.kind])
      await raiseAlert(
        stores,
        problem.kind,
        `${adminMessage} Visitors whose question is one of your Q&A questions get its answer; others see “${FRIENDLY.unavailable}”.`,
      );
    deps.log.warn({ kind: problem?.kind }, `chat search failed, answered from Q&A: ${adminMessage}`);
    yield* answerFromQa(exact);
  }

  yield { type: 'start', conversationId: input.conversationId, messageId };

  if (!connection.apiKey && connection.provider === 'openrouter') {
    await raiseAlert(stores, 'no_key', 'Visitors are chatting but no API key is saved. Add it in Settings → API Configuration.');
    yield* withoutSearch(null, 'No API key is saved.');
    return;
  }
  const { chatIdleTimeoutMs: IDLE_TIMEOUT_MS, chatTotalTimeoutMs: TOTAL_TIMEOUT_MS } = deps.config;
  const client: OpenAI = createClient(connection, deps.config, { timeoutMs: TOTAL_TIMEOUT_MS, maxRetries: 0 });

  // Every upstream call (the question's embedding, then the completion) is cut off when nothing arrives for
  // IDLE_TIMEOUT_MS, and the whole answer after TOTAL_TIMEOUT_MS; the visitor's Stop aborts them too.
  const upstream = new AbortController();
  const abortUpstream = () => upstream.abort();
  input.signal.addEventListener('abort', abortUpstream);
  let timedOut: 'idle' | 'total' | null = null;
  // Restarted on every chunk: refresh() re-arms the same timer, cheaper than a new one per token.
  const idleTimer = setTimeout(() => {
    timedOut = 'idle';
    upstream.abort();
  }, IDLE_TIMEOUT_MS);
  const totalTimer = setTimeout(() => {
    timedOut = 'total';
    upstream.abort();
  }, TOTAL_TIMEOUT_MS);
  const timeoutProblem = (model: string, advice: string): UpstreamError => ({
    kind: 'timeout',
    status: null,
    upstreamMessage: null,
    retryAfterSeconds: null,
    message: `${
      timedOut === 'idle'
        ? `${model} stopped responding: nothing arrived for ${seconds(IDLE_TIMEOUT_MS)}, so Docent gave up on the answer.`
        : `${model} took longer than ${seconds(TOTAL_TIMEOUT_MS)} to answer, so Docent stopped it.`
    } If this keeps happening, ${advice}`,
  });
  const overSpendCap = async () => chatbot.dailySpendCapUsd > 0 && (await spentToday(stores.usage)) >= chatbot.dailySpendCapUsd;
  const model = await cachedChatModel(stores.provider, connection, api.model);
  try {
    // 1. Retrieve: a follow-up searches with the previous user turn too (no model call), or, when the admin
    // chose it, as the model's standalone rewrite.
    const previous = previousQuestion(input.history);
    let searchFor = input.question;
    let rewritten = false;
    if (previous && chatbot.rewriteFollowUps && !(await overSpendCap())) {
      try {
        const rewrite = await rewriteFollowUp(client, {
          model: api.model,
          reasoning: reasoningParam(model?.reasoning, false) ?? null,
          history: input.history,
          question: input.question,
          user: input.visitorHash,
          signal: upstream.signal,
        });
        if (rewrite) {
          searchFor = rewrite.text;
          rewritten = true;
          record.cost += rewrite.cost;
          rewriteTokens = rewrite.tokens;
        }
      } catch (err) {
        if (input.signal.aborted && !timedOut) {
          record.status = 'stopped';
          await save();
          return;
        }
        // The search with the previous turn does without it; the answer's own call reports a real failure.
        if (!timedOut)
          deps.log.warn(
            { err: describeUpstreamError(connection.provider, err).message },
            'rewriting a follow-up failed; searching with the previous turn instead',
          );
      }
      idleTimer.refresh();
    }
    let match: QaMatch | null = null;
    try {
      const result = await retrieve(
        {
          knowledge: stores.knowledge,
          vectors: stores.vectors,
          embedderFor: deps.embedderFor({ timeoutMs: TOTAL_TIMEOUT_MS, maxRetries: 0 }, connection),
          signal: upstream.signal,
        },
        searchFor,
        { topK: retrieval.topK, minMatch: retrieval.minMatch, previousQuestion: previous, rewritten },
      );
      record.chunks = info.chunks = result.chunks;
      info.queries = result.queries;
      record.cost += result.queryCost ?? 0;
      // 2. A Q&A entry whose question is the visitor's (near enough): its answer, word for word.
      const index = result.questionVector && chatbot.qaAnswerMatch > 0 ? await stores.vectors.activeIndex() : null;
      match = index ? await bestQaMatch(stores.vectors, index, result.questionVector!, result.candidateIds) : null;
      // The Playground names the nearest entry when it is a real candidate (as close as a chunk must be).
      if (match && match.matchPercent >= retrieval.minMatch)
        info.qaMatch = { question: match.question, matchPercent: match.matchPercent, answered: false, needed: chatbot.qaAnswerMatch };
    } catch (err) {
      if (input.signal.aborted && !timedOut) {
        record.status = 'stopped';
        await save();
        return;
      }
      const problem = timedOut
        ? timeoutProblem(
            'The embedding model',
            `check that ${providerLabel(connection.provider)} is up, or ask your hosting provider about the server's connection.`,
          )
        : err instanceof Error && err.name === 'EmbeddingStopError'
          ? (err as unknown as { problem: UpstreamError }).problem
          : describeUpstreamError(connection.provider, err);
      yield* withoutSearch(problem, `Searching the knowledge base failed: ${problem.message}`);
      return;
    }
    if (match && match.matchPercent >= chatbot.qaAnswerMatch) {
      yield* answerFromQa(match);
      return;
    }
    const links = sourcesOf(record.chunks);

    // 3. Nothing relevant: strict mode says so without paying for a model call.
    if (record.chunks.length === 0 && chatbot.mode === 'strict') {
      record.text = chatbot.noAnswerMessage;
      record.status = 'no_answer';
      yield { type: 'token', text: chatbot.noAnswerMessage };
      await save();
      yield { type: 'done', messageId, answered: false };
      return;
    }

    // 4. Over the day's spend cap: links and Q&A answers only.
    if (await overSpendCap()) {
      await raiseAlert(
        stores,
        'spend_cap',
        `Today's spend cap of $${chatbot.dailySpendCapUsd.toFixed(2)} is reached: until midnight UTC the widget answers only with links to matching pages and your matching Q&A answers.`,
      );
      const help = await retrievedHelp();
      record.status = 'links_only';
      record.sources = help.links;
      info.problem = 'Daily spend cap reached.';
      await save();
      yield { type: 'error', code: 'limit_reached', message: unavailableMessage(help), sources: help.links, answers: help.answers };
      return;
    }

    // 5. Prompt and streamed completion.
    const reasoning = reasoningParam(model?.reasoning, api.reasoningEnabled) ?? null;
    const prompt = buildPrompt({
      instructions: chatbot.instructions,
      language: chatbot.language,
      mode: chatbot.mode,
      chunks: record.chunks,
      history: input.history,
      historyTurns: chatbot.historyTurns,
      question: input.question,
      contextLength: model?.contextLength ?? DEFAULT_CONTEXT,
      maxAnswerTokens: chatbot.maxAnswerTokens,
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
        const c = chunk as unknown as {
          model?: string;
          error?: unknown;
          usage?: Record<string, any>;
          choices?: Array<{ delta?: { content?: string | null; reasoning?: string | null }; finish_reason?: string | null }>;
        };
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
      await save();
      return;
    }
    if (timedOut || caught) {
      const problem = timedOut
        ? timeoutProblem('The model', 'add a fallback model or choose a faster one in Settings → API Configuration.')
        : describeUpstreamError(connection.provider, caught);
      if (!timedOut) await noteKeyOutcome(deps.openRouter, connection, { ok: false, call: 'answer', problem }); // a slow model says nothing about the key
      yield await fail(problem, problem.message, await retrievedHelp());
      return;
    }
    if (!record.text) {
      // 200 with nothing to show: reasoning used the whole budget, or an error body without choices.
      const problem: UpstreamError =
        finishReason === 'length'
          ? {
              kind: 'bad_request',
              status: null,
              upstreamMessage: null,
              retryAfterSeconds: null,
              message: `The model used all ${maxTokens} tokens on reasoning and wrote no answer. Raise "Max answer tokens" on the Chatbot screen or turn reasoning off.`,
            }
          : describeStatus(connection.provider, 502, null);
      yield await fail(problem, problem.message, await retrievedHelp());
      return;
    }
    record.sources = links;
    await resolveAlerts(stores);
    await noteKeyOutcome(deps.openRouter, connection, { ok: true, call: 'answer' });
    await save();
    if (links.length) yield { type: 'sources', sources: links };
    yield { type: 'done', messageId, answered: true };
  } finally {
    clearTimeout(idleTimer);
    clearTimeout(totalTimer);
    input.signal.removeEventListener('abort', abortUpstream);
  }
}
