// The Chatbot screen's boxes as data: each box's rows (FieldRows), bound to the form by the page.
import type { FieldBox, FieldRow } from '../../components/FieldRows.js';
import { DEFAULT_INSTRUCTIONS, DEFAULT_NO_ANSWER, type FieldKey, LANGUAGES, MAX_INSTRUCTIONS, type SectionProps, fieldId } from './form.js';

type NumberRow = Extract<FieldRow<FieldKey>, { kind: 'number' }>;
const numbers = (rows: Omit<NumberRow, 'kind'>[]): NumberRow[] => rows.map((row) => ({ kind: 'number', ...row }));

export function chatbotBoxes({ form, errors, sectionErrors, saving, update }: SectionProps): FieldBox<FieldKey>[] {
  const overLimit = form.instructions.trim().length > MAX_INSTRUCTIONS;
  return [
    {
      id: 'answers-title',
      title: 'Answers',
      error: sectionErrors.chatbot,
      rows: [
        {
          kind: 'textarea',
          key: 'instructions',
          label: 'Custom Instructions',
          class: 'textarea-large',
          rows: 7,
          describedById: 'cb-instructions-counter',
          footer: (
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
                {form.instructions.length.toLocaleString('en')} / {MAX_INSTRUCTIONS.toLocaleString('en')}
                <span class="screen-reader-text"> characters</span>
              </span>
            </div>
          ),
          help: (
            <>
              Tell the bot who it is and how to talk: tone, length, what to recommend. Docent always adds its own rules (answer from your content, cite
              sources), so you do not need to repeat them.
            </>
          ),
        },
        {
          kind: 'radio',
          key: 'languageMode',
          // The help and the error belong to the language, which the radios choose and the select names.
          describes: fieldId('language'),
          error: errors.language,
          label: 'Response language',
          labelId: 'language-label',
          help: 'Automatic suits most sites. Choose one language if your content and support are only in that language.',
          name: 'language-mode',
          describedBy: 'cb-language-description',
          choices: [
            { value: 'auto', id: 'language-auto', title: "Automatic — reply in the visitor's language" },
            { value: 'fixed', id: 'language-fixed', title: 'Always reply in one language' },
          ],
          children: form.languageMode === 'fixed' && (
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
          ),
        },
        {
          kind: 'radio',
          key: 'mode',
          label: 'Answer mode',
          labelId: 'mode-label',
          name: 'mode',
          choices: [
            {
              value: 'strict',
              id: 'mode-strict',
              title: (
                <>
                  Strict <span class="badge badge-recommended">Recommended</span>
                </>
              ),
              description:
                'Answers only from your content. When nothing matches, it says "I don\'t know" (the message below) without calling the model, so it costs nothing.',
            },
            {
              value: 'relaxed',
              id: 'mode-relaxed',
              title: 'Relaxed',
              description:
                "Prefers your content, but may also answer from the model's general knowledge (and says so). More helpful, but it can be wrong about your business.",
            },
          ],
        },
        {
          kind: 'number',
          key: 'qaAnswerMatch',
          label: 'Q&A answers',
          min: 0,
          max: 100,
          width: 'tiny',
          unitBefore: <>Answer with the Q&amp;A answer when a question matches at least</>,
          unit: '%',
          help: (
            <>
              When a visitor's question is this close to one of your Q&amp;A questions, the bot replies with your answer word for word: no AI call, no cost,
              also when the AI service is down or today's spend cap is reached. Below it, your Q&amp;A answers are context the bot answers from in its own
              words. 85% catches rewordings of the same question; 0 always lets the AI answer.
            </>
          ),
        },
        {
          kind: 'textarea',
          key: 'noAnswerMessage',
          label: '"I don\'t know" message',
          rows: 2,
          footer: form.noAnswerMessage !== DEFAULT_NO_ANSWER && (
            <div class="textarea-footer">
              <button type="button" class="button-link" onClick={() => update({ noAnswerMessage: DEFAULT_NO_ANSWER })} disabled={saving}>
                Restore default
              </button>
            </div>
          ),
          help: 'What visitors see in strict mode when your content has nothing on their question.',
        },
      ],
    },
    {
      id: 'contact-title',
      title: "When the bot can't help",
      rows: [
        <p class="description" key="intro">
          When your content has nothing on a question, or the bot cannot answer at all (the AI service is down, your credit has run out, today's spend cap is
          reached), visitors get a calm message with your matching Q&amp;A answers and links to matching pages. Give them a way to reach a person too.
        </p>,
        {
          kind: 'text',
          key: 'contactLink',
          label: 'Contact page or e-mail',
          inputMode: 'url',
          autoComplete: 'off',
          spellcheck: false,
          placeholder: 'https://example.com/contact',
          help: 'Optional. A web page (starting with https://) or an e-mail address. Visitors see it as a button under the answer. Leave empty to show none.',
        },
        {
          kind: 'text',
          key: 'contactLabel',
          label: 'Button text',
          maxLength: 60,
          placeholder: 'Contact us',
          help: 'Optional, up to 60 characters. Empty: "Contact us" in the visitor\'s language for a page, or the e-mail address itself.',
        },
        {
          kind: 'radio',
          key: 'talkToPerson',
          label: 'Talk to a person',
          labelId: 'talk-label',
          helpId: 'talk-description',
          help: (
            <>
              A short form in the widget: name, e-mail and a message. It arrives under <a href="/admin/leads">Leads</a> with the conversation, and as a "New
              lead" notification (Settings → Notifications).
            </>
          ),
          name: 'talk-to-person',
          describedBy: 'talk-description',
          choices: [
            { value: 'never', id: 'talk-never', title: 'Never' },
            {
              value: 'after_no_answer',
              id: 'talk-after',
              title: 'After "I don\'t know" or a failure',
              description: 'Under an answer the bot could not give, next to your contact link.',
            },
            { value: 'always', id: 'talk-always', title: 'Always', description: 'Also from a button at the top of the chat, at any time.' },
          ],
        },
        {
          kind: 'textarea',
          key: 'consentText',
          label: 'Consent text',
          rows: 2,
          placeholder: 'I agree that you store my name and e-mail address to answer me.',
          help: 'Optional, up to 500 characters. When set, visitors must tick it to send the form, and the lead keeps the text they agreed to.',
        },
        {
          kind: 'checkbox',
          key: 'preChatForm',
          label: 'Pre-chat form',
          labelId: 'pre-chat-label',
          text: "Ask for the visitor's name and e-mail before the first question",
          help: 'Off by default: a form before chatting turns many visitors away. Each one filled in is a lead.',
        },
      ],
    },
    {
      id: 'model-title',
      title: 'Model and search',
      error: sectionErrors.retrieval,
      rows: [
        ...numbers([
          {
            key: 'temperature',
            label: 'Temperature',
            min: 0,
            max: 2,
            step: 0.1,
            width: 'tiny',
            help: 'How much the wording varies, from 0 to 2. Lower is more focused and repeatable; higher is more varied. 0.3 suits factual answers.',
          },
          {
            key: 'maxAnswerTokens',
            label: 'Max answer tokens',
            min: 64,
            max: 8000,
            unit: 'tokens',
            help: 'The longest answer the bot may write, in tokens: pieces of words, about ¾ of a word each (700 tokens is about 500 words). Longer answers cost more.',
          },
          {
            key: 'historyTurns',
            label: 'History length',
            min: 0,
            max: 20,
            width: 'tiny',
            unit: 'turns',
            help: 'How many earlier questions and answers the bot remembers, so follow-up questions make sense. 0 = none.',
          },
        ]),
        {
          kind: 'checkbox',
          key: 'rewriteFollowUps',
          label: 'Follow-up questions',
          labelId: 'follow-ups-label',
          text: 'Rewrite follow-ups with the model',
          help: (
            <>
              A follow-up such as "And how much is it?" is always searched together with the visitor's previous question, at no extra cost. On: the model first
              rewrites it into a question that stands alone ("How much is the Pro plan?"), one small extra AI call per follow-up. The{' '}
              <a href="/admin/playground">Playground</a> shows what was searched.
            </>
          ),
        },
        ...numbers([
          {
            key: 'topK',
            label: 'Chunks per answer',
            min: 1,
            max: 20,
            width: 'tiny',
            unit: 'chunks',
            help: (
              <>
                How many chunks (short passages of your content) the bot reads before it answers, best matches first; often called top-k. More can help with
                broad questions, but each answer costs a little more. Chunk size is set in{' '}
                <a href="/admin/training?tab=database">Data Training → Database Management</a>.
              </>
            ),
          },
          {
            key: 'minMatch',
            label: 'Minimum match',
            min: 0,
            max: 100,
            width: 'tiny',
            unit: '%',
            help: (
              <>
                How closely a chunk must match the meaning of the question to be used, from 0 to 100%. Raise it if answers use unrelated pages; lower it if the
                bot says "I don't know" too often. Try questions in the <a href="/admin/playground">Playground</a>.
              </>
            ),
          },
        ]),
      ],
    },
    {
      id: 'abuse-title',
      title: <>Abuse &amp; cost protection</>,
      rows: numbers([
        {
          key: 'maxMessageLength',
          label: 'Max message length',
          min: 50,
          max: 4000,
          unit: 'characters',
          help: 'Longer questions from visitors are refused. Stops people pasting whole documents.',
        },
        {
          key: 'messagesPerMinutePerVisitor',
          label: 'Messages per minute',
          min: 1,
          max: 120,
          width: 'tiny',
          unit: 'per visitor',
          help: 'A visitor who sends more has to wait a moment. Real people rarely send more than a few.',
        },
        {
          key: 'dailyMessagesPerVisitor',
          label: 'Daily messages',
          min: 1,
          max: 10000,
          unit: 'per visitor',
          help: 'After this many questions in a day (UTC), a visitor is asked to come back tomorrow.',
        },
        {
          key: 'maxMessagesPerConversation',
          label: 'Max messages per conversation',
          min: 2,
          max: 500,
          help: 'Long conversations cost more per answer. Past this, the visitor is asked to start a new chat.',
        },
        {
          key: 'dailySpendCapUsd',
          label: 'Daily spend cap',
          min: 0,
          max: 10000,
          step: 0.01,
          unitBefore: '$',
          unit: 'per day',
          help: '0 = no cap. When the whole site has spent this much today (UTC), the widget answers with links to matching pages only, until midnight UTC.',
        },
      ]),
    },
    {
      id: 'privacy-title',
      title: 'Privacy',
      rows: [
        {
          kind: 'checkbox',
          key: 'storeConversations',
          label: 'Store conversations',
          labelId: 'store-label',
          text: "Keep visitors' conversations so you can read them under Conversations",
          help: 'Off: conversations are never saved and nothing shows under Conversations; a chat in progress is held in memory only (for up to 30 minutes), so follow-up questions make sense. The limits above and the dashboard still count every question, without its text. Tell visitors in your privacy policy if you keep conversations.',
        },
        ...numbers([
          {
            key: 'retentionDays',
            label: 'Keep conversations for',
            min: 0,
            max: 3650,
            unit: 'days',
            help: '0 = keep forever. Older conversations are deleted automatically a few times a day.',
          },
        ]),
      ],
    },
  ];
}
