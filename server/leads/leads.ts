// Leads as the admin reads them. Storage is the lead store (server/stores/lead-store.ts); this module decides
// which conversation a lead comes with.
import type { ChatStore } from '../stores/chat-store.js';

export type { NewLead } from '../stores/lead-store.js';

/**
 * The conversation a lead came with: the one attached, or for a pre-chat lead (left before the first question)
 * the visitor's first widget conversation started after it. Null when there is none (never asked, storing off,
 * deleted by retention).
 */
export async function leadConversationId(
  chat: ChatStore,
  lead: { kind: string; conversationId: string | null; visitorHash: string; createdAt: string },
): Promise<string | null> {
  if (lead.conversationId || lead.kind !== 'pre_chat') return lead.conversationId;
  return chat.firstWidgetConversationSince(lead.visitorHash, lead.createdAt);
}
