// One conversation as a transcript, with what the admin needs to judge each answer: sources, status,
// the real error, model, tokens, cost, latency, feedback and the retrieved chunks. Delete with confirmation.
// GET/DELETE /api/admin/conversations/:id.
import { useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { ApiError, api, errorMessage } from '../../api.js';
import { useTitle } from '../../components/AdminLayout.js';
import { Notice } from '../../components/Notice.js';
import { speak } from '../../components/announce.js';
import { ConfirmDelete } from '../../components/ConfirmDelete.js';
import { formatDateTime, formatNumber, plural } from '../../format.js';
import { useResource } from '../../hooks.js';
import {
  ImprovedBadge,
  MatchBadge,
  OriginLabel,
  QaAnswerBadge,
  SourceLinkView,
  SourcesList,
  StatusBadge,
  Thumb,
  formatMoney,
  formatMs,
  listFlash,
  safeHref,
} from './shared.js';
import { ImproveAnswer } from './ImproveAnswer.js';
import type { ConversationDetail, StoredMessage } from './types.js';
import { Postbox } from '../../components/Postbox.js';
import { PageLoadState } from '../../components/PageLoadState.js';
import '../../components/chat-admin.css';

export default function ConversationPage() {
  const { params } = useRoute();
  const { route, query } = useLocation();
  const id = params.id ?? '';
  useTitle('Conversation', 'Conversations');
  const { data, error, reload } = useResource<ConversationDetail>(`/api/admin/conversations/${encodeURIComponent(id)}`);
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);

  async function onDelete() {
    setDeleting(true);
    setDeleteError(null);
    try {
      await api.del(`/api/admin/conversations/${encodeURIComponent(id)}`);
      listFlash.value = 'Conversation deleted.';
      speak('Conversation deleted.');
      route('/admin/conversations');
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      setDeleteError(`The conversation was not deleted: ${errorMessage(err)}`);
      speak(`The conversation was not deleted: ${errorMessage(err)}`, 'assertive');
      setDeleting(false);
    }
  }

  const back = (
    <p class="back-link">
      <a href="/admin/conversations">
        <span aria-hidden="true">←</span> All conversations
      </a>
    </p>
  );

  // A reload after Improve answer keeps the transcript on screen (and the form's notice with it).
  if (!data) {
    return <PageLoadState back={back} title="Conversation" what="the conversation" error={error} onRetry={reload} minHeight={320} />;
  }

  const { conversation, messages } = data;
  const answers = messages.filter((m) => m.role === 'assistant');
  const cost = answers.reduce((s, m) => s + (m.cost ?? 0), 0);
  const tokens = answers.reduce((s, m) => s + (m.promptTokens ?? 0) + (m.completionTokens ?? 0), 0);
  const isPlayground = conversation.channel === 'playground';
  const improvedAt = messages.reduce<string | null>((latest, m) => (m.improvedAt && (!latest || m.improvedAt > latest) ? m.improvedAt : latest), null);
  /** `?improve=unanswered` (the Dashboard's unanswered questions) opens the form on the first answer that did not help. */
  const unanswered = answers.find((m) => !m.improvedAt && (m.status === 'no_answer' || m.status === 'error' || m.status === 'links_only'));
  const improveId = query.improve === 'unanswered' ? unanswered?.id : query.improve;
  /** The visitor's question an answer was for: the user message before it. */
  const questionBefore = (index: number) => [...messages.slice(0, index)].reverse().find((m) => m.role === 'user')?.text ?? '';

  return (
    <div class="wrap chat-admin">
      {back}
      <div class="page-title-row">
        <h1>Conversation {improvedAt && <ImprovedBadge at={improvedAt} />}</h1>
        {!confirming && (
          <button type="button" class="button button-delete" onClick={() => setConfirming(true)}>
            Delete
          </button>
        )}
      </div>
      {confirming && (
        <ConfirmDelete question="Delete this conversation?" busy={deleting} onConfirm={onDelete} onCancel={() => setConfirming(false)}>
          Its {plural(messages.length, 'message')} are removed for good.
        </ConfirmDelete>
      )}
      {deleteError && (
        <Notice type="error" onDismiss={() => setDeleteError(null)} live={false}>
          <p>{deleteError}</p>
        </Notice>
      )}

      <dl class="conversation-facts">
        <div>
          <dt>Started</dt>
          <dd>
            <time dateTime={conversation.createdAt}>{formatDateTime(conversation.createdAt)}</time>
          </dd>
        </div>
        <div>
          <dt>Where</dt>
          <dd>
            <OriginLabel origin={conversation.origin} channel={conversation.channel} />
          </dd>
        </div>
        <div>
          <dt>Messages</dt>
          <dd>{formatNumber(messages.length)}</dd>
        </div>
        <div>
          <dt>Tokens</dt>
          <dd>{formatNumber(tokens)}</dd>
        </div>
        <div>
          <dt>Cost</dt>
          <dd>{formatMoney(cost)}</dd>
        </div>
      </dl>

      <Postbox id="transcript-title" title="Transcript" body={null}>
        <ol class="transcript">
          {messages.map((m, i) => (
            <li key={m.id} id={`message-${m.id}`} class={`transcript-item is-${m.role}`}>
              {m.role === 'user' ? (
                <UserMessage m={m} playground={isPlayground} />
              ) : (
                <AnswerMessage m={m} conversationId={conversation.id} question={questionBefore(i)} startOpen={improveId === m.id} onImproved={reload} />
              )}
            </li>
          ))}
        </ol>
      </Postbox>
    </div>
  );
}

