// One question and its answer, as the stream fills it in: the Playground's turns and Get started's test question.
import { errorMessage } from '../../api.js';
import type { AnswerDebug, SourceLink } from '../conversations/types.js';
import { streamPlayground } from './stream.js';

export type AnswerState = 'waiting' | 'thinking' | 'streaming' | 'done' | 'no_answer' | 'error' | 'stopped' | 'failed';

export interface Turn {
  key: number;
  question: string;
  answer: string;
  state: AnswerState;
  sources: SourceLink[];
  /** What the visitor would see when the answer failed (the friendly text). */
  visitorMessage?: string;
  /** Request-level failure (HTTP error, network). */
  failure?: string;
  debug?: AnswerDebug;
}

export type TurnPatch = Partial<Turn> | ((t: Turn) => Partial<Turn>);

export function patched(t: Turn, p: TurnPatch): Turn {
  return { ...t, ...(typeof p === 'function' ? p(t) : p) };
}

/** Still answering: the question is out and no end (done, error, stop, failure) has come back. */
export function isAnswering(t: Turn | null | undefined): boolean {
  return t?.state === 'waiting' || t?.state === 'thinking' || t?.state === 'streaming';
}

/**
 * Asks `message` (POST /api/admin/playground/chat) and fills the turn in through `patch` as the stream arrives. Stopping
 * (`signal`) leaves the turn "stopped"; a request that fails leaves it "failed" and resolves with the error, for the
 * caller to act on. `onStart` gets the conversation the answer went into.
 */
export async function streamTurn(
  message: string,
  conversationId: string | null,
  signal: AbortSignal,
  patch: (p: TurnPatch) => void,
  onStart?: (conversationId: string) => void,
): Promise<unknown> {
  try {
    await streamPlayground({ message, conversationId }, signal, ({ event, data }) => {
      const d = (data ?? {}) as Record<string, any>;
      switch (event) {
        case 'start':
          if (typeof d.conversationId === 'string') onStart?.(d.conversationId);
          break;
        case 'thinking':
          patch((t) => (t.answer ? {} : { state: 'thinking' }));
          break;
        case 'token':
          patch((t) => ({ answer: t.answer + String(d.text ?? ''), state: 'streaming' }));
          break;
        case 'sources':
          patch({ sources: Array.isArray(d.sources) ? d.sources : [] });
          break;
        case 'done':
          patch({ state: d.answered === false ? 'no_answer' : 'done' });
          break;
        case 'error':
          patch({ state: 'error', visitorMessage: String(d.message ?? ''), sources: Array.isArray(d.sources) ? d.sources : [] });
          break;
        case 'debug':
          patch({ debug: d as AnswerDebug });
          break;
      }
    });
    // The stream ended without done/error (e.g. the server went away).
    patch((t) => (isAnswering(t) ? { state: 'failed', failure: 'The answer stream ended early. Try again.' } : {}));
  } catch (err) {
    if ((err as Error)?.name === 'AbortError') {
      patch({ state: 'stopped' });
      return null;
    }
    patch({ state: 'failed', failure: errorMessage(err) });
    return err;
  }
  return null;
}
