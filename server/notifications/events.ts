// The event catalogue: everything Docent can notify the admin about, in one place. Adding an event is one
// entry here: its name on the Notifications screen, the dashboard alerts that are it (if any), which channels
// it goes to until the admin says otherwise, and its e-mail. Producers call notify(app, { type, key, data })
// (notify.ts); the webhook receives `data` as it is.
import type { Digest } from './digest.js';
import { digestEmail } from './digest.js';
import type { MessageContent } from './message.js';
import { EVENT_TYPES, type EventType } from './schemas.js';

export { EVENT_TYPES, type EventType };

/** What a dashboard alert event carries (webhook `data`). */
export interface AlertEventData {
  alertId: number;
  /** The alert's kind on the dashboard: invalid_key, no_key, payment_required, low_balance, spend_cap, timeout, unreachable, upstream_down. */
  kind: string;
  /** The dashboard's sentence: the cause and what to do. */
  message: string;
}

/** What a new lead carries (issue 11, part 5 sends it when a visitor asks to talk to a person). */
export interface LeadEventData {
  leadId: number;
  name: string;
  email: string;
  message: string;
  conversationId: string | null;
}

export interface EventDefinition<D> {
  label: string;
  /** One line under the label on the Notifications screen. */
  description: string;
  /** Dashboard alert kinds that are this event: a newly raised one notifies (alerts.ts → notify.ts). */
  alertKinds?: readonly string[];
  /**
   * After one notification of this event, another waits this long: a model that keeps failing and recovering
   * raises a new alert each time, and the admin wants to hear about it once an hour, not after every answer.
   */
  quietMs?: number;
  /** Where it goes until the admin changes it (and only once the channel is set up). */
  defaults: { email: boolean; webhook: boolean };
  email(data: D): MessageContent;
}

const HOUR_MS = 60 * 60_000;
const API_SETTINGS = { label: 'Open Settings → API Configuration', href: '/admin/settings' };
const CREDITS = { label: 'Add credits at OpenRouter', href: 'https://openrouter.ai/settings/credits' };

/** An event raised from dashboard alerts: notified once per alert, at most once an hour. */
function alertEvent(
  definition: Omit<EventDefinition<AlertEventData>, 'quietMs' | 'defaults' | 'email'> & {
    subject: string;
    action: MessageContent['action'];
  },
): EventDefinition<AlertEventData> {
  const { subject, action, ...rest } = definition;
  return {
    ...rest,
    quietMs: HOUR_MS,
    defaults: { email: true, webhook: true },
    email: (data) => ({ subject, paragraphs: [data.message, 'This is also on the Dashboard until it is resolved.'], action }),
  };
}

export const EVENTS = {
  new_lead: {
    label: 'New lead',
    description: 'A visitor left their contact details with "Talk to a person".',
    defaults: { email: true, webhook: true },
    email: (lead: LeadEventData) => ({
      subject: `New lead: ${lead.name || lead.email}`,
      paragraphs: ['A visitor asked to talk to a person. Reply to this e-mail to answer them.'],
      facts: [
        ['Name', lead.name || '(not given)'],
        ['E-mail', lead.email],
        ['Message', lead.message || '(none)'],
      ],
      action: { label: 'Open the lead', href: '/admin/leads' },
      replyTo: lead.email,
    }),
  } satisfies EventDefinition<LeadEventData>,
  invalid_key: alertEvent({
    label: 'API key not working',
    description: 'The provider rejected the API key, or none is saved: visitors get no answers.',
    alertKinds: ['invalid_key', 'no_key'],
    subject: 'The API key is not working',
    action: API_SETTINGS,
  }),
  out_of_credits: alertEvent({
    label: 'Out of credits',
    description: 'OpenRouter refused answers for lack of credits.',
    alertKinds: ['payment_required'],
    subject: 'OpenRouter credits ran out',
    action: CREDITS,
  }),
  low_balance: alertEvent({
    label: 'Low balance',
    description: 'What the key can still spend fell below the warning level in API Configuration.',
    alertKinds: ['low_balance'],
    subject: 'Your OpenRouter balance is low',
    action: CREDITS,
  }),
  spend_cap: alertEvent({
    label: 'Spend cap reached',
    description: "Today's spend cap (Chatbot screen) is reached: until midnight UTC the widget offers links only.",
    alertKinds: ['spend_cap'],
    subject: "Today's spend cap is reached",
    action: { label: 'Open the Chatbot screen', href: '/admin/chatbot' },
  }),
  model_not_responding: alertEvent({
    label: 'Model not responding',
    description: 'Answers time out, or the provider cannot be reached or is failing.',
    alertKinds: ['timeout', 'unreachable', 'upstream_down'],
    subject: 'The AI model is not responding',
    action: API_SETTINGS,
  }),
  digest: {
    label: 'Digest',
    description: 'A daily or weekly summary: conversations, answers, costs and open problems (schedule below).',
    defaults: { email: true, webhook: false },
    email: (digest: Digest) => digestEmail(digest),
  } satisfies EventDefinition<Digest>,
} as const satisfies Record<EventType, unknown>;

export type EventData<T extends EventType> = (typeof EVENTS)[T] extends EventDefinition<infer D> ? D : never;

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENTS, type);
}

/** The event a dashboard alert of `kind` is, if any. */
export function eventOfAlert(kind: string): EventType | null {
  return EVENT_TYPES.find((t) => (EVENTS[t] as EventDefinition<unknown>).alertKinds?.includes(kind)) ?? null;
}

/** The e-mail content of a stored event (its payload's data), whatever its type. */
export function emailContentOf(type: EventType, data: unknown): MessageContent {
  return (EVENTS[type] as EventDefinition<unknown>).email(data);
}
