// Conversations while "Store conversations" is off: never written to the database, only held in memory while
// the chat is active, so a follow-up question keeps its context and the widget can show the chat again on
// the visitor's next page. Gone after IDLE_MS without a message, on restart, or when the most recently
// active MAX_CONVERSATIONS crowd it out; each keeps only its latest MAX_CHARACTERS of text.
import { randomUUID } from 'node:crypto';
import { promptTurns, visibleTurns, type TurnRecord } from './conversations.js';
import type { Turn } from './prompt.js';

const IDLE_MS = 30 * 60_000;
const MAX_CONVERSATIONS = 1000;
/** Far more than a prompt's history uses; bounds memory at a few tens of MB in the worst case. */
const MAX_CHARACTERS = 16_000;

interface LiveConversation {
  visitorHash: string;
  turns: TurnRecord[];
  questions: number;
  lastAt: number;
}

export type Lookup = { found: false } | { found: true; mine: false } | { found: true; mine: true; questions: number };

export class LiveConversations {
  // Map order is activity order: a touched conversation is moved to the end, the oldest is first.
  private readonly conversations = new Map<string, LiveConversation>();

  constructor(private readonly clock: () => number = Date.now) {}

  private active(id: string): LiveConversation | null {
    const conversation = this.conversations.get(id);
    if (!conversation) return null;
    if (this.clock() - conversation.lastAt > IDLE_MS) {
      this.conversations.delete(id);
      return null;
    }
    return conversation;
  }

  /** Whether the conversation is still held, and whether `visitorHash` is the visitor who started it. */
  lookup(id: string, visitorHash: string): Lookup {
    const conversation = this.active(id);
    if (!conversation) return { found: false };
    return conversation.visitorHash === visitorHash ? { found: true, mine: true, questions: conversation.questions } : { found: true, mine: false };
  }

  /** Adds a question to the visitor's conversation (a new one when `id` is null); returns its id and earlier turns. */
  addQuestion(id: string | null, visitorHash: string, text: string): { id: string; history: Turn[] } {
    const now = this.clock();
    const existing = id === null ? null : this.active(id);
    const conversationId = existing ? id! : randomUUID();
    const conversation = existing ?? { visitorHash, turns: [], questions: 0, lastAt: now };
    const history = promptTurns(conversation.turns);
    conversation.turns.push({ id: randomUUID(), role: 'user', text, sources: [], feedback: null, status: 'complete', createdAt: new Date(now).toISOString() });
    conversation.questions++;
    this.touch(conversationId, conversation);
    return { id: conversationId, history };
  }

  addAnswer(id: string, answer: Pick<TurnRecord, 'id' | 'text' | 'sources' | 'status'>): void {
    const conversation = this.active(id);
    if (!conversation) return;
    conversation.turns.push({ ...answer, role: 'assistant', feedback: null, createdAt: new Date(this.clock()).toISOString() });
    this.touch(id, conversation);
  }

  /** What /history shows, as for a stored conversation; null when not held for this visitor. */
  visibleHistory(id: string, visitorHash: string) {
    const conversation = this.active(id);
    return conversation && conversation.visitorHash === visitorHash ? visibleTurns(conversation.turns) : null;
  }

  setFeedback(messageId: string, visitorHash: string, value: 'up' | 'down' | null): boolean {
    for (const conversation of this.conversations.values()) {
      if (conversation.visitorHash !== visitorHash) continue;
      const turn = conversation.turns.find((m) => m.id === messageId && m.role === 'assistant');
      if (turn) {
        turn.feedback = value;
        return true;
      }
    }
    return false;
  }

  private touch(id: string, conversation: LiveConversation): void {
    conversation.lastAt = this.clock();
    // Oldest turns go first, a question with its answer, once the conversation holds too much text.
    let characters = conversation.turns.reduce((sum, m) => sum + m.text.length, 0);
    while (characters > MAX_CHARACTERS && conversation.turns.length > 2) {
      characters -= conversation.turns.shift()!.text.length;
      if (conversation.turns[0]?.role === 'assistant') characters -= conversation.turns.shift()!.text.length;
    }
    this.conversations.delete(id);
    this.conversations.set(id, conversation);
    for (const [oldest, held] of this.conversations) {
      if (this.conversations.size <= MAX_CONVERSATIONS && this.clock() - held.lastAt <= IDLE_MS) break;
      this.conversations.delete(oldest);
    }
  }
}
