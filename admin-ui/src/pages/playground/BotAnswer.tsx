// The bot's side of a Playground turn: waiting, streaming, the answer, what a visitor would see, its badges.
import { Badge } from '../../components/Badge.js';
import { Notice } from '../../components/Notice.js';
import { Spinner } from '../../components/Spinner.js';
import { QaAnswerBadge, SourcesList } from '../conversations/shared.js';
import type { Turn } from './turn.js';

export function BotAnswer({ turn: t }: { turn: Turn }) {
  if (t.state === 'failed') {
    return (
      <Notice type="error" inline live={false}>
        <p>{t.failure}</p>
      </Notice>
    );
  }
  const waiting = t.state === 'waiting' || t.state === 'thinking';
  return (
    <>
      {waiting && !t.answer ? (
        <div class="bubble bubble-bot is-waiting">
          <Spinner label={t.state === 'thinking' ? 'Thinking…' : 'Searching your content…'} />
        </div>
      ) : t.answer ? (
        <div class={`bubble bubble-bot plain-text${t.state === 'streaming' ? ' is-streaming' : ''}`}>{t.answer}</div>
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
