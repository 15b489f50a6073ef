import { Badge } from '../../components/Badge.js';
import type { LeadStatus } from '../../../../server/leads/schemas.js';
import { statusLabel } from './labels.js';

/** A lead's status as a small pill: new stands out, closed recedes. */
export function LeadStatusPill({ status }: { status: LeadStatus }) {
  return <Badge class={`lead-status lead-status-${status}`}>{statusLabel(status)}</Badge>;
}
