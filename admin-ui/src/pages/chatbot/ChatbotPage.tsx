// Chatbot: how Docent answers (instructions, language, model knobs, retrieval, strict/relaxed),
// abuse and cost protection for the public widget, and privacy. GET/PUT /api/admin/chatbot/settings.
import { useTitle } from '../../components/AdminLayout.js';
import { CheckboxField, Field, NumberField, TextareaField, TextField } from '../../components/Field.js';
import { Notice } from '../../components/Notice.js';
import { SubmitRow } from '../../components/SubmitRow.js';
import { PageLoadState } from '../../components/PageLoadState.js';
import { checkDecimal, checkInt, parseDecimal, parseIntStrict } from '../../components/form-helpers.js';
import { useSettingsForm, type ServerErrorPlacement } from '../../components/useSettingsForm.js';
import { isHttpUrl } from '../training/shared.js';
import { Postbox } from '../../components/Postbox.js';
import '../../components/chat-admin.css';

// Same text as the server's defaults (server/chat/settings.ts): "Restore default" puts these back.
export const DEFAULT_INSTRUCTIONS = `You are the friendly assistant of this website. Help visitors with questions about the site, its products and services.
Be concise and practical. When the context has steps, give them as a short list.`;
export const DEFAULT_NO_ANSWER = "Sorry, I couldn't find that on this site. Try asking in another way, or contact us directly.";
const MAX_INSTRUCTIONS = 4000;
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

type TalkToPerson = 'never' | 'after_no_answer' | 'always';
const MAX_CONSENT = 500;

interface ChatbotSettings {
  instructions: string;
  language: string;
  temperature: number;
  maxAnswerTokens: number;
  historyTurns: number;
  mode: 'strict' | 'relaxed';
  qaAnswerMatch: number;
  rewriteFollowUps: boolean;
  noAnswerMessage: string;
  contactLink: string;
  contactLabel: string;
  talkToPerson: TalkToPerson;
  consentText: string;
  preChatForm: boolean;
  maxMessageLength: number;
  maxMessagesPerConversation: number;
  messagesPerMinutePerVisitor: number;
  dailyMessagesPerVisitor: number;
  dailySpendCapUsd: number;
  storeConversations: boolean;
  retentionDays: number;
}

interface RetrievalSettings {
  topK: number;
  minMatch: number;
  chunkTokens?: number;
  chunkOverlap?: number;
}

interface SettingsView {
  chatbot: ChatbotSettings;
  retrieval: RetrievalSettings;
}

type NumberKey =
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
type Form = Record<NumberKey, string> & {
  instructions: string;
  languageMode: 'auto' | 'fixed';
  language: string;
  mode: 'strict' | 'relaxed';
  noAnswerMessage: string;
  contactLink: string;
  contactLabel: string;
  talkToPerson: TalkToPerson;
  consentText: string;
  preChatForm: boolean;
  storeConversations: boolean;
  rewriteFollowUps: boolean;
};

type FieldKey = keyof Form;
type Errors = Partial<Record<FieldKey, string>>;
/** Errors the server reports for a whole part of the body ("chatbot" or "retrieval") we could not place on a field. */
type SectionErrors = Partial<Record<'chatbot' | 'retrieval', string>>;

