// The Chatbot form: its fields as typed, the checks the browser makes before saving, and the request body.
import type { FieldBinding } from '../../components/Field.js';
import { checkDecimal, checkInt, parseDecimal, parseIntStrict } from '../../components/form-helpers.js';
import type { ServerErrorPlacement } from '../../components/useSettingsForm.js';
import { isHttpUrl } from '../training/shared.js';
import type { ChatbotSettingsUpdate, ChatbotSettingsView as SettingsView } from '../../../../server/chat/schemas.js';

// Same text as the server's defaults (server/chat/settings.ts): "Restore default" puts these back.
export const DEFAULT_INSTRUCTIONS = `You are the friendly assistant of this website. Help visitors with questions about the site, its products and services.
Be concise and practical. When the context has steps, give them as a short list.`;
export const DEFAULT_NO_ANSWER = "Sorry, I couldn't find that on this site. Try asking in another way, or contact us directly.";
export const MAX_INSTRUCTIONS = 4000;
const QA_MATCH_MESSAGE = 'Use a match from 50 to 100 %, or 0 to always let the model answer.';

/** Languages the bot can be told to always answer in (the names the server's prompt knows). */
export const LANGUAGES: [string, string][] = [
  ['en', 'English'],
  ['de', 'German'],
  ['fr', 'French'],
  ['es', 'Spanish'],
  ['it', 'Italian'],
  ['nl', 'Dutch'],
  ['pt', 'Portuguese'],
  ['pl', 'Polish'],
  ['sv', 'Swedish'],
  ['da', 'Danish'],
  ['fi', 'Finnish'],
  ['no', 'Norwegian'],
  ['cs', 'Czech'],
  ['ja', 'Japanese'],
  ['zh', 'Chinese'],
  ['ko', 'Korean'],
  ['tr', 'Turkish'],
  ['ru', 'Russian'],
  ['uk', 'Ukrainian'],
  ['ar', 'Arabic'],
];

export type TalkToPerson = 'never' | 'after_no_answer' | 'always';
const MAX_CONSENT = 500;

type ChatbotSettings = SettingsView['chatbot'];

export type NumberKey =
  | 'temperature'
  | 'maxAnswerTokens'
  | 'historyTurns'
  | 'qaAnswerMatch'
  | 'topK'
  | 'minMatch'
  | 'maxMessageLength'
  | 'messagesPerMinutePerVisitor'
  | 'dailyMessagesPerVisitor'
  | 'maxMessagesPerConversation'
  | 'dailySpendCapUsd'
  | 'retentionDays';

/** The form keeps numbers as typed text, so half-typed values are not rewritten under the cursor. */
export type Form = Record<NumberKey, string> & Omit<ChatbotSettings, NumberKey> & { languageMode: 'auto' | 'fixed' };

export type FieldKey = keyof Form;
export type Errors = Partial<Record<FieldKey, string>>;
/** Errors the server reports for a whole part of the body ("chatbot" or "retrieval") we could not place on a field. */
export type SectionErrors = Partial<Record<'chatbot' | 'retrieval', string>>;

// Top to bottom, for "focus the first error".
export const ORDER: FieldKey[] = [
  'instructions',
  'languageMode',
  'language',
  'mode',
  'qaAnswerMatch',
  'noAnswerMessage',
  'contactLink',
  'contactLabel',
  'talkToPerson',
  'consentText',
  'preChatForm',
  'temperature',
  'maxAnswerTokens',
  'historyTurns',
  'rewriteFollowUps',
  'topK',
  'minMatch',
  'maxMessageLength',
  'messagesPerMinutePerVisitor',
  'dailyMessagesPerVisitor',
  'maxMessagesPerConversation',
  'dailySpendCapUsd',
  'storeConversations',
  'retentionDays',
];

const FIELD_IDS: Partial<Record<FieldKey, string>> = {
  languageMode: 'language-auto',
  mode: 'mode-strict',
  storeConversations: 'store-conversations',
  talkToPerson: 'talk-never',
  preChatForm: 'pre-chat-form',
  rewriteFollowUps: 'rewrite-follow-ups',
};
export const fieldId = (k: FieldKey) => FIELD_IDS[k] ?? `cb-${k}`;