function UserMessage({ m, playground }: { m: StoredMessage; playground: boolean }) {
  return (
    <>
      <div class="transcript-head">
        <span class="transcript-who">{playground ? 'You (Playground)' : 'Visitor'}</span>
        <time dateTime={m.createdAt}>{formatDateTime(m.createdAt)}</time>
      </div>
      <div class="bubble bubble-user plain-text">{m.text}</div>
    </>
  );
}

interface AnswerProps {
  m: StoredMessage;
  conversationId: string;
  question: string;
  startOpen: boolean;
  onImproved(): void;
}

function AnswerMessage({ m, conversationId, question, startOpen, onImproved }: AnswerProps) {
  const tokens = (m.promptTokens ?? 0) + (m.completionTokens ?? 0);
  return (
    <>
      <div class="transcript-head">
        <span class="transcript-who">Bot</span>
        <StatusBadge status={m.status} />
        {m.qaAnswer && <QaAnswerBadge />}
        {m.improvedAt && <ImprovedBadge at={m.improvedAt} />}
        {m.feedback === 'up' && (
          <span class="feedback-up" title="The visitor found this helpful">
            <Thumb /> Helpful
          </span>
        )}
        {m.feedback === 'down' && (
          <span class="feedback-down" title="The visitor found this unhelpful">
            <Thumb down /> Not helpful
          </span>
        )}
        <time dateTime={m.createdAt}>{formatDateTime(m.createdAt)}</time>
      </div>
      {m.text ? <div class="bubble bubble-bot plain-text">{m.text}</div> : <div class="bubble bubble-bot is-empty">(no text)</div>}
      {m.error && (
        <Notice type={m.status === 'links_only' ? 'warning' : 'error'} inline live={false}>
          <p>
            <strong>What went wrong:</strong> {m.error}
          </p>
        </Notice>
      )}
      <SourcesList sources={m.sources ?? []} />
      <ImproveAnswer
        conversationId={conversationId}
        messageId={m.id}
        question={question}
        // A real answer is a starting point; "I don't know", an error or a cut-off answer is not.
        answer={m.status === 'complete' ? m.text : ''}
        startOpen={startOpen}
        onImproved={onImproved}
      />
      <dl class="answer-meta">
        <div>
          <dt>Model</dt>
          <dd>{m.model ? <code>{m.model}</code> : '—'}</dd>
        </div>
        <div>
          <dt>Tokens</dt>
          <dd
            title={`${formatNumber(m.promptTokens ?? 0)} in, ${formatNumber(m.completionTokens ?? 0)} out${m.reasoningTokens ? `, ${formatNumber(m.reasoningTokens)} reasoning` : ''}`}
          >
            {formatNumber(tokens)}
            {tokens > 0 && (
              <span class="muted">
                {' '}
                ({formatNumber(m.promptTokens ?? 0)} in · {formatNumber(m.completionTokens ?? 0)} out
                {m.reasoningTokens ? ` · ${formatNumber(m.reasoningTokens)} reasoning` : ''})
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt>Cost</dt>
          <dd>{formatMoney(m.cost)}</dd>
        </div>
        <div>
          <dt>Latency</dt>
          <dd>
            {formatMs(m.latencyMs)}
            {m.firstTokenMs != null && <span class="muted"> (first words after {formatMs(m.firstTokenMs)})</span>}
          </dd>
        </div>
      </dl>
      {m.retrieved && m.retrieved.length > 0 ? (
        <details class="retrieved">
          <summary>Retrieved chunks ({m.retrieved.length})</summary>
          <table class="ca-table retrieved-table">
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">URL</th>
                <th scope="col" class="col-num">
                  Match
                </th>
              </tr>
            </thead>
            <tbody>
              {m.retrieved.map((c, i) => (
                <tr key={`${c.chunkId}-${i}`}>
                  <td>
                    <SourceLinkView source={{ title: c.title, url: c.url }} />
                  </td>
                  <td class="url-cell">{c.url && safeHref(c.url) ? <code>{c.url}</code> : <span class="muted">none (text entry)</span>}</td>
                  <td class="col-num">
                    <MatchBadge percent={c.matchPercent} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : (
        <p class="retrieved-none">No chunks were retrieved for this answer.</p>
      )}
    </>
  );
}
