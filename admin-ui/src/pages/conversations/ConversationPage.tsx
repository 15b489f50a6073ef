// One conversation as a transcript, with what the admin needs to judge each answer: sources, status,
// the real error, model, tokens, cost, latency, feedback and the retrieved chunks. Delete with confirmation.
// GET/DELETE /api/admin/conversations/:id.
import { useLocation, useRoute } from 'preact-iso';
import { useTitle } from '../../components/AdminLayout.js';
import { type Column, DataTable } from '../../components/DataTable.js';
import { DetailHead, DetailLoadState } from '../../components/DetailHead.js';
import { Fact } from '../../components/Fact.js';
import { Notice } from '../../components/Notice.js';
import { Postbox } from '../../components/Postbox.js';
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
  TranscriptHead,
  formatMoney,
  formatMs,
  safeHref,
} from './shared.js';
import { ImproveAnswer } from './ImproveAnswer.js';
import type { ConversationDetail, RetrievedRef, StoredMessage } from './types.js';
import '../../components/chat-admin.css';
import './conversations.css';

const RETRIEVED: Column<RetrievedRef>[] = [
  { label: 'Title', cell: (c) => <SourceLinkView source={{ title: c.title, url: c.url }} /> },
  { label: 'URL', class: 'url-cell', cell: (c) => (c.url && safeHref(c.url) ? <code>{c.url}</code> : <span class="muted">none (text entry)</span>) },
  { label: 'Match', class: 'col-num', cell: (c) => <MatchBadge percent={c.matchPercent} /> },
];

export default function ConversationPage() {
  const { params } = useRoute();
  const { query } = useLocation();
  const id = params.id ?? '';
  useTitle('Conversation', 'Conversations');
  const url = `/api/admin/conversations/${encodeURIComponent(id)}`;
  const { data, error, reload } = useResource<ConversationDetail>(url);

  // A reload after Improve answer keeps the transcript on screen (and the form's notice with it).
  if (!data) {
    return <DetailLoadState list="/admin/conversations" back="All conversations" title="Conversation" what="conversation" error={error} onRetry={reload} />;
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
      <DetailHead
        list="/admin/conversations"
        back="All conversations"
        title={<>Conversation {improvedAt && <ImprovedBadge at={improvedAt} />}</>}
        what="conversation"
        deleteUrl={url}
        consequence={<>Its {plural(messages.length, 'message')} are removed for good.</>}
      />

      <dl class="conversation-facts">
        <Fact term="Started">
          <time dateTime={conversation.createdAt}>{formatDateTime(conversation.createdAt)}</time>
        </Fact>
        <Fact term="Where">
          <OriginLabel origin={conversation.origin} channel={conversation.channel} />
        </Fact>
        <Fact term="Messages">{formatNumber(messages.length)}</Fact>
        <Fact term="Tokens">{formatNumber(tokens)}</Fact>
        <Fact term="Cost">{formatMoney(cost)}</Fact>
      </dl>

      <Postbox id="transcript-title" title="Transcript" body={null}>
        <ol class="transcript">
          {messages.map((m, i) => (
            <li key={m.id} id={`message-${m.id}`} class={`transcript-item is-${m.role}`}>
              {m.role === 'user' ? (
                <>
                  <TranscriptHead who={isPlayground ? 'You (Playground)' : 'Visitor'} at={m.createdAt} />
                  <div class="bubble bubble-user plain-text">{m.text}</div>
                </>
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

interface AnswerProps {
  m: StoredMessage;
  conversationId: string;
  question: string;
  startOpen: boolean;
  onImproved(): void;
}

function AnswerMessage({ m, conversationId, question, startOpen, onImproved }: AnswerProps) {
  const tokens = (m.promptTokens ?? 0) + (m.completionTokens ?? 0);
  const split = [`${formatNumber(m.promptTokens ?? 0)} in`, `${formatNumber(m.completionTokens ?? 0)} out`];
  if (m.reasoningTokens) split.push(`${formatNumber(m.reasoningTokens)} reasoning`);
  return (
    <>
      <TranscriptHead who="Bot" at={m.createdAt}>
        <StatusBadge status={m.status} />
        {m.qaAnswer && <QaAnswerBadge />}
        {m.improvedAt && <ImprovedBadge at={m.improvedAt} />}
        {m.feedback && (
          <span class={`feedback-${m.feedback}`} title={`The visitor found this ${m.feedback === 'up' ? 'helpful' : 'unhelpful'}`}>
            <Thumb down={m.feedback === 'down'} /> {m.feedback === 'up' ? 'Helpful' : 'Not helpful'}
          </span>
        )}
      </TranscriptHead>
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
        <Fact term="Model">{m.model ? <code>{m.model}</code> : '—'}</Fact>
        <Fact term="Tokens" title={split.join(', ')}>
          {formatNumber(tokens)}
          {tokens > 0 && <span class="muted"> ({split.join(' · ')})</span>}
        </Fact>
        <Fact term="Cost">{formatMoney(m.cost)}</Fact>
        <Fact term="Latency">
          {formatMs(m.latencyMs)}
          {m.firstTokenMs != null && <span class="muted"> (first words after {formatMs(m.firstTokenMs)})</span>}
        </Fact>
      </dl>
      {m.retrieved && m.retrieved.length > 0 ? (
        <details class="retrieved">
          <summary>Retrieved chunks ({m.retrieved.length})</summary>
          <DataTable class="retrieved-table" columns={RETRIEVED} rows={m.retrieved} rowKey={(c, i) => `${c.chunkId}-${i}`} />
        </details>
      ) : (
        <p class="retrieved-none">No chunks were retrieved for this answer.</p>
      )}
    </>
  );
}
