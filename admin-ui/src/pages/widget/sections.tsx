// The Widget screen's boxes as data (FieldRows): Appearance (name, avatar, colour, position, language), Messages
// (welcome, suggested questions, disclosure, open-on-load) and where it may be used. The colour and the questions
// have their own markup and stand in their rows as they are.
import { Field, fieldAria } from '../../components/Field.js';
import type { FieldBox } from '../../components/FieldRows.js';
import { type FieldKey, HEX, MAX_QUESTIONS, type SectionProps, UI_LANGUAGES } from './form.js';

export function widgetBoxes(props: SectionProps & { afterRender: (fn: () => void) => void }): FieldBox<FieldKey>[] {
  return [
    {
      id: 'appearance-title',
      title: 'Appearance',
      rows: [
        { kind: 'text', key: 'botName', label: 'Bot name', maxLength: 60, help: 'Shown at the top of the chat window.' },
        {
          kind: 'text',
          key: 'avatarUrl',
          label: 'Avatar URL',
          type: 'url',
          placeholder: 'https://example.com/logo.png',
          help: 'Optional. A small square image (your logo) shown next to the bot name. Leave empty for none.',
        },
        <PrimaryColorField key="primaryColor" {...props} />,
        {
          kind: 'radio',
          key: 'position',
          label: 'Position',
          labelId: 'position-label',
          describes: 'w-position',
          name: 'position',
          class: 'radio-inline',
          choices: [
            { value: 'bottom-right', id: 'position-bottom-right', title: 'Bottom right' },
            { value: 'bottom-left', id: 'position-bottom-left', title: 'Bottom left' },
          ],
        },
        {
          kind: 'select',
          key: 'language',
          label: 'Language',
          help: (
            <>
              The language of the widget's buttons and labels; Automatic uses the visitor's browser language. The answers follow "Response language" on the{' '}
              <a href="/admin/chatbot">Chatbot</a> screen.
            </>
          ),
          options: [['auto', "Automatic (the visitor's language)"], ...UI_LANGUAGES],
        },
      ],
    },
    {
      id: 'messages-title',
      title: 'Messages',
      rows: [
        {
          kind: 'textarea',
          key: 'welcomeMessage',
          label: 'Welcome message',
          rows: 3,
          help: 'The first message in the chat window, before the visitor asks anything. **Bold** and links work.',
        },
        <SuggestedQuestions key="suggestedQuestions" {...props} />,
        {
          kind: 'text',
          key: 'disclosure',
          label: 'Disclosure line',
          class: 'large-text',
          maxLength: 200,
          help: 'Small print under the chat box, telling visitors they are talking to an AI. Leave empty to hide it.',
        },
        {
          kind: 'checkbox',
          key: 'openOnLoad',
          label: 'Open on load',
          labelId: 'open-label',
          text: 'Open the chat window when a page loads',
          help: 'Only on screens wider than a phone; on phones the chat always starts closed. Most sites leave this off.',
        },
      ],
    },
    {
      id: 'domains-title',
      title: 'Where it may be used',
      rows: [
        {
          kind: 'textarea',
          key: 'allowedDomains',
          label: 'Allowed domains',
          class: 'code',
          rows: 4,
          placeholder: 'example.com\n*.example.com',
          spellcheck: false,
          autoCapitalize: 'off',
          help: (
            <>
              One per line. Leave empty to allow any site; once you add one, only those sites can use the widget (and your API credit). <code>example.com</code>{' '}
              also covers <code>www.example.com</code>; <code>*.example.com</code> covers every subdomain. This admin's own preview always works.
            </>
          ),
        },
      ],
    },
  ];
}

/** The colour as a swatch to pick from and as hex to type; the swatch keeps the saved colour while the hex is not one. */
function PrimaryColorField({ form, saved, errors, saving, update }: SectionProps) {
  const colorValid = HEX.test(form.primaryColor.trim());
  return (
    <Field
      label="Primary colour"
      id="w-primaryColor-hex"
      describes="w-primaryColor"
      error={errors.primaryColor}
      help={"The launcher button, header and your visitors' messages use it. Text on it turns black or white, whichever reads better."}
    >
      <div class="color-field">
        <input
          type="color"
          id="w-primaryColor"
          class="color-swatch"
          value={colorValid ? form.primaryColor.trim().toLowerCase() : saved.widget.primaryColor.toLowerCase()}
          onInput={(e) => update({ primaryColor: e.currentTarget.value })}
          aria-label="Pick the primary colour"
          disabled={saving}
        />
        <input
          id="w-primaryColor-hex"
          type="text"
          class="input code hex-input"
          value={form.primaryColor}
          maxLength={7}
          spellcheck={false}
          autoComplete="off"
          onInput={(e) => update({ primaryColor: e.currentTarget.value })}
          {...fieldAria('w-primaryColor', errors.primaryColor)}
          disabled={saving}
        />
      </div>
    </Field>
  );
}

/** Up to MAX_QUESTIONS questions, each an input with its Remove button, and Add question under them. */
function SuggestedQuestions({ form, errors, saving, update, afterRender }: SectionProps & { afterRender: (fn: () => void) => void }) {
  const setQuestion = (i: number, v: string) => update({ suggestedQuestions: form.suggestedQuestions.map((q, j) => (j === i ? v : q)) });
  function addQuestion() {
    const i = form.suggestedQuestions.length;
    update({ suggestedQuestions: [...form.suggestedQuestions, ''] });
    afterRender(() => document.getElementById(`suggested-${i}`)?.focus());
  }
  function removeQuestion(i: number) {
    const next = form.suggestedQuestions.filter((_, j) => j !== i);
    update({ suggestedQuestions: next });
    afterRender(() => (document.getElementById(`suggested-${Math.min(i, next.length - 1)}`) ?? document.getElementById('suggested-add'))?.focus());
  }

  return (
    <Field
      label="Suggested questions"
      labelId="suggested-label"
      describes="w-suggestedQuestions"
      error={errors.suggestedQuestions}
      help={`Up to ${MAX_QUESTIONS}. Buttons under the welcome message: one click asks the question. Use the questions your visitors ask most.`}
    >
      <div
        class="question-list"
        role="group"
        aria-labelledby="suggested-label"
        aria-describedby={fieldAria('w-suggestedQuestions', errors.suggestedQuestions)['aria-describedby']}
      >
        {form.suggestedQuestions.map((q, i) => (
          <div class="question-item" key={i}>
            <label class="screen-reader-text" for={`suggested-${i}`}>
              Suggested question {i + 1}
            </label>
            <input
              id={`suggested-${i}`}
              type="text"
              class="input regular-text"
              value={q}
              maxLength={120}
              placeholder="e.g. What does shipping cost?"
              onInput={(e) => setQuestion(i, e.currentTarget.value)}
              aria-invalid={errors.suggestedQuestions ? 'true' : undefined}
              disabled={saving}
            />
            <button
              type="button"
              class="button-link button-link-delete"
              onClick={() => removeQuestion(i)}
              aria-label={`Remove suggested question ${i + 1}`}
              disabled={saving}
            >
              Remove
            </button>
          </div>
        ))}
        {form.suggestedQuestions.length < MAX_QUESTIONS && (
          <button type="button" id="suggested-add" class="button" onClick={addQuestion} disabled={saving}>
            Add question
          </button>
        )}
      </div>
    </Field>
  );
}
