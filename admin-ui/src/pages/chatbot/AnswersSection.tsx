// Chatbot → Answers: the instructions, the language, strict or relaxed, Q&A answers and "I don't know".
import { NumberField, TextareaField } from '../../components/Field.js';
import { Notice } from '../../components/Notice.js';
import { Postbox } from '../../components/Postbox.js';
import { RadioField } from '../../components/RadioGroup.js';
import { DEFAULT_INSTRUCTIONS, DEFAULT_NO_ANSWER, LANGUAGES, MAX_INSTRUCTIONS, fieldId, type SectionProps } from './form.js';

export function AnswersSection({ form, errors, sectionErrors, saving, update, bind }: SectionProps) {
  const count = form.instructions.length;
  const overLimit = form.instructions.trim().length > MAX_INSTRUCTIONS;

  return (
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
            Tell the bot who it is and how to talk: tone, length, what to recommend. Docent always adds its own rules (answer from your content, cite sources),
            so you do not need to repeat them.
          </>
        }
      />

      <RadioField
        label="Response language"
        labelId="language-label"
        describes={fieldId('language')}
        error={errors.language}
        help="Automatic suits most sites. Choose one language if your content and support are only in that language."
        name="language-mode"
        describedBy="cb-language-description"
        value={form.languageMode}
        onValue={(languageMode) => update({ languageMode })}
        disabled={saving}
        choices={[
          { value: 'auto', id: 'language-auto', title: "Automatic — reply in the visitor's language" },
          { value: 'fixed', id: 'language-fixed', title: 'Always reply in one language' },
        ]}
      >
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
      </RadioField>

      <RadioField
        label="Answer mode"
        labelId="mode-label"
        describes={fieldId('mode')}
        error={errors.mode}
        name="mode"
        value={form.mode}
        onValue={(mode) => update({ mode })}
        disabled={saving}
        choices={[
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
        ]}
      />

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
            When a visitor's question is this close to one of your Q&amp;A questions, the bot replies with your answer word for word: no AI call, no cost, also
            when the AI service is down or today's spend cap is reached. Below it, your Q&amp;A answers are context the bot answers from in its own words. 85%
            catches rewordings of the same question; 0 always lets the AI answer.
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
  );
}
