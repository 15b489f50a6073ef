// Playground: chat with the bot as a visitor would, and see what it saw for each answer: the retrieved
// chunks (match %, vector/keyword ranks, text), the model and reasoning setting, the final prompt, any problem.
// POST /api/admin/playground/chat (text/event-stream). Answers are shown as plain text, never as HTML.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api.js';
import { formatNumber } from '../../format.js';
import { useTitle } from '../../components/AdminLayout.js';
import { FieldError } from '../../components/Field.js';
import { Icon } from '../../components/Icon.js';
import { Postbox } from '../../components/Postbox.js';
import { BotAnswer } from './BotAnswer.js';
import { DebugView } from './DebugView.js';
import { isAnswering, patched, streamTurn, type Turn, type TurnPatch } from './turn.js';
import '../../components/chat-admin.css';
import './playground.css';

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
  const busy = turns.some(isAnswering);

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

  function patch(key: number, p: TurnPatch) {
    setTurns((ts) => ts.map((t) => (t.key === key ? patched(t, p) : t)));
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
      const err = await streamTurn(q, conversationId, ctrl.signal, (p) => patch(key, p), setConversationId);
      // The conversation is gone (deleted meanwhile): the next question starts a new one.
      if (err instanceof ApiError && err.status === 400 && /playground conversation/i.test(err.message)) setConversationId(null);
    } finally {
      if (controller.current === ctrl) controller.current = null;
      inputRef.current?.focus();
    }
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
        <Postbox
          id="chat-title"
          title="Chat"
          class="chat-box slim-header"
          body={null}
          actions={
            <button type="button" class="button" onClick={newChat} disabled={!turns.length}>
              New chat
            </button>
          }
        >
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
              <button type="button" class="button button-stop" onClick={() => controller.current?.abort()}>
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
            <FieldError id="playground-input-error" message={inputError} class="chat-input-note" />
          ) : (
            <p class="description chat-input-note" id="playground-input-help">
              Enter sends, Shift+Enter adds a line.
            </p>
          )}
        </Postbox>

        <Postbox id="debug-title" title="What the bot saw" class="debug-panel">
          <DebugView turn={shown} />
        </Postbox>
      </div>
    </div>
  );
}
