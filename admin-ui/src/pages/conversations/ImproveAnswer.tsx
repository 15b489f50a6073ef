// "Improve answer" on one of the bot's answers: a Q&A form prefilled with the visitor's question (and the answer
// given, when there was one, as a starting point). Saving creates the Q&A entry and trains it at once (one
// embedding call), and marks the conversation improved. POST /api/admin/conversations/:id/improve.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../api.js';
import { Notice } from '../../components/Notice.js';
import { StackedInput, StackedTextarea } from '../../components/StackedField.js';
import { SubmitRow } from '../../components/SubmitRow.js';
import { useActionNotice } from '../../components/announce.js';
import { useAfterRender } from '../../components/form-helpers.js';
import { useFields } from '../../components/useFields.js';
import { useUnsavedChanges } from '../../components/unsaved-changes.js';
import type { ImproveAnswerRequest, ImprovedAnswer } from '../../../../server/chat/schemas.js';
import './improve.css';

type Errors = Partial<Record<'question' | 'answer' | 'messageId', string>>;

const QA_HELP = 'Visitors asking this question, or one close to it, get this answer word for word (no AI call). Markdown works: **bold**, lists, links.';

interface Props {
  conversationId: string;
  messageId: string;
  /** The visitor's question the answer was for. */
  question: string;
  /** The answer given, to start from; empty when there was none worth keeping. */
  answer: string;
  /** Opened on arrival (from the list's Improve answer link). */
  startOpen?: boolean;
  onImproved(result: ImprovedAnswer): void;
}

export function ImproveAnswer({ conversationId, messageId, question, answer, startOpen = false, onImproved }: Props) {
  const [open, setOpen] = useState(startOpen);
  const [saving, setSaving] = useState(false);
  const base = `improve-${messageId}`;
  const { values: fields, setValues, setErrors, bind } = useFields({ question, answer }, (k) => `${base}-${k}`, saving);
  const { notice, noticeRef, show, clear } = useActionNotice();
  const toggleRef = useRef<HTMLButtonElement>(null);
  const afterRender = useAfterRender();

  // Opened from the list: the admin came here to write the answer.
  useEffect(() => {
    if (!startOpen) return;
    const answerField = document.getElementById(`${base}-answer`);
    answerField?.scrollIntoView({ block: 'center' });
    answerField?.focus({ preventScroll: true });
  }, []);

  useUnsavedChanges(open && (fields.question.trim() !== question.trim() || fields.answer.trim() !== answer.trim()));

  function start() {
    setValues({ question, answer });
    setErrors({});
    clear();
    setOpen(true);
    afterRender(() => document.getElementById(`${base}-answer`)?.focus());
  }

  function cancel() {
    setOpen(false);
    afterRender(() => toggleRef.current?.focus());
  }

  async function submit(e: Event) {
    e.preventDefault();
    if (saving) return;
    const body: ImproveAnswerRequest = { messageId, question: fields.question.trim(), answer: fields.answer.trim() };
    const found: Errors = {};
    if (!body.question) found.question = 'Enter the question.';
    else if (body.question.length > 1000) found.question = 'Keep the question to 1,000 characters at most.';
    if (!body.answer) found.answer = 'Enter the answer.';
    else if (body.answer.length > 20_000) found.answer = 'Keep the answer to 20,000 characters at most.';
    if (Object.keys(found).length) {
      setErrors(found);
      document.getElementById(`${base}-${Object.keys(found)[0]}`)?.focus();
      return;
    }
    setSaving(true);
    clear();
    try {
      const result = await api.post<ImprovedAnswer>(`/api/admin/conversations/${encodeURIComponent(conversationId)}/improve`, body);
      setOpen(false);
      show(
        result.trained
          ? {
              type: 'success',
              message: `Q&A entry ${result.status === 'added' ? 'added' : 'updated'} and trained. Visitors asking this now get your answer word for word.`,
            }
          : { type: 'warning', message: `Q&A entry saved, but not trained yet: ${result.problem ?? 'the training failed.'}` },
        () => toggleRef.current?.focus(),
      );
      onImproved(result);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      if (err instanceof ApiError && Object.keys(err.fields).length) {
        setErrors(err.fields as Errors);
        const first = (['question', 'answer'] as const).find((k) => err.fields[k]);
        show({ type: 'error', message: err.message }, first && `${base}-${first}`);
      } else show({ type: 'error', message: `Not saved: ${errorMessage(err)}` });
    } finally {
      setSaving(false);
    }
  }

  return (
    <div class="improve-answer">
      {!open && (
        <button type="button" class="button button-small" ref={toggleRef} onClick={start} aria-expanded="false" aria-controls={`${base}-form`}>
          Improve answer
        </button>
      )}
      {open && (
        <form id={`${base}-form`} class="improve-form stack-form" onSubmit={submit} noValidate aria-labelledby={`${base}-title`}>
          <h3 class="improve-title" id={`${base}-title`}>
            Improve answer: add a Q&amp;A entry
          </h3>
          <p class="description">Write the answer you want visitors to get. It is saved under Data Training → Text &amp; Q&amp;A and trained at once.</p>
          <StackedInput label="Question" {...bind('question')} />
          <StackedTextarea label="Answer" rows={5} help={QA_HELP} {...bind('answer')} />
          <div class="improve-actions">
            <SubmitRow saving={saving} label="Save and train" busyLabel="Saving and training (one embedding call)…" />
            {!saving && (
              <button type="button" class="button" onClick={cancel}>
                Cancel
              </button>
            )}
          </div>
        </form>
      )}
      {notice && (
        <Notice type={notice.type} inline live={false} noticeRef={noticeRef} onDismiss={clear}>
          <p>
            {notice.message}
            {notice.type === 'success' && (
              <>
                {' '}
                <a href="/admin/playground">Try it in the Playground</a>
              </>
            )}
          </p>
        </Notice>
      )}
    </div>
  );
}
