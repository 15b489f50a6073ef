// The bot's side of a question: waiting, streaming, the answer, what a visitor would see, the sources. The Playground
// shows it as a chat bubble with badges; Get started (`plain`) as text under the question, the badges said in words.
import { Badge } from '../../components/Badge.js';
import { Notice } from '../../components/Notice.js';
import { Spinner } from '../../components/Spinner.js';
import { QaAnswerBadge, SourcesList } from '../conversations/shared.js';
import type { Turn } from './turn.js';

export function BotAnswer({ turn: t, plain }: { turn: Turn; plain?: boolean }) {
  if (t.state === 'failed') {
    return (
      <Notice type="error" inline live={false}>
        <p>{t.failure}</p>
      </Notice>
    );
  }
  const waiting = (t.state === 'waiting' || t.state === 'thinking') && !t.answer;
  const spinner = <Spinner label={t.state === 'thinking' ? 'Thinking…' : 'Searching your content…'} />;
  const streaming = t.state === 'streaming' ? ' is-streaming' : '';
  if (plain) {
    return (
      <>
        {waiting ? (
          spinner
        ) : t.answer ? (
          <div class={`qs-answer-text plain-text${streaming}`}>
            <span class="screen-reader-text">Answer: </span>
            {t.answer}
          </div>
        ) : null}
        {t.visitorMessage && (
          <p class="qs-answer-note">
            <span class="screen-reader-text">The visitor would see: </span>
            {t.visitorMessage}
          </p>
        )}
        {t.state === 'no_answer' && (
          <p class="description">Nothing in your content matched this question well. Try another, or add content on Data Training.</p>
        )}
        <SourcesList sources={t.sources} />
      </>
    );
  }
  return (
    <>
      {waiting ? (
        <div class="bubble bubble-bot is-waiting">{spinner}</div>
      ) : t.answer ? (
        <div class={`bubble bubble-bot plain-text${streaming}`}>{t.answer}</div>
      ) : t.state === 'stopped' ? null : t.visitorMessage ? null : (
        <div class="bubble bubble-bot is-empty">(no text)</div>
      )}
      {t.visitorMessage && (
        <div class="bubble bubble-bot bubble-error plain-text">
          <span class="bubble-note">The visitor would see:</span> {t.visitorMessage}
        </div>
      )}
      <SourcesList sources={t.sources} />
      <div class="answer-flags">
        {t.debug?.qaMatch?.answered && <QaAnswerBadge />}
        {t.state === 'no_answer' && <Badge tone="warning">No answer: nothing in your content matched</Badge>}
        {t.state === 'stopped' && <Badge tone="neutral">Stopped</Badge>}
        {t.state === 'error' && <Badge tone="error">Error</Badge>}
      </div>
    </>
  );
}
