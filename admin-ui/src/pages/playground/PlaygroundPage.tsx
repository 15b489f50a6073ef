// Playground: chat with the bot as a visitor would, and see what it saw for each answer: the retrieved
// chunks (match %, vector/keyword ranks, text), the model and reasoning setting, the final prompt, any problem.
// POST /api/admin/playground/chat (text/event-stream). Answers are shown as plain text, never as HTML.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, errorMessage } from '../../api.js';
import { useTitle } from '../../components/AdminLayout.js';
import { Badge } from '../../components/Badge.js';
import { Icon } from '../../components/Icon.js';
import { Notice } from '../../components/Notice.js';
import { Spinner } from '../../components/Spinner.js';
import { formatNumber } from '../../format.js';
import { MatchBadge, QaAnswerBadge, SourceLinkView, SourcesList } from '../conversations/shared.js';
import type { AnswerDebug, SourceLink } from '../conversations/types.js';
import { streamPlayground } from './stream.js';
import { Postbox } from '../../components/Postbox.js';
import '../../components/chat-admin.css';

type AnswerState = 'waiting' | 'thinking' | 'streaming' | 'done' | 'no_answer' | 'error' | 'stopped' | 'failed';

interface Turn {
  key: number;
  question: string;
  answer: string;
  state: AnswerState;
  sources: SourceLink[];
  /** What the visitor would see when the answer failed (the friendly text). */
  visitorMessage?: string;
  /** Request-level failure (HTTP error, network). */
  failure?: string;
  debug?: AnswerDebug;
}

const MAX_MESSAGE = 4000;
let nextKey = 1;

