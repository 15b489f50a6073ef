// Widget → Messages: the welcome message, suggested questions, the disclosure line and open-on-load.
import { CheckboxField, Field, TextareaField, TextField, fieldAria } from '../../components/Field.js';
import { Postbox } from '../../components/Postbox.js';
import { MAX_QUESTIONS, type SectionProps } from './form.js';

export function MessagesSection({ form, errors, saving, update, bind, afterRender }: SectionProps & { afterRender: (fn: () => void) => void }) {
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
    <Postbox id="messages-title" title="Messages" body="inside form-table">
      <TextareaField
        label="Welcome message"
        {...bind('welcomeMessage')}
        rows={3}
        help="The first message in the chat window, before the visitor asks anything. **Bold** and links work."
      />
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
      <TextField
        label="Disclosure line"
        {...bind('disclosure')}
        class="large-text"
        maxLength={200}
        help="Small print under the chat box, telling visitors they are talking to an AI. Leave empty to hide it."
      />
      <CheckboxField
        label="Open on load"
        labelId="open-label"
        {...bind('openOnLoad')}
        text="Open the chat window when a page loads"
        help="Only on screens wider than a phone; on phones the chat always starts closed. Most sites leave this off."
      />
    </Postbox>
  );
}
