// Leads: what visitors left with the widget's "Talk to a person" and pre-chat forms, and where the admin is with each.

export type LeadStatus = 'new' | 'contacted' | 'closed';
export type LeadKind = 'talk' | 'pre_chat';

export interface NewLead {
  kind: LeadKind;
  name: string;
  email: string;
  message: string;
  consentText: string;
  visitorHash: string;
  conversationId: string | null;
  origin: string | null;
}

export interface LeadRecord {
  id: number;
  kind: LeadKind;
  name: string;
  email: string;
  message: string;
  status: LeadStatus;
  conversationId: string | null;
  origin: string | null;
  createdAt: string;
  updatedAt: string;
}

/** One lead for the CSV export. */
export interface ExportedLead {
  id: number;
  createdAt: string;
  status: LeadStatus;
  kind: LeadKind;
  name: string;
  email: string;
  message: string;
  consentText: string;
  origin: string | null;
  conversationId: string | null;
}

export interface LeadStore {
  /** Returns the new lead's id. */
  addLead(lead: NewLead): Promise<number>;
  /** Leads one visitor left since `sinceIso` (the per-visitor limit). */
  countVisitorLeads(visitorHash: string, sinceIso: string): Promise<number>;
  /** One page of leads (newest first) with this status ('all': any), how many there are, and how many of each status. */
  listLeads(status: LeadStatus | 'all', limit: number, offset: number): Promise<{ leads: LeadRecord[]; total: number; counts: Record<LeadStatus, number> }>;
  findLead(id: number): Promise<(LeadRecord & { consentText: string; visitorHash: string }) | null>;
  /** False when there is no such lead. */
  setLeadStatus(id: number, status: LeadStatus): Promise<boolean>;
  /** False when there is no such lead. */
  deleteLead(id: number): Promise<boolean>;
  /** Every lead with this status ('all': any), oldest first. */
  exportLeads(status: LeadStatus | 'all'): Promise<ExportedLead[]>;
}