// The server's messages for nested fields arrive under "chatbot"/"retrieval": these put them back on the field.
const SERVER_MESSAGES: [RegExp, FieldKey][] = [
  [/custom instructions/i, 'instructions'],
  [/language code/i, 'language'],
  [/temperature/i, 'temperature'],
  [/tokens per answer/i, 'maxAnswerTokens'],
  [/turns of history/i, 'historyTurns'],
  [/strict or relaxed/i, 'mode'],
  [/nothing matches/i, 'noAnswerMessage'],
  [/chunks?\./i, 'topK'],
  [/minimum match/i, 'minMatch'],
  [/always let the model answer/i, 'qaAnswerMatch'],
];

export function fromSettings(s: SettingsView): Form {
  const c = s.chatbot;
  return {
    instructions: c.instructions,
    languageMode: c.language === 'auto' ? 'auto' : 'fixed',
    language: c.language === 'auto' ? 'en' : c.language,
    temperature: String(c.temperature),
    maxAnswerTokens: String(c.maxAnswerTokens),
    historyTurns: String(c.historyTurns),
    mode: c.mode,
    qaAnswerMatch: String(c.qaAnswerMatch ?? 85),
    rewriteFollowUps: c.rewriteFollowUps ?? false,
    noAnswerMessage: c.noAnswerMessage,
    contactLink: c.contactLink ?? '',
    contactLabel: c.contactLabel ?? '',
    talkToPerson: c.talkToPerson ?? 'never',
    consentText: c.consentText ?? '',
    preChatForm: c.preChatForm ?? false,
    topK: String(s.retrieval.topK),
    minMatch: String(s.retrieval.minMatch),
    maxMessageLength: String(c.maxMessageLength),
    messagesPerMinutePerVisitor: String(c.messagesPerMinutePerVisitor),
    dailyMessagesPerVisitor: String(c.dailyMessagesPerVisitor),
    maxMessagesPerConversation: String(c.maxMessagesPerConversation),
    dailySpendCapUsd: String(c.dailySpendCapUsd),
    storeConversations: c.storeConversations,
    retentionDays: String(c.retentionDays),
  };
}

export function validate(f: Form): Errors {
  const e: Errors = {};
  if (f.instructions.trim().length > MAX_INSTRUCTIONS) e.instructions = 'Custom instructions can be at most 4,000 characters.';
  if (!f.noAnswerMessage.trim()) e.noAnswerMessage = 'Enter the message shown when nothing matches.';
  else if (f.noAnswerMessage.trim().length > 500) e.noAnswerMessage = 'Keep this message under 500 characters.';
  // The same rules as the server's (server/chat/settings.ts).
  const link = f.contactLink.trim();
  if (link && !isHttpUrl(link) && !/^(mailto:)?[^\s@]+@[^\s@]+\.[^\s@]+$/i.test(link)) {
    e.contactLink = 'Enter a web address starting with https:// (or http://), or an e-mail address such as help@example.com.';
  } else if (!link && f.contactLabel.trim()) e.contactLink = 'Add the web address or e-mail address this label links to, or clear the label.';
  if (f.contactLabel.trim().length > 60) e.contactLabel = 'Keep the label to 60 characters or fewer.';
  if (f.consentText.trim().length > MAX_CONSENT) e.consentText = 'Keep the consent text to 500 characters or fewer.';
  const checks: [NumberKey, string | undefined][] = [
    ['temperature', checkDecimal(f.temperature, 0, 2, 'Temperature is between 0 and 2.')],
    ['maxAnswerTokens', checkInt(f.maxAnswerTokens, 64, 8000, 'Allow from 64 to 8,000 tokens per answer.')],
    ['historyTurns', checkInt(f.historyTurns, 0, 20, 'Keep from 0 to 20 turns of history.')],
    [
      'qaAnswerMatch',
      checkInt(f.qaAnswerMatch, 0, 100, QA_MATCH_MESSAGE) ?? (Number(f.qaAnswerMatch) > 0 && Number(f.qaAnswerMatch) < 50 ? QA_MATCH_MESSAGE : undefined),
    ],
    ['topK', checkInt(f.topK, 1, 20, 'Retrieve from 1 to 20 chunks.')],
    ['minMatch', checkDecimal(f.minMatch, 0, 100, 'Minimum match is a percentage from 0 to 100.')],
    ['maxMessageLength', checkInt(f.maxMessageLength, 50, 4000)],
    ['messagesPerMinutePerVisitor', checkInt(f.messagesPerMinutePerVisitor, 1, 120)],
    ['dailyMessagesPerVisitor', checkInt(f.dailyMessagesPerVisitor, 1, 10000)],
    ['maxMessagesPerConversation', checkInt(f.maxMessagesPerConversation, 2, 500)],
    ['dailySpendCapUsd', checkDecimal(f.dailySpendCapUsd, 0, 10000, 'Enter an amount from 0 to 10,000 dollars (0 = no cap).')],
    ['retentionDays', checkInt(f.retentionDays, 0, 3650, 'Use a whole number of days from 0 to 3,650 (0 = keep forever).')],
  ];
  for (const [k, msg] of checks) if (msg) e[k] = msg;
  return e;
}