export default function PlaygroundPage() {
  useTitle('Playground');
  const [turns, setTurns] = useState<Turn[]>([]);
  const [conversationId, setConversationId] = useState<string | null>(null);
  const [input, setInput] = useState('');
  const [inputError, setInputError] = useState<string | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const controller = useRef<AbortController | null>(null);
  const logRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const busy = turns.some((t) => t.state === 'waiting' || t.state === 'thinking' || t.state === 'streaming');

  // Stop a running answer when leaving the screen.
  useEffect(() => () => controller.current?.abort(), []);

  // Keep the newest text in view while it streams (unless the admin scrolled up to read).
  const last = turns[turns.length - 1];
  useEffect(() => {
    const el = logRef.current;
    if (!el) return;
    const nearBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 120;
    if (nearBottom || last?.answer === '') el.scrollTop = el.scrollHeight;
  }, [turns.length, last?.answer, last?.state]);

  function patch(key: number, p: Partial<Turn> | ((t: Turn) => Partial<Turn>)) {
    setTurns((ts) => ts.map((t) => (t.key === key ? { ...t, ...(typeof p === 'function' ? p(t) : p) } : t)));
  }

  async function ask(question: string) {
    const q = question.trim();
    if (!q) {
      setInputError('Type a question.');
      inputRef.current?.focus();
      return;
    }
    if (q.length > MAX_MESSAGE) {
      setInputError(`Questions can be at most ${formatNumber(MAX_MESSAGE)} characters.`);
      return;
    }
    if (busy) return;
    setInputError(null);
    const key = nextKey++;
    setTurns((ts) => [...ts, { key, question: q, answer: '', state: 'waiting', sources: [] }]);
    setSelected(key);
    setInput('');
    const ctrl = new AbortController();
    controller.current = ctrl;
    try {
      await streamPlayground({ message: q, conversationId }, ctrl.signal, ({ event, data }) => {
        const d = (data ?? {}) as Record<string, any>;
        switch (event) {
          case 'start':
            if (typeof d.conversationId === 'string') setConversationId(d.conversationId);
            break;
          case 'thinking':
            patch(key, (t) => (t.answer ? {} : { state: 'thinking' }));
            break;
          case 'token':
            patch(key, (t) => ({ answer: t.answer + String(d.text ?? ''), state: 'streaming' }));
            break;
          case 'sources':
            patch(key, { sources: Array.isArray(d.sources) ? d.sources : [] });
            break;
          case 'done':
            patch(key, { state: d.answered === false ? 'no_answer' : 'done' });
            break;
          case 'error':
            patch(key, {
              state: 'error',
              visitorMessage: String(d.message ?? ''),
              sources: Array.isArray(d.sources) ? d.sources : [],
            });
            break;
          case 'debug':
            patch(key, { debug: d as AnswerDebug });
            break;
        }
      });
      // The stream ended without done/error (e.g. the server went away).
      patch(key, (t) =>
        t.state === 'waiting' || t.state === 'thinking' || t.state === 'streaming'
          ? { state: 'failed', failure: 'The answer stream ended early. Try again.' }
          : {},
      );
    } catch (err) {
      if ((err as Error)?.name === 'AbortError') {
        patch(key, { state: 'stopped' });
      } else {
        if (err instanceof ApiError && err.status === 400 && /playground conversation/i.test(err.message)) setConversationId(null);
        patch(key, { state: 'failed', failure: errorMessage(err) });
      }
    } finally {
      if (controller.current === ctrl) controller.current = null;
      inputRef.current?.focus();
    }
  }

  function stop() {
    controller.current?.abort();
  }

  function newChat() {
    controller.current?.abort();
    controller.current = null;
    setTurns([]);
    setConversationId(null);
    setSelected(null);
    setInput('');
    setInputError(null);
    inputRef.current?.focus();
  }

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void ask(input);
    }
  }

  const shown = turns.find((t) => t.key === selected) ?? last ?? null;

  return (
    <div class="wrap chat-admin playground-page">
      <h1>Playground</h1>
      <p class="page-intro">
        Ask what your visitors would ask. Answers use your real settings, content and API key (and cost the same), and are listed under{' '}
        <a href="/admin/conversations">Conversations</a>.
      </p>
      <div class="playground-layout">
        <section class="postbox chat-box" aria-labelledby="chat-title">
          <div class="postbox-title chat-box-title">
            <h2 id="chat-title">Chat</h2>
            <button type="button" class="button" onClick={newChat} disabled={!turns.length}>
              New chat
            </button>
          </div>
          <div class="chat-log" ref={logRef} role="log" aria-live="polite" aria-busy={busy} aria-label="Conversation" tabIndex={0}>
            {turns.length === 0 && <p class="chat-empty">Ask a question below. The answer streams in here, and the panel shows what the bot saw.</p>}
            {turns.map((t) => (
              <div key={t.key} class={`chat-turn${shown?.key === t.key && turns.length > 1 ? ' is-selected' : ''}`}>
                <div class="chat-msg chat-msg-user">
                  <span class="screen-reader-text">You: </span>
                  <div class="bubble bubble-user plain-text">{t.question}</div>
                </div>
                <div class="chat-msg chat-msg-bot">
                  <span class="screen-reader-text">Bot: </span>
                  <BotAnswer turn={t} />
                  {turns.length > 1 && t.debug && shown?.key !== t.key && (
                    <button type="button" class="button-link show-details" onClick={() => setSelected(t.key)}>
                      Show what the bot saw for this answer
                    </button>
                  )}
                </div>
              </div>
            ))}
          </div>
          <form
            class="chat-form"
            onSubmit={(e) => {
              e.preventDefault();
              void ask(input);
            }}
          >
            <label class="screen-reader-text" for="playground-input">
              Your question
            </label>
            <textarea
              id="playground-input"
              ref={inputRef}
              class="input chat-input"
              rows={2}
              value={input}
              placeholder="Ask a question…"
              maxLength={MAX_MESSAGE}
              onInput={(e) => {
                setInput(e.currentTarget.value);
                if (inputError) setInputError(null);
              }}
              onKeyDown={onKeyDown}
              aria-invalid={inputError ? 'true' : undefined}
              aria-describedby={inputError ? 'playground-input-error' : 'playground-input-help'}
            />
            {busy ? (
              <button type="button" class="button button-stop" onClick={stop}>
                <Icon name="stop" size={16} />
                Stop
              </button>
            ) : (
              <button type="submit" class="button button-primary">
                Send
              </button>
            )}
          </form>
          {inputError ? (
            <p class="field-error chat-input-note" id="playground-input-error" role="alert">
              <span class="field-error-icon" aria-hidden="true">
                !
              </span>
              {inputError}
            </p>
          ) : (
            <p class="description chat-input-note" id="playground-input-help">
              Enter sends, Shift+Enter adds a line.
            </p>
          )}
        </section>

        <Postbox id="debug-title" title="What the bot saw" class="debug-panel">
          <DebugView turn={shown} />
        </Postbox>
      </div>
    </div>
  );
}

function BotAnswer({ turn: t }: { turn: Turn }) {
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

const QUERY_KINDS: Record<string, string> = {
  question: 'The question',
  'with-previous': 'With the previous question',
  rewritten: 'Rewritten by the model',
};

const formatPercent = (p: number) => `${Math.round(p)}%`;

function reasoningText(r: AnswerDebug['reasoning']): string {
  if (!r) return 'Off (not used for this model)';
  const parts = Object.entries(r).map(([k, v]) => (k === 'enabled' ? 'on (model default)' : `${k.replace(/_/g, ' ')}: ${String(v)}`));
  return parts.join(', ');
}

function DebugView({ turn }: { turn: Turn | null }) {
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
        <div>
          <dt>Model</dt>
          <dd>{d.model ? <code>{d.model}</code> : d.qaMatch?.answered ? 'None: your Q&A answer' : '—'}</dd>
        </div>
        <div>
          <dt>Reasoning</dt>
          <dd>{d.qaMatch?.answered ? '—' : reasoningText(d.reasoning)}</dd>
        </div>
      </dl>

      <h3 class="debug-heading">Searched for</h3>
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

      <h3 class="debug-heading">Retrieved chunks ({d.chunks.length})</h3>
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

      <h3 class="debug-heading">Final prompt</h3>
      {d.prompt ? (
        <ol class="prompt-list">
          {d.prompt.map((p, i) => (
            <li key={i} class={`prompt-message prompt-${p.role}`}>
              <span class="prompt-role">{p.role}</span>
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
