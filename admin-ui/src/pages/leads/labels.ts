// The Leads screens' words for the API's statuses and kinds. The shapes themselves come from the server
// (server/leads/schemas.ts), imported as types only.
import type { LeadKind, LeadStatus } from '../../../../server/leads/schemas.js';

export const STATUSES: { id: LeadStatus; label: string }[] = [
  { id: 'new', label: 'New' },
  { id: 'contacted', label: 'Contacted' },
  { id: 'closed', label: 'Closed' },
];

export const statusLabel = (status: LeadStatus) => STATUSES.find((s) => s.id === status)!.label;
export const kindLabel = (kind: LeadKind) => (kind === 'talk' ? 'Talk to a person' : 'Pre-chat form');
