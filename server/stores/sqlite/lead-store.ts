import type { ExportedLead, LeadRecord, LeadStatus, LeadStore } from '../lead-store.js';
import { stmt, type Db } from './database.js';

const COLUMNS = `id, kind, name, email, message, status, conversation_id AS conversationId, origin,
  created_at AS createdAt, updated_at AS updatedAt`;

const whereStatus = (status: LeadStatus | 'all') => (status === 'all' ? '' : 'WHERE status = ?');
const statusArgs = (status: LeadStatus | 'all') => (status === 'all' ? [] : [status]);

export function sqliteLeadStore(db: Db): LeadStore {
  const listLeads = db.transaction((status: LeadStatus | 'all', limit: number, offset: number) => {
    const leads = stmt(db, `SELECT ${COLUMNS} FROM leads ${whereStatus(status)} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`).all(
      ...statusArgs(status),
      limit,
      offset,
    ) as LeadRecord[];
    const total = stmt(db, `SELECT count(*) FROM leads ${whereStatus(status)}`)
      .pluck()
      .get(...statusArgs(status)) as number;
    const counts = { new: 0, contacted: 0, closed: 0 };
    for (const row of stmt(db, 'SELECT status, count(*) AS n FROM leads GROUP BY status').all() as Array<{ status: LeadStatus; n: number }>)
      counts[row.status] = row.n;
    return { leads, total, counts };
  });

  return {
    async addLead(lead) {
      return Number(
        stmt(
          db,
          `INSERT INTO leads (kind, name, email, message, consent_text, visitor_hash, conversation_id, origin)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(lead.kind, lead.name, lead.email, lead.message, lead.consentText, lead.visitorHash, lead.conversationId, lead.origin).lastInsertRowid,
      );
    },
    async countVisitorLeads(visitorHash, sinceIso) {
      return stmt(db, 'SELECT count(*) FROM leads WHERE visitor_hash = ? AND created_at >= ?').pluck().get(visitorHash, sinceIso) as number;
    },
    async listLeads(status, limit, offset) {
      return listLeads(status, limit, offset);
    },
    async findLead(id) {
      return (
        (stmt(db, `SELECT ${COLUMNS}, consent_text AS consentText, visitor_hash AS visitorHash FROM leads WHERE id = ?`).get(id) as
          | (LeadRecord & { consentText: string; visitorHash: string })
          | undefined) ?? null
      );
    },
    async setLeadStatus(id, status) {
      return stmt(db, "UPDATE leads SET status = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?").run(status, id).changes > 0;
    },
    async deleteLead(id) {
      return stmt(db, 'DELETE FROM leads WHERE id = ?').run(id).changes > 0;
    },
    async exportLeads(status) {
      return stmt(
        db,
        `SELECT l.id, l.created_at AS createdAt, l.status, l.kind, l.name, l.email, l.message, l.consent_text AS consentText, l.origin,
      l.conversation_id AS conversationId
    FROM leads l ${whereStatus(status).replace('status', 'l.status')} ORDER BY l.created_at, l.id`,
      ).all(...statusArgs(status)) as ExportedLead[];
    },
  };
}
