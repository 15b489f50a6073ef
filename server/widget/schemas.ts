// The widget's public API: the shapes the routes declare and (as types only, 0 bytes) the widget reads.
// Zod only: no database or Fastify import.
import { z } from 'zod';
import { TALK_TO_PERSON } from '../chat/settings.js';
import { type WidgetSettings, WidgetSettingsView } from './settings.js';

/** "When the bot can't help": a page or an e-mail address (the widget builds the mailto: link). */
export const Contact = z.object({ label: z.string().nullable(), url: z.string().nullable(), email: z.string().nullable() });
export type Contact = z.output<typeof Contact>;

/** `GET /api/widget/config`. */
export const WidgetConfig = z.object({
  botName: z.string(),
  avatarUrl: z.string().nullable(),
  primaryColor: z.string(),
  position: z.string(),
  welcomeMessage: z.string(),
  suggestedQuestions: z.array(z.string()),
  disclosure: z.string(),
  language: z.string(),
  openOnLoad: z.boolean(),
  strings: z.record(z.string(), z.string()),
  contact: Contact.nullable(),
  // "Talk to a person" (server/leads): when the form is offered, the consent text on it, the pre-chat form.
  handoff: z.object({ talkToPerson: z.enum(TALK_TO_PERSON), consentText: z.string(), preChatForm: z.boolean() }),
});
export type WidgetConfig = z.output<typeof WidgetConfig>;

/** A source under an answer the visitor sees: always a public page. */
export const VisitorSource = z.object({ title: z.string(), url: z.string() });
export type VisitorSource = z.output<typeof VisitorSource>;

/** `GET /api/widget/history`: a returning visitor's conversation. */
export const WidgetHistory = z.object({
  conversationId: z.string(),
  messages: z.array(
    z.object({
      id: z.string(),
      role: z.enum(['user', 'assistant']),
      text: z.string(),
      sources: z.array(VisitorSource),
      feedback: z.enum(['up', 'down']).nullable(),
      /** false: an "I don't know" or a failure, so the widget offers the contact link and Talk to a person again. */
      answered: z.boolean(),
      createdAt: z.string(),
    }),
  ),
});
export type WidgetHistory = z.output<typeof WidgetHistory>;

/** `GET|PUT /api/admin/widget/settings`: the Widget screen's settings, the embed snippet, where it was last used. */
export const WidgetAdminView = z.object({
  widget: WidgetSettingsView,
  snippet: z.string(),
  lastSeen: z.object({ origin: z.string(), at: z.string() }).nullable(),
});
export type WidgetAdminView = z.output<typeof WidgetAdminView>;
/** The request body of `PUT /api/admin/widget/settings`. */
export type WidgetSettingsUpdate = z.input<typeof WidgetSettings>;
