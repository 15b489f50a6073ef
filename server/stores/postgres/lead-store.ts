import type { ExportedLead, LeadRecord, LeadStatus, LeadStore } from '../lead-store.js';
import { type Pool, row, rows, snapshot } from './database.js';

const COLUMNS = `id, kind, name, email, message, status, conversation_id AS "conversationId", origin,
  created_at AS "createdAt", updated_at AS "updatedAt"`;

// 'all' matches every status: one statement for both, with no SQL built from the status.
const STATUS_MATCHES = "($1::text = 'all' OR status = $1)";

export function postgresLeadStore(pool: Pool): LeadStore {
  return {
    async addLead(lead) {
      const added = await row<{ id: number }>(
        pool,
        `INSERT INTO leads (kind, name, email, message, consent_text, visitor_hash, conversation_id, origin)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [lead.kind, lead.name, lead.email, lead.message, lead.consentText, lead.visitorHash, lead.conversationId, lead.origin],
      );
      return added!.id;
    },
    async countVisitorLeads(visitorHash, sinceIso) {
      return (await row<{ n: number }>(pool, 'SELECT count(*) AS n FROM leads WHERE visitor_hash = $1 AND created_at >= $2', [visitorHash, sinceIso]))!.n;
    },
    async listLeads(status, limit, offset) {
      // The page, its total and the counts from one snapshot, as SQLite's single transaction gives them.
      return snapshot(pool, async (client) => {
        const leads = await rows<LeadRecord>(
          client,
          `SELECT ${COLUMNS} FROM leads WHERE ${STATUS_MATCHES} ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`,
          [status, limit, offset],
        );
        const counts = { new: 0, contacted: 0, closed: 0 };
        for (const counted of await rows<{ status: LeadStatus; n: number }>(client, 'SELECT status, count(*) AS n FROM leads GROUP BY status'))
          counts[counted.status] = counted.n;
        const total = status === 'all' ? counts.new + counts.contacted + counts.closed : counts[status];
        return { leads, total, counts };
      });
    },
    async findLead(id) {
      return (
        (await row<LeadRecord & { consentText: string; visitorHash: string }>(
          pool,
          `SELECT ${COLUMNS}, consent_text AS "consentText", visitor_hash AS "visitorHash" FROM leads WHERE id = $1`,
          [id],
        )) ?? null
      );
    },
    async setLeadStatus(id, status) {
      return ((await pool.query('UPDATE leads SET status = $1, updated_at = docent_now() WHERE id = $2', [status, id])).rowCount ?? 0) > 0;
    },
    async deleteLead(id) {
      return ((await pool.query('DELETE FROM leads WHERE id = $1', [id])).rowCount ?? 0) > 0;
    },
    async exportLeads(status) {
      return rows<ExportedLead>(
        pool,
        `SELECT id, created_at AS "createdAt", status, kind, name, email, message, consent_text AS "consentText", origin,
          conversation_id AS "conversationId"
        FROM leads WHERE ${STATUS_MATCHES} ORDER BY created_at, id`,
        [status],
      );
    },
  };
}
