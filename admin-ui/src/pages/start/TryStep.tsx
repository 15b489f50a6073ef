// Step 4: one test question, answered as a visitor would see it (the Playground's API, streamed, with the pages it
// cites), then the embed snippet with Copy. The full Playground and Widget screens are one link away.
import { useEffect, useRef, useState } from 'preact/hooks';
import { CopyButton } from '../../components/CopyButton.js';
import { PublicAddressNotice, type AddressStatus } from '../../components/PublicAddressNotice.js';
import { useResource } from '../../hooks.js';
import { BotAnswer } from '../playground/BotAnswer.js';
import { isAnswering, patched, streamTurn, type Turn } from '../playground/turn.js';
import type { StepProps, WidgetInfo } from './progress.js';
import { TimeAgo } from '../../components/TimeAgo.js';
import '../../components/chat-admin.css'; // the cited pages' list
import { DoneIcon, StepForm, useStepField } from './StepForm.js';

const MAX_QUESTION = 4000;

export function TryStep({ state: { widget }, done, active }: StepProps) {
  if (!active) {
    return (
      <p class="qs-summary">
        <DoneIcon /> <LastSeen widget={widget} />
      </p>
    );
  }
  return (
    <div class="qs-try">
      <TestQuestion ready={done.train} />
      <Snippet widget={widget} />
      <p class="qs-finish">
        <a class="button button-primary" href="/admin/">
          Go to the Dashboard
        </a>
        <span class="description">
          Fine-tune answers on <a href="/admin/chatbot">Chatbot</a>, the look on <a href="/admin/widget">Widget</a>.
        </span>
      </p>
    </div>
  );
}

function TestQuestion({ ready }: { ready: boolean }) {
  const field = useStepField();
  const [answer, setAnswer] = useState<Turn | null>(null);
  const controller = useRef<AbortController | null>(null);
  useEffect(() => () => controller.current?.abort(), []);
  const busy = isAnswering(answer);

  async function onSubmit() {
    if (busy) return;
    const q = field.value.trim();
    if (!q) return field.fail('Type a question your visitors might ask.');
    if (q.length > MAX_QUESTION) return field.fail(`Keep the question to ${MAX_QUESTION.toLocaleString('en')} characters at most.`);
    field.setError(null);
    const ctrl = new AbortController();
    controller.current = ctrl;
    setAnswer({ key: 0, question: q, answer: '', state: 'waiting', sources: [] });
    // A new conversation each time: this box is for one question; the Playground keeps a conversation going.
    await streamTurn(q, null, ctrl.signal, (p) => setAnswer((a) => a && patched(a, p)));
    if (controller.current === ctrl) controller.current = null;
  }

  return (
    <section class="qs-part" aria-labelledby="qs-ask-title">
      <h3 id="qs-ask-title">Ask your bot a question</h3>
      <StepForm
        field={field}
        id="qs-question"
        label="A question your visitors might ask"
        button="Ask"
        busy={busy}
        onSubmit={onSubmit}
        inputProps={{ placeholder: 'e.g. How long does delivery take?', maxLength: MAX_QUESTION }}
        help={
          <>
            {ready ? '' : 'Your content is not trained yet, so the bot may not know the answer. '}
            Answered from your content with your real settings, as a visitor would see it. <a href="/admin/playground">Open the Playground</a> to see the
            passages it used and the prompt.
          </>
        }
      />
      {answer && (
        <div class="qs-answer" aria-live="polite" aria-busy={busy}>
          <p class="qs-answer-question">
            <span class="screen-reader-text">You asked: </span>
            <q>{answer.question}</q>
          </p>
          <BotAnswer turn={answer} plain />
        </div>
      )}
    </section>
  );
}

function Snippet({ widget }: { widget: WidgetInfo }) {
  const address = useResource<AddressStatus>('/api/admin/widget/address');
  return (
    <section class="qs-part" aria-labelledby="qs-snippet-title">
      <h3 id="qs-snippet-title">Add the chat to your website</h3>
      <PublicAddressNotice status={address.data} inline />
      <p class="description" id="qs-snippet-description">
        Paste this line into your site’s HTML, just before <code>&lt;/body&gt;</code>. On WordPress, a “header and footer scripts” plugin or your theme’s footer
        setting does this.
      </p>
      <div class="qs-field-row qs-snippet-row">
        <label class="screen-reader-text" for="qs-snippet">
          Embed snippet
        </label>
        <textarea
          id="qs-snippet"
          class="input code qs-snippet"
          readOnly
          rows={2}
          value={widget.snippet}
          spellcheck={false}
          aria-describedby="qs-snippet-description"
          onFocus={(e) => e.currentTarget.select()}
        />
        <CopyButton text={widget.snippet} fallbackFieldId="qs-snippet" label="Copy snippet" />
      </div>
      {widget.widget.allowedDomains.length > 0 && (
        <p class="description">
          The widget only works on {widget.widget.allowedDomains.join(', ')}. <a href="/admin/widget">Change the allowed domains</a>
        </p>
      )}
      <p class="qs-last-seen description">
        <LastSeen widget={widget} />
      </p>
    </section>
  );
}

function LastSeen({ widget }: { widget: WidgetInfo }) {
  if (!widget.lastSeen) return <>Not on a website yet: this step shows as done after a visitor’s first question there.</>;
  return (
    <>
      The chat is live on <strong>{widget.lastSeen.origin}</strong>: last question <TimeAgo at={widget.lastSeen.at} />.
    </>
  );
}
