// One question and its answer in the Playground, as the stream fills it in.
import type { AnswerDebug, SourceLink } from '../conversations/types.js';

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