export function toBody(f: Form) {
  return {
    chatbot: {
      instructions: f.instructions.trim(),
      language: f.languageMode === 'auto' ? 'auto' : f.language,
      temperature: parseDecimal(f.temperature)!,
      maxAnswerTokens: parseIntStrict(f.maxAnswerTokens)!,
      historyTurns: parseIntStrict(f.historyTurns)!,
      mode: f.mode,
      qaAnswerMatch: parseIntStrict(f.qaAnswerMatch)!,
      rewriteFollowUps: f.rewriteFollowUps,
      noAnswerMessage: f.noAnswerMessage.trim(),
      contactLink: f.contactLink.trim(),
      contactLabel: f.contactLabel.trim(),
      talkToPerson: f.talkToPerson,
      consentText: f.consentText.trim(),
      preChatForm: f.preChatForm,
      maxMessageLength: parseIntStrict(f.maxMessageLength)!,
      maxMessagesPerConversation: parseIntStrict(f.maxMessagesPerConversation)!,
      messagesPerMinutePerVisitor: parseIntStrict(f.messagesPerMinutePerVisitor)!,
      dailyMessagesPerVisitor: parseIntStrict(f.dailyMessagesPerVisitor)!,
      dailySpendCapUsd: parseDecimal(f.dailySpendCapUsd)!,
      storeConversations: f.storeConversations,
      retentionDays: parseIntStrict(f.retentionDays)!,
    },
    retrieval: { topK: parseIntStrict(f.topK)!, minMatch: parseDecimal(f.minMatch)! },
  } satisfies ChatbotSettingsUpdate;
}

/** Puts the server's messages back on fields; nested ones arrive as "chatbot.temperature", older ones by text. */
export function placeServerErrors(fields: Record<string, string>): ServerErrorPlacement<FieldKey> {
  const found: Errors = {};
  const sections: SectionErrors = {};
  for (const [key, message] of Object.entries(fields)) {
    const [section, name] = key.split('.') as [string, string | undefined];
    const field = (name && (ORDER as string[]).includes(name) ? (name as FieldKey) : undefined) ?? SERVER_MESSAGES.find(([re]) => re.test(message))?.[1];
    if (field && (section === 'chatbot' || section === 'retrieval')) found[field] = message;
    else if (section === 'chatbot' || section === 'retrieval') sections[section] = message;
    else sections.chatbot = message;
  }
  return { fields: found, sections };
}

/** What each box of the form gets from the screen. */
export interface SectionProps {
  form: Form;
  errors: Errors;
  sectionErrors: SectionErrors;
  saving: boolean;
  update: (patch: Partial<Form>) => void;
  bind: <K extends FieldKey>(k: K) => FieldBinding<Form[K]>;
}
