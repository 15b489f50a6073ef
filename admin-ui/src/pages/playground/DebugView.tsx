// "What the bot saw" for one answer: the model and reasoning, what was searched, the chunks, the final prompt.
import { Badge, type BadgeTone } from '../../components/Badge.js';
import { Fact } from '../../components/Fact.js';
import { Notice } from '../../components/Notice.js';
import { Spinner } from '../../components/Spinner.js';
import { MatchBadge, QaAnswerBadge, SourceLinkView } from '../conversations/shared.js';
import type { AnswerDebug } from '../conversations/types.js';
import type { Turn } from './turn.js';

const QUERY_KINDS: Record<string, string> = {
  question: 'The question',
  'with-previous': 'With the previous question',
  rewritten: 'Rewritten by the model',
};

/** The system prompt and the visitor's words stand out from the bot's earlier answers. */
const ROLE_TONES: Record<string, BadgeTone> = { system: 'info', user: 'success' };

const formatPercent = (p: number) => `${Math.round(p)}%`;

function reasoningText(r: AnswerDebug['reasoning']): string {
  if (!r) return 'Off (not used for this model)';
  const parts = Object.entries(r).map(([k, v]) => (k === 'enabled' ? 'on (model default)' : `${k.replace(/_/g, ' ')}: ${String(v)}`));
  return parts.join(', ');
}

export function DebugView({ turn }: { turn: Turn | null }) {
  if (!turn) {
    return <p class="debug-empty">Ask a question to see the pieces of your content the search found, and the exact prompt the model got.</p>;
  }
  const d = turn.debug;
  if (!d) {
    if (turn.state === 'waiting' || turn.state === 'thinking' || turn.state === 'streaming') {
      return <Spinner label="The details arrive when the answer is finished…" />;
    }
    return <p class="debug-empty">{turn.state === 'stopped' ? 'The answer was stopped, so there are no details for it.' : 'No details for this answer.'}</p>;
  }
  return (
    <div class="debug">
      <p class="debug-question">
        For: <q>{turn.question}</q>
      </p>
      {d.problem && (
        <Notice type="error" inline live={false}>
          <p>
            <strong>Problem:</strong> {d.problem}
          </p>
        </Notice>
      )}
      <dl class="debug-facts">
        <Fact term="Model">{d.model ? <code>{d.model}</code> : d.qaMatch?.answered ? 'None: your Q&A answer' : '—'}</Fact>
        <Fact term="Reasoning">{d.qaMatch?.answered ? '—' : reasoningText(d.reasoning)}</Fact>
      </dl>

      <h3 class="subheading debug-heading">Searched for</h3>
      <ul class="searched-queries">
        {(d.queries ?? []).map((q, i) => (
          <li key={i}>
            <span class="searched-kind">{QUERY_KINDS[q.kind] ?? q.kind}:</span> <q class="plain-text">{q.text}</q>
          </li>
        ))}
      </ul>
      {d.queries?.some((q) => q.kind === 'with-previous') && (
        <p class="description">A follow-up is searched alone and with the previous question; what the question finds alone comes first.</p>
      )}
      {d.qaMatch && (
        <p class={`qa-match${d.qaMatch.answered ? ' is-answered' : ''}`}>
          {d.qaMatch.answered ? (
            <>
              <QaAnswerBadge /> Answered with your Q&amp;A entry <q>{d.qaMatch.question}</q> word for word ({formatPercent(d.qaMatch.matchPercent)} match): no
              model call, no cost.
            </>
          ) : (
            <>
              Closest Q&amp;A entry: <q>{d.qaMatch.question}</q>, {formatPercent(d.qaMatch.matchPercent)} match.{' '}
              {d.qaMatch.needed > 0
                ? `Below the ${d.qaMatch.needed}% needed to answer with it word for word, so it is context for the model.`
                : 'Word-for-word Q&A answers are off, so it is context for the model.'}{' '}
              See <a href="/admin/chatbot">Chatbot → Q&amp;A answers</a>.
            </>
          )}
        </p>
      )}

      <h3 class="subheading debug-heading">Retrieved chunks ({d.chunks.length})</h3>
      {d.chunks.length === 0 ? (
        <p class="description">
          Nothing in your content matched well enough (see "Minimum match" on the <a href="/admin/chatbot">Chatbot</a> screen).
        </p>
      ) : (
        <>
          <p class="description">
            The passages of your content the search gave the bot, best first. Match: how closely each one's meaning matches the question; its place by meaning
            and by shared words decide the order.
          </p>
          <ol class="chunk-list">
            {d.chunks.map((c, i) => (
              <li key={`${c.chunkId ?? i}-${i}`} class="chunk">
                <div class="chunk-head">
                  <span class="chunk-number">[{i + 1}]</span>
                  <span class="chunk-title">
                    <SourceLinkView source={{ title: c.title, url: c.url }} />
                  </span>
                  <MatchBadge percent={c.matchPercent} />
                </div>
                <p class="chunk-meta">
                  {c.headingPath && c.headingPath !== c.title && <span class="chunk-path">{c.headingPath}</span>}
                  <span>By meaning: {c.vectorRank != null ? `#${c.vectorRank}` : '—'}</span>
                  <span>By words: {c.keywordRank != null ? `#${c.keywordRank}` : '—'}</span>
                  {c.foundBy === 'with-previous' && <span>Found with the previous question</span>}
                </p>
                <pre class="chunk-text" tabIndex={0} role="region" aria-label={`Text of chunk ${i + 1}`}>
                  {c.content}
                </pre>
              </li>
            ))}
          </ol>
        </>
      )}

      <h3 class="subheading debug-heading">Final prompt</h3>
      {d.prompt ? (
        <ol class="prompt-list">
          {d.prompt.map((p, i) => (
            <li key={i} class="prompt-message">
              <Badge tone={ROLE_TONES[p.role] ?? 'neutral'} class="prompt-role">
                {p.role}
              </Badge>
              <pre tabIndex={0} role="region" aria-label={`Prompt message ${i + 1}: ${p.role}`}>
                {p.content}
              </pre>
            </li>
          ))}
        </ol>
      ) : (
        <p class="description">
          No prompt was sent to the model
          {turn.state === 'no_answer' ? ': in strict mode, an unmatched question gets the "I don\'t know" message for free.' : '.'}
        </p>
      )}
    </div>
  );
}
