// Conversations and messages as the prompt and the visitor see them (stored in the chat store, or live in memory).
import type { ChatStore, TurnRecord } from '../stores/chat-store.js';
import type { Turn } from './prompt.js';

export type { AssistantRecord, MessageStatus, NewConversation, SourceLink, TurnRecord } from '../stores/chat-store.js';

/** The turns a prompt repeats: answered ones (a stopped answer keeps what was said). */
export function promptTurns(rows: TurnRecord[]): Turn[] {
  return rows.filter((m) => m.text !== '' && (m.status === 'complete' || m.status === 'stopped')).map((m) => ({ role: m.role, text: m.text }));
}

/**
 * What the visitor sees after a reload. A turn that failed (error, links only, or stopped before any
 * text) is left out with its question: the visitor saw the failure live and may have asked again.
 */
export function visibleTurns(rows: TurnRecord[]) {
  const failed = (m: TurnRecord) => m.role === 'assistant' && (m.status === 'error' || m.status === 'links_only' || m.text === '');
  return (
    rows
      .filter((m, i) => !failed(m) && !(m.role === 'user' && rows[i + 1] && failed(rows[i + 1])))
      // answered: false marks an "I don't know", so a restored one offers the contact and Talk to a person again.
      .map((m) => ({
        id: m.id,
        role: m.role,
        text: m.text,
        sources: m.sources,
        feedback: m.feedback,
        answered: m.status !== 'no_answer',
        createdAt: m.createdAt,
      }))
  );
}

/** The stored conversation's earlier turns, for the prompt. */
export async function history(chat: ChatStore, conversationId: string): Promise<Turn[]> {
  return promptTurns(await chat.turns(conversationId));
}

export async function visitorHistory(chat: ChatStore, conversationId: string) {
  return visibleTurns(await chat.turns(conversationId));
}

/** Deletes conversations older than `days` (retention); returns how many. */
export async function deleteOlderThan(chat: ChatStore, days: number, now = Date.now()): Promise<number> {
  if (days <= 0) return 0;
  return chat.deleteInactiveSince(new Date(now - days * 86_400_000).toISOString());
}
