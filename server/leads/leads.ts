// Leads as stored: every SQL statement about the leads table lives here.
import { stmt, type Db } from '../stores/sqlite/database.js';
import type { LeadStatus, LeadSummary } from './schemas.js';

export interface NewLead {
  kind: 'talk' | 'pre_chat';
  name: string;
  email: string;
  message: string;
  consentText: string;
  visitorHash: string;
  conversationId: string | null;
  origin: string | null;
}

const COLUMNS = `id, kind, name, email, message, status, conversation_id AS conversationId, origin,
  created_at AS createdAt, updated_at AS updatedAt`;

export function addLead(db: Db, lead: NewLead): number {
  return Number(
    stmt(
      db,
      `INSERT INTO leads (kind, name, email, message, consent_text, visitor_hash, conversation_id, origin)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(lead.kind, lead.name, lead.email, lead.message, lead.consentText, lead.visitorHash, lead.conversationId, lead.origin).lastInsertRowid,
  );
}

/** Leads one visitor left since `sinceIso` (the per-visitor limit). */
export function countVisitorLeads(db: Db, visitorHash: string, sinceIso: string): number {
  return stmt(db, 'SELECT count(*) FROM leads WHERE visitor_hash = ? AND created_at >= ?').pluck().get(visitorHash, sinceIso) as number;
}

const whereStatus = (status: LeadStatus | 'all') => (status === 'all' ? '' : 'WHERE status = ?');
const statusArgs = (status: LeadStatus | 'all') => (status === 'all' ? [] : [status]);

export function listLeads(db: Db, status: LeadStatus | 'all', limit: number, offset: number): LeadSummary[] {
  return stmt(db, `SELECT ${COLUMNS} FROM leads ${whereStatus(status)} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`).all(
    ...statusArgs(status),
    limit,
    offset,
  ) as LeadSummary[];
}

export function countLeads(db: Db, status: LeadStatus | 'all'): number {
  return stmt(db, `SELECT count(*) FROM leads ${whereStatus(status)}`)
    .pluck()
    .get(...statusArgs(status)) as number;
}

export function countByStatus(db: Db): Record<LeadStatus, number> {
  const counts = { new: 0, contacted: 0, closed: 0 };
  for (const row of stmt(db, 'SELECT status, count(*) AS n FROM leads GROUP BY status').all() as Array<{ status: LeadStatus; n: number }>)
    counts[row.status] = row.n;
  return counts;
}

export function findLead(db: Db, id: number): (LeadSummary & { consentText: string; visitorHash: string }) | null {
  return (
    (stmt(db, `SELECT ${COLUMNS}, consent_text AS consentText, visitor_hash AS visitorHash FROM leads WHERE id = ?`).get(id) as
      | (LeadSummary & { consentText: string; visitorHash: string })
      | undefined) ?? null
  );
}

/**
 * The conversation a lead came with: the one attached, or for a pre-chat lead (left before the first question)
 * the visitor's first widget conversation started after it. Null when there is none (never asked, storing off,
 * deleted by retention).
 */
export function leadConversationId(db: Db, lead: { kind: string; conversationId: string | null; visitorHash: string; createdAt: string }): string | null {
  if (lead.conversationId || lead.kind !== 'pre_chat') return lead.conversationId;
  return (
    (stmt(
      db,
      `SELECT id FROM conversations WHERE visitor_hash = ? AND channel = 'widget' AND created_at >= ?
    ORDER BY created_at LIMIT 1`,
    )
      .pluck()
      .get(lead.visitorHash, lead.createdAt) as string | undefined) ?? null
  );
}

export function transcript(db: Db, conversationId: string) {
  return stmt(db, 'SELECT role, text, status, created_at AS createdAt FROM messages WHERE conversation_id = ? ORDER BY created_at, rowid').all(
    conversationId,
  ) as Array<{ role: 'user' | 'assistant'; text: string; status: string; createdAt: string }>;
}

export function setLeadStatus(db: Db, id: number, status: LeadStatus): boolean {
  return stmt(db, "UPDATE leads SET status = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?").run(status, id).changes > 0;
}

export function deleteLead(db: Db, id: number): boolean {
  return stmt(db, 'DELETE FROM leads WHERE id = ?').run(id).changes > 0;
}

/** Every lead for the CSV export, oldest first. */
export function exportRows(db: Db, status: LeadStatus | 'all') {
  return stmt(
    db,
    `SELECT l.id, l.created_at AS createdAt, l.status, l.kind, l.name, l.email, l.message, l.consent_text AS consentText, l.origin,
      l.conversation_id AS conversationId
    FROM leads l ${whereStatus(status).replace('status', 'l.status')} ORDER BY l.created_at, l.id`,
  ).all(...statusArgs(status)) as Array<Record<string, string | number | null>>;
}
