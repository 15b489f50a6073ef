// Leads: the shapes of the public form and of the admin API, shared by the routes, the tests and (as types only)
// the admin UI. Zod only: no database or Fastify import, so `import type` from the browser stays free.
import { z } from 'zod';
import { characterCount } from '../chat/characters.js';
import { VisitorId } from '../widget/visitor.js';

export const LEAD_STATUSES = ['new', 'contacted', 'closed'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];
export const LEAD_KINDS = ['talk', 'pre_chat'] as const;
export type LeadKind = (typeof LEAD_KINDS)[number];

export const MAX_NAME = 100;
export const MAX_EMAIL = 254;
export const MAX_LEAD_MESSAGE = 2000;

/** The widget's own sentences (widget/src/i18n.ts says the same in the visitor's language). */
export const LEAD_MESSAGES = {
  name: 'Enter your name.',
  nameTooLong: `Keep your name to ${MAX_NAME} characters or fewer.`,
  email: 'Enter a valid e-mail address, such as name@example.com.',
  message: 'Type a message.',
  messageTooLong: `Your message is too long. Keep it to ${MAX_LEAD_MESSAGE.toLocaleString('en')} characters or fewer.`,
  consent: 'Tick the box to agree, so that we may contact you.',
} as const;

const email = z.email();

/**
 * `POST /api/widget/leads`. `kind` "talk" is the "Talk to a person" form (a message is required), "pre_chat" the
 * form before the first question (name and e-mail only). `website` is the honeypot: people never see it, so a
 * value in it means a bot.
 */
export const LeadForm = z
  .object({
    visitorId: VisitorId,
    conversationId: z.string().uuid('conversationId is not valid.').nullish(),
    kind: z.enum(LEAD_KINDS, { message: 'Use one of: "talk", "pre_chat".' }).default('talk'),
    name: z.string({ message: LEAD_MESSAGES.name }).trim().min(1, LEAD_MESSAGES.name).max(MAX_NAME, LEAD_MESSAGES.nameTooLong),
    email: z
      .string({ message: LEAD_MESSAGES.email })
      .trim()
      .max(MAX_EMAIL, LEAD_MESSAGES.email)
      .refine((v) => email.safeParse(v).success, LEAD_MESSAGES.email),
    message: z
      .string()
      .trim()
      .max(MAX_LEAD_MESSAGE * 2, LEAD_MESSAGES.messageTooLong)
      .refine((v) => characterCount(v) <= MAX_LEAD_MESSAGE, LEAD_MESSAGES.messageTooLong)
      .default(''),
    consent: z.boolean().default(false),
    website: z.string().max(500).default(''),
  })
  .superRefine((form, ctx) => {
    if (form.kind === 'talk' && form.message === '') ctx.addIssue({ code: 'custom', path: ['message'], message: LEAD_MESSAGES.message });
  });
export type LeadForm = z.output<typeof LeadForm>;

/** Both a stored lead and a honeypot catch get this: a bot learns nothing from the answer. */
export const LeadReceived = z.object({ received: z.literal(true) });

export const LeadSummary = z.object({
  id: z.number(),
  kind: z.enum(LEAD_KINDS),
  name: z.string(),
  email: z.string(),
  message: z.string(),
  status: z.enum(LEAD_STATUSES),
  conversationId: z.string().nullable(),
  origin: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type LeadSummary = z.output<typeof LeadSummary>;

/** One lead as the admin sees it: the summary plus the consent sentence the visitor agreed to. */
export const LeadDetail = LeadSummary.extend({ consentText: z.string() });
export type LeadDetail = z.output<typeof LeadDetail>;

export const TranscriptMessage = z.object({
  role: z.enum(['user', 'assistant']),
  text: z.string(),
  status: z.string(),
  createdAt: z.string(),
});
export type TranscriptMessage = z.output<typeof TranscriptMessage>;

export const StatusFilter = z.enum(['all', ...LEAD_STATUSES], { message: 'Use one of: "all", "new", "contacted", "closed".' }).default('all');
export type StatusFilter = z.output<typeof StatusFilter>;

export const LeadListQuery = z.object({
  status: StatusFilter,
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const LeadList = z.object({
  leads: z.array(LeadSummary),
  total: z.number(),
  counts: z.object({ new: z.number(), contacted: z.number(), closed: z.number() }),
});
export type LeadList = z.output<typeof LeadList>;

/** `GET /api/admin/leads/:id`: the transcript is null when the lead has no stored conversation. */
export const LeadView = z.object({ lead: LeadDetail, transcript: z.array(TranscriptMessage).nullable() });
export type LeadView = z.output<typeof LeadView>;

export const LeadId = z.object({
  id: z.coerce.number({ message: 'Expected a number.' }).int('Expected a whole number.').positive('Expected a positive number.'),
});

export const LeadStatusChange = z.object({ status: z.enum(LEAD_STATUSES, { message: 'Use one of: "new", "contacted", "closed".' }) });

/** `PATCH /api/admin/leads/:id`: the lead as it is now. */
export const LeadUpdated = z.object({ lead: LeadDetail });
export type LeadUpdated = z.output<typeof LeadUpdated>;

export const LeadDeleted = z.object({ deleted: z.literal(true) });

/** `GET /api/admin/leads/export.csv`: a CSV document (sent as text, so this schema documents rather than encodes). */
export const LeadCsv = z.string();
