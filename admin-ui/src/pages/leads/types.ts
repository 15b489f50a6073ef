// The Leads API's shapes (server/leads/schemas.ts).
export type LeadStatus = 'new' | 'contacted' | 'closed';
export type StatusFilter = LeadStatus | 'all';

export interface Lead {
  id: number;
  kind: 'talk' | 'pre_chat';
  name: string;
  email: string;
  message: string;
  status: LeadStatus;
  conversationId: string | null;
  origin: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface LeadList {
  leads: Lead[];
  total: number;
  counts: Record<LeadStatus, number>;
}

export interface LeadView {
  lead: Lead & { consentText: string };
  transcript: Array<{ role: 'user' | 'assistant'; text: string; status: string; createdAt: string }> | null;
}

export const STATUSES: { id: LeadStatus; label: string }[] = [
  { id: 'new', label: 'New' },
  { id: 'contacted', label: 'Contacted' },
  { id: 'closed', label: 'Closed' },
];

export const statusLabel = (status: LeadStatus) => STATUSES.find((s) => s.id === status)!.label;
export const kindLabel = (kind: Lead['kind']) => (kind === 'talk' ? 'Talk to a person' : 'Pre-chat form');