// Top to bottom, for "focus the first error".
const ORDER: FieldKey[] = [
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
const fieldId = (k: FieldKey) => FIELD_IDS[k] ?? `cb-${k}`;

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

function fromSettings(s: SettingsView): Form {
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

function validate(f: Form): Errors {
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

function toBody(f: Form) {
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
  };
}

/** Puts the server's messages back on fields; nested ones arrive as "chatbot.temperature", older ones by text. */
function placeServerErrors(fields: Record<string, string>): ServerErrorPlacement<FieldKey> {
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

export default function ChatbotPage() {
  useTitle('Chatbot');
  const { form, errors, sectionErrors, notice, noticeRef, saving, dirty, update, bind, onSave, dismissNotice, saved, resource } = useSettingsForm({
    url: '/api/admin/chatbot/settings',
    fromView: fromSettings,
    validate,
    toBody,
    order: ORDER,
    fieldId,
    savedMessage: 'Settings saved.',
    placeServerErrors,
  });

  if (!saved || !form) {
    return <PageLoadState title="Chatbot" what="the chatbot settings" error={resource.error} onRetry={resource.reload} />;
  }

  const count = form.instructions.length;
  const overLimit = form.instructions.trim().length > MAX_INSTRUCTIONS;

  return (
    <div class="wrap chat-admin">
      <h1>Chatbot</h1>
      <p class="page-intro">How Docent answers your visitors, how much it may cost, and what it keeps.</p>
      {notice && (
        <Notice type={notice.type} noticeRef={noticeRef} onDismiss={dismissNotice} live={false} class="settings-notice">
          <p>{notice.message}</p>
        </Notice>
      )}
      <form onSubmit={onSave} noValidate>
        <Postbox id="answers-title" title="Answers" body="inside form-table">
          {sectionErrors.chatbot && (
            <Notice type="error" inline live={false}>
              <p>{sectionErrors.chatbot}</p>
            </Notice>
          )}
          <TextareaField
            label="Custom Instructions"
            {...bind('instructions')}
            class="textarea-large"
            rows={7}
            describedById="cb-instructions-counter"
            footer={
              <div class="textarea-footer">
                <button
                  type="button"
                  class="button-link"
                  onClick={() => update({ instructions: DEFAULT_INSTRUCTIONS })}
                  disabled={saving || form.instructions === DEFAULT_INSTRUCTIONS}
                >
                  Restore default
                </button>
                <span id="cb-instructions-counter" class={`char-counter${overLimit ? ' is-over' : ''}`} aria-live="polite">
                  {count.toLocaleString('en')} / {MAX_INSTRUCTIONS.toLocaleString('en')}
                  <span class="screen-reader-text"> characters</span>
                </span>
              </div>
            }
            help={
              <>
                Tell the bot who it is and how to talk: tone, length, what to recommend. Docent always adds its own rules (answer from your content, cite
                sources), so you do not need to repeat them.
              </>
            }
          />

          <Field
            label="Response language"
            labelId="language-label"
            describes={fieldId('language')}
            error={errors.language}
            help="Automatic suits most sites. Choose one language if your content and support are only in that language."
          >
            <fieldset class="radio-group" aria-labelledby="language-label" aria-describedby="cb-language-description">
              <label class="radio-option">
                <input
                  type="radio"
                  name="language-mode"
                  id="language-auto"
                  checked={form.languageMode === 'auto'}
                  onChange={() => update({ languageMode: 'auto' })}
                  disabled={saving}
                />
                <span>
                  <span class="radio-title">Automatic — reply in the visitor's language</span>
                </span>
              </label>
              <label class="radio-option">
                <input
                  type="radio"
                  name="language-mode"
                  id="language-fixed"
                  checked={form.languageMode === 'fixed'}
                  onChange={() => update({ languageMode: 'fixed' })}
                  disabled={saving}
                />
                <span>
                  <span class="radio-title">Always reply in one language</span>
                </span>
              </label>
            </fieldset>
            {form.languageMode === 'fixed' && (
              <div class="sub-field">
                <label class="screen-reader-text" for={fieldId('language')}>
                  Language
                </label>
                <select
                  id={fieldId('language')}
                  class="input select"
                  value={form.language}
                  onChange={(e) => update({ language: e.currentTarget.value })}
                  aria-invalid={errors.language ? 'true' : undefined}
                  disabled={saving}
                >
                  {LANGUAGES.map(([code, name]) => (
                    <option key={code} value={code}>
                      {name}
                    </option>
                  ))}
                </select>
              </div>
            )}
          </Field>

          <Field label="Answer mode" labelId="mode-label" describes={fieldId('mode')} error={errors.mode}>
            <fieldset class="radio-group" aria-labelledby="mode-label">
              <label class="radio-option">
                <input
                  type="radio"
                  name="mode"
                  id="mode-strict"
                  checked={form.mode === 'strict'}
                  onChange={() => update({ mode: 'strict' })}
                  disabled={saving}
                />
                <span>
                  <span class="radio-title">
                    Strict <span class="badge badge-recommended">Recommended</span>
                  </span>
                  <span class="description">
                    Answers only from your content. When nothing matches, it says "I don't know" (the message below) without calling the model, so it costs
                    nothing.
                  </span>
                </span>
              </label>
              <label class="radio-option">
                <input
                  type="radio"
                  name="mode"
                  id="mode-relaxed"
                  checked={form.mode === 'relaxed'}
                  onChange={() => update({ mode: 'relaxed' })}
                  disabled={saving}
                />
                <span>
                  <span class="radio-title">Relaxed</span>
                  <span class="description">
                    Prefers your content, but may also answer from the model's general knowledge (and says so). More helpful, but it can be wrong about your
                    business.
                  </span>
                </span>
              </label>
            </fieldset>
          </Field>

          <NumberField
            label="Q&amp;A answers"
            {...bind('qaAnswerMatch')}
            min={0}
            max={100}
            width="tiny"
            unitBefore={<>Answer with the Q&amp;A answer when a question matches at least</>}
            unit="%"
            help={
              <>
                When a visitor's question is this close to one of your Q&amp;A questions, the bot replies with your answer word for word: no AI call, no cost,
                also when the AI service is down or today's spend cap is reached. Below it, your Q&amp;A answers are context the bot answers from in its own
                words. 85% catches rewordings of the same question; 0 always lets the AI answer.
              </>
            }
          />

          <TextareaField
            label={'"I don\'t know" message'}
            {...bind('noAnswerMessage')}
            rows={2}
            footer={
              form.noAnswerMessage !== DEFAULT_NO_ANSWER && (
                <div class="textarea-footer">
                  <button type="button" class="button-link" onClick={() => update({ noAnswerMessage: DEFAULT_NO_ANSWER })} disabled={saving}>
                    Restore default
                  </button>
                </div>
              )
            }
            help="What visitors see in strict mode when your content has nothing on their question."
          />
        </Postbox>

        <Postbox id="contact-title" title="When the bot can't help" body="inside form-table">
          <p class="description">
            When your content has nothing on a question, or the bot cannot answer at all (the AI service is down, your credit has run out, today's spend cap is
            reached), visitors get a calm message with your matching Q&amp;A answers and links to matching pages. Give them a way to reach a person too.
          </p>
          <TextField
            label="Contact page or e-mail"
            {...bind('contactLink')}
            inputMode="url"
            autoComplete="off"
            spellcheck={false}
            placeholder="https://example.com/contact"
            help="Optional. A web page (starting with https://) or an e-mail address. Visitors see it as a button under the answer. Leave empty to show none."
          />
          <TextField
            label="Button text"
            {...bind('contactLabel')}
            maxLength={60}
            placeholder="Contact us"
            help={'Optional, up to 60 characters. Empty: "Contact us" in the visitor\'s language for a page, or the e-mail address itself.'}
          />
          <Field
            label="Talk to a person"
            labelId="talk-label"
            describes={fieldId('talkToPerson')}
            error={errors.talkToPerson}
            helpId="talk-description"
            help={
              <>
                A short form in the widget: name, e-mail and a message. It arrives under <a href="/admin/leads">Leads</a> with the conversation, and as a "New
                lead" notification (Settings → Notifications).
              </>
            }
          >
            <fieldset class="radio-group" aria-labelledby="talk-label" aria-describedby="talk-description">
              <label class="radio-option">
                <input
                  type="radio"
                  name="talk-to-person"
                  id="talk-never"
                  checked={form.talkToPerson === 'never'}
                  onChange={() => update({ talkToPerson: 'never' })}
                  disabled={saving}
                />
                <span>
                  <span class="radio-title">Never</span>
                </span>
              </label>
              <label class="radio-option">
                <input
                  type="radio"
                  name="talk-to-person"
                  id="talk-after"
                  checked={form.talkToPerson === 'after_no_answer'}
                  onChange={() => update({ talkToPerson: 'after_no_answer' })}
                  disabled={saving}
                />
                <span>
                  <span class="radio-title">After "I don't know" or a failure</span>
                  <span class="description">Under an answer the bot could not give, next to your contact link.</span>
                </span>
              </label>
              <label class="radio-option">
                <input
                  type="radio"
                  name="talk-to-person"
                  id="talk-always"
                  checked={form.talkToPerson === 'always'}
                  onChange={() => update({ talkToPerson: 'always' })}
                  disabled={saving}
                />
                <span>
                  <span class="radio-title">Always</span>
                  <span class="description">Also from a button at the top of the chat, at any time.</span>
                </span>
              </label>
            </fieldset>
          </Field>
          <TextareaField
            label="Consent text"
            {...bind('consentText')}
            rows={2}
            placeholder="I agree that you store my name and e-mail address to answer me."
            help="Optional, up to 500 characters. When set, visitors must tick it to send the form, and the lead keeps the text they agreed to."
          />
          <CheckboxField
            label="Pre-chat form"
            labelId="pre-chat-label"
            {...bind('preChatForm')}
            text="Ask for the visitor's name and e-mail before the first question"
            help="Off by default: a form before chatting turns many visitors away. Each one filled in is a lead."
          />
        </Postbox>

        <Postbox id="model-title" title="Model and search" body="inside form-table">
          {sectionErrors.retrieval && (
            <Notice type="error" inline live={false}>
              <p>{sectionErrors.retrieval}</p>
            </Notice>
          )}
          <NumberField
            label="Temperature"
            {...bind('temperature')}
            min={0}
            max={2}
            step={0.1}
            width="tiny"
            help="How much the wording varies, from 0 to 2. Lower is more focused and repeatable; higher is more varied. 0.3 suits factual answers."
          />
          <NumberField
            label="Max answer tokens"
            {...bind('maxAnswerTokens')}
            min={64}
            max={8000}
            unit="tokens"
            help="The longest answer the bot may write, in tokens: pieces of words, about ¾ of a word each (700 tokens is about 500 words). Longer answers cost more."
          />
          <NumberField
            label="History length"
            {...bind('historyTurns')}
            min={0}
            max={20}
            width="tiny"
            unit="turns"
            help="How many earlier questions and answers the bot remembers, so follow-up questions make sense. 0 = none."
          />
          <CheckboxField
            label="Follow-up questions"
            labelId="follow-ups-label"
            {...bind('rewriteFollowUps')}
            text="Rewrite follow-ups with the model"
            help={
              <>
                A follow-up such as "And how much is it?" is always searched together with the visitor's previous question, at no extra cost. On: the model
                first rewrites it into a question that stands alone ("How much is the Pro plan?"), one small extra AI call per follow-up. The{' '}
                <a href="/admin/playground">Playground</a> shows what was searched.
              </>
            }
          />
          <NumberField
            label="Chunks per answer"
            {...bind('topK')}
            min={1}
            max={20}
            width="tiny"
            unit="chunks"
            help={
              <>
                How many chunks (short passages of your content) the bot reads before it answers, best matches first; often called top-k. More can help with
                broad questions, but each answer costs a little more. Chunk size is set in{' '}
                <a href="/admin/training?tab=database">Data Training → Database Management</a>.
              </>
            }
          />
          <NumberField
            label="Minimum match"
            {...bind('minMatch')}
            min={0}
            max={100}
            width="tiny"
            unit="%"
            help={
              <>
                How closely a chunk must match the meaning of the question to be used, from 0 to 100%. Raise it if answers use unrelated pages; lower it if the
                bot says "I don't know" too often. Try questions in the <a href="/admin/playground">Playground</a>.
              </>
            }
          />
        </Postbox>

        <Postbox id="abuse-title" title={<>Abuse &amp; cost protection</>} body="inside form-table">
          <NumberField
            label="Max message length"
            {...bind('maxMessageLength')}
            min={50}
            max={4000}
            unit="characters"
            help="Longer questions from visitors are refused. Stops people pasting whole documents."
          />
          <NumberField
            label="Messages per minute"
            {...bind('messagesPerMinutePerVisitor')}
            min={1}
            max={120}
            width="tiny"
            unit="per visitor"
            help="A visitor who sends more has to wait a moment. Real people rarely send more than a few."
          />
          <NumberField
            label="Daily messages"
            {...bind('dailyMessagesPerVisitor')}
            min={1}
            max={10000}
            unit="per visitor"
            help="After this many questions in a day (UTC), a visitor is asked to come back tomorrow."
          />
          <NumberField
            label="Max messages per conversation"
            {...bind('maxMessagesPerConversation')}
            min={2}
            max={500}
            help="Long conversations cost more per answer. Past this, the visitor is asked to start a new chat."
          />
          <NumberField
            label="Daily spend cap"
            {...bind('dailySpendCapUsd')}
            min={0}
            max={10000}
            step={0.01}
            unitBefore="$"
            unit="per day"
            help="0 = no cap. When the whole site has spent this much today (UTC), the widget answers with links to matching pages only, until midnight UTC."
          />
        </Postbox>

        <Postbox id="privacy-title" title="Privacy" body="inside form-table">
          <CheckboxField
            label="Store conversations"
            labelId="store-label"
            {...bind('storeConversations')}
            text="Keep visitors' conversations so you can read them under Conversations"
            help="Off: conversations are never saved and nothing shows under Conversations; a chat in progress is held in memory only (for up to 30 minutes), so follow-up questions make sense. The limits above and the dashboard still count every question, without its text. Tell visitors in your privacy policy if you keep conversations."
          />
          <NumberField
            label="Keep conversations for"
            {...bind('retentionDays')}
            min={0}
            max={3650}
            unit="days"
            help="0 = keep forever. Older conversations are deleted automatically a few times a day."
          />
        </Postbox>

        <SubmitRow saving={saving} dirty={dirty} />
      </form>
    </div>
  );
}
