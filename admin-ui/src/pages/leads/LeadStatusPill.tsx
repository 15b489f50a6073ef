import { Badge, type BadgeTone } from '../../components/Badge.js';
import type { LeadStatus } from '../../../../server/leads/schemas.js';
import { statusLabel } from './labels.js';

const TONES: Record<LeadStatus, BadgeTone> = { new: 'info', contacted: 'warning', closed: 'neutral' };

/** A lead's status as a small pill: new stands out, closed recedes. */
export function LeadStatusPill({ status }: { status: LeadStatus }) {
  return <Badge tone={TONES[status]}>{statusLabel(status)}</Badge>;
}
