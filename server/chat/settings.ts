// Chatbot behaviour, abuse limits and privacy, edited on the Chatbot screen.
import { z } from 'zod';
import type { ConfigStore } from '../stores/config-store.js';
import { readSection, writeSection } from '../settings/store.js';

export { characterCount } from './characters.js';

export const DEFAULT_INSTRUCTIONS = `You are the friendly assistant of this website. Help visitors with questions about the site, its products and services.
Be concise and practical. When the context has steps, give them as a short list.`;
export const DEFAULT_NO_ANSWER = "Sorry, I couldn't find that on this site. Try asking in another way, or contact us directly.";

/** The longest message length an admin may allow; the Playground always allows it. */
export const LONGEST_MESSAGE_ALLOWED = 4000;

const CONTACT_LINK_MESSAGE = 'Enter a web address starting with https:// (or http://), or an e-mail address such as help@example.com.';
const httpUrl = z.url({ protocol: /^https?$/ });
const email = z.email();
const MAILTO = /^mailto:/i;
/**
 * "When the bot can't help": a page or an e-mail address (a "mailto:" typed before it is allowed; the widget builds
 * the mailto: link itself). Checked without a transform: responses are encoded with this schema too.
 */
const contactLink = z
  .string()
  .trim()
  .max(500, 'Keep the contact link under 500 characters.')
  .refine((v) => v === '' || httpUrl.safeParse(v).success || email.safeParse(v.replace(MAILTO, '')).success, CONTACT_LINK_MESSAGE);

/** When the widget offers "Talk to a person": never, under an "I don't know" or a failed answer, or always. */
export const TALK_TO_PERSON = ['never', 'after_no_answer', 'always'] as const;

export const ChatbotSettings = z
  .object({
    instructions: z.string().trim().max(4000, 'Custom instructions can be at most 4,000 characters.').default(DEFAULT_INSTRUCTIONS),
    language: z
      .string()
      .regex(/^(auto|[a-z]{2,3}(-[A-Za-z]{2,4})?)$/, 'Choose automatic or a language code such as en or de.')
      .default('auto'),
    temperature: z.number().min(0, 'Temperature is between 0 and 2.').max(2, 'Temperature is between 0 and 2.').default(0.3),
    maxAnswerTokens: z.number().int().min(64, 'Allow at least 64 tokens per answer.').max(8000, 'Allow at most 8,000 tokens per answer.').default(700),
    historyTurns: z.number().int().min(0).max(20, 'Keep at most 20 turns of history.').default(6),
    mode: z.enum(['strict', 'relaxed'], { message: 'Choose strict or relaxed.' }).default('strict'),
    /**
     * A question that matches a Q&A entry's question at least this much (percent) gets the entry's answer word for
     * word, with no model call; 0 = never (Q&A entries are then only context for the model).
     */
    qaAnswerMatch: z
      .number()
      .int('Use a whole percentage.')
      .refine((v) => v === 0 || (v >= 50 && v <= 100), 'Use a match from 50 to 100 %, or 0 to always let the model answer.')
      .default(85),
    /** Follow-up questions are rewritten into standalone questions by the model (one small call) before the search. */
    rewriteFollowUps: z.boolean().default(false),
    noAnswerMessage: z.string().trim().min(1, 'Enter the message shown when nothing matches.').max(500).default(DEFAULT_NO_ANSWER),
    // When the bot can't help (nothing matched, or the model is unavailable), visitors are offered this.
    contactLink: contactLink.default(''),
    /** The link's text; empty: the widget's own "Contact us" (in the visitor's language), or the e-mail address. */
    contactLabel: z.string().trim().max(60, 'Keep the label to 60 characters or fewer.').default(''),
    // Talk to a person (server/leads): when the widget offers its contact form, the consent text shown on it,
    // and the optional pre-chat form (name and e-mail before the first question).
    talkToPerson: z
      .enum(TALK_TO_PERSON, { message: 'Choose when visitors are offered "Talk to a person": never, after "I don\'t know" or a failure, or always.' })
      .default('never'),
    consentText: z.string().trim().max(500, 'Keep the consent text to 500 characters or fewer.').default(''),
    preChatForm: z.boolean().default(false),
    // Abuse and cost protection for the public widget.
    maxMessageLength: z.number().int().min(50).max(LONGEST_MESSAGE_ALLOWED).default(1000),
    maxMessagesPerConversation: z.number().int().min(2).max(500).default(50),
    messagesPerMinutePerVisitor: z.number().int().min(1).max(120).default(8),
    dailyMessagesPerVisitor: z.number().int().min(1).max(10000).default(100),
    /** USD per UTC day for the whole site; 0 = no cap. Past it the widget answers with links only. */
    dailySpendCapUsd: z.number().min(0).max(10000).default(5),
    // Privacy.
    storeConversations: z.boolean().default(true),
    retentionDays: z.number().int().min(0).max(3650).default(90),
  })
  .refine((s) => s.contactLink !== '' || s.contactLabel === '', {
    path: ['contactLink'],
    message: 'Add the web address or e-mail address this label links to, or clear the label.',
  });
export type ChatbotSettings = z.output<typeof ChatbotSettings>;

export const readChatbotSettings = (store: ConfigStore) => readSection(store, 'chatbot', ChatbotSettings);
export const writeChatbotSettings = (store: ConfigStore, value: z.input<typeof ChatbotSettings>) => writeSection(store, 'chatbot', ChatbotSettings, value);

/** What the widget offers visitors when the bot can't help: a page or an e-mail address, with its label. */
export interface Contact {
  label: string | null;
  url: string | null;
  email: string | null;
}

export function contactOf(settings: Pick<ChatbotSettings, 'contactLink' | 'contactLabel'>): Contact | null {
  const link = settings.contactLink;
  if (!link) return null;
  const isEmail = !/^https?:/i.test(link);
  return { label: settings.contactLabel || null, url: isEmail ? null : link, email: isEmail ? link.replace(MAILTO, '') : null };
}
