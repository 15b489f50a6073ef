// An answer cut off by its node dying (kill -9, a crashed machine) must not stay a question with nothing after it:
// once no answer can still be under way (older than CHAT_TOTAL_TIMEOUT_MS, the longest an answer may take), the
// question gets an error answer saying so. The admin sees it among the unanswered; the visitor's reloaded chat
// leaves the failed turn out, as for any failed answer. Runs once across the cluster (the schedule gate).
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { ChatStore } from '../stores/chat-store.js';
import type { ScheduleGate } from '../cluster/schedule.js';
import { FRIENDLY } from './pipeline.js';

export const INTERRUPTED_ERROR = 'The answer was interrupted: the server answering it stopped.';

/** Questions older than this are looked at once; older ones were swept already (or predate the sweep). */
const LOOK_BACK_MS = 60 * 60_000;
/** After the total timeout, a little more: the answer's own write takes a moment too. */
const MARGIN_MS = 10_000;
const BATCH = 500;

export interface InterruptedDeps {
  chat: ChatStore;
  chatTotalTimeoutMs: number;
  schedule: ScheduleGate;
  log: Pick<FastifyBaseLogger, 'info' | 'error'>;
  clock?: () => number;
}

/** Ends every answer that was interrupted; returns how many. */
export async function closeInterruptedAnswers(deps: InterruptedDeps): Promise<number> {
  const now = (deps.clock ?? Date.now)();
  const to = new Date(now - deps.chatTotalTimeoutMs - MARGIN_MS).toISOString();
  const from = new Date(now - deps.chatTotalTimeoutMs - MARGIN_MS - LOOK_BACK_MS).toISOString();
  let closed = 0;
  for (;;) {
    const conversations = await deps.chat.unansweredConversations(from, to, BATCH);
    for (const conversationId of conversations) {
      await deps.chat.addAnswer({
        id: randomUUID(),
        conversationId,
        text: FRIENDLY.unavailable,
        sources: [],
        retrieved: [],
        status: 'error',
        error: INTERRUPTED_ERROR,
        model: null,
        promptTokens: 0,
        completionTokens: 0,
        reasoningTokens: 0,
        cost: 0,
        latencyMs: 0,
        firstTokenMs: null,
        qaDocumentId: null,
      });
    }
    closed += conversations.length;
    if (conversations.length < BATCH) return closed;
  }
}

/** Checks a few times per CHAT_TOTAL_TIMEOUT_MS (at most once a minute), from the start. */
export function interruptedAnswersSweep(deps: InterruptedDeps): { start(): void; stop(): void } {
  const everyMs = Math.min(60_000, Math.max(1000, Math.floor(deps.chatTotalTimeoutMs / 2)));
  let timer: NodeJS.Timeout | undefined;
  const tick = () =>
    void deps
      .schedule('interrupted-answers', everyMs)
      .then(async (mine) => {
        if (!mine) return;
        const closed = await closeInterruptedAnswers(deps);
        if (closed) deps.log.info({ closed }, 'answers interrupted by a stopped server were closed as failed');
      })
      .catch((err) => deps.log.error({ err }, 'the interrupted-answers check failed'));
  return {
    start() {
      tick();
      timer = setInterval(tick, everyMs);
      timer.unref();
    },
    stop: () => clearInterval(timer),
  };
}
