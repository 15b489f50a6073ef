// One lead: who, how to reach them, their message, the consent they gave, the conversation they came from,
// its status (new → contacted → closed), and delete with confirmation. GET/PATCH/DELETE /api/admin/leads/:id.
import { useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { ApiError, api, errorMessage } from '../../api.js';
import { useTitle } from '../../components/AdminLayout.js';
import { useActionNotice } from '../../components/announce.js';
import { DetailHead, DetailLoadState } from '../../components/DetailHead.js';
import { Fact } from '../../components/Fact.js';
import { Notice } from '../../components/Notice.js';
import { Postbox } from '../../components/Postbox.js';
import { Spinner } from '../../components/Spinner.js';
import { formatDateTime } from '../../format.js';
import { useResource } from '../../hooks.js';
import { StatusBadge, TranscriptHead } from '../conversations/shared.js';
import { LeadStatusPill } from './LeadStatusPill.js';
import type { LeadStatus, LeadUpdated, LeadView } from '../../../../server/leads/schemas.js';
import { kindLabel, STATUSES, statusLabel } from './labels.js';
import '../../components/chat-admin.css';
import './leads.css';

export default function LeadPage() {
  const { params } = useRoute();
  const id = params.id ?? '';
  useTitle('Lead', 'Leads');
  const { data, error, loading, reload, setData } = useResource<LeadView>(`/api/admin/leads/${encodeURIComponent(id)}`);
  const [status, setStatus] = useState<LeadStatus | null>(null);
  const [saving, setSaving] = useState(false);
  const { notice, noticeRef, show, clear } = useActionNotice();
  if (loading || !data) {
    return <DetailLoadState list="/admin/leads" back="All leads" title="Lead" what="lead" error={data ? null : error} onRetry={reload} />;
  }

  const { lead, transcript } = data;
  const chosen = status ?? lead.status;

  async function onStatus(e: Event) {
    e.preventDefault();
    if (chosen === lead.status || saving) return;
    setSaving(true);
    clear();
    try {
      const res = await api.patch<LeadUpdated>(`/api/admin/leads/${lead.id}`, { status: chosen });
      setData({ lead: res.lead, transcript });
      setStatus(null);
      show({ type: 'success', message: `Status changed to ${statusLabel(res.lead.status)}.` });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      show({ type: 'error', message: `The status was not changed: ${errorMessage(err)}` });
    } finally {
      setSaving(false);
    }
  }

  return (
    <div class="wrap chat-admin">
      <DetailHead
        list="/admin/leads"
        back="All leads"
        title={`Lead: ${lead.name}`}
        what="lead"
        deleteUrl={`/api/admin/leads/${lead.id}`}
        consequence={<>{lead.name}'s contact details and message are removed for good (the conversation stays under Conversations).</>}
      />
      {notice && (
        <Notice type={notice.type} onDismiss={clear} live={false} noticeRef={noticeRef}>
          <p>{notice.message}</p>
        </Notice>
      )}

      <dl class="conversation-facts">
        <Fact term="Received">
          <time dateTime={lead.createdAt}>{formatDateTime(lead.createdAt)}</time>
        </Fact>
        <Fact term="E-mail">
          <a href={`mailto:${encodeURIComponent(lead.email).replace(/%40/g, '@')}`}>{lead.email}</a>
        </Fact>
        <Fact term="From">{kindLabel(lead.kind)}</Fact>
        <Fact term="Website">{lead.origin ?? '—'}</Fact>
        <Fact term="Status">
          <LeadStatusPill status={lead.status} />
        </Fact>
      </dl>

      <Postbox id="lead-message-title" title="Message" body="inside lead-body">
        {lead.message ? (
          <p class="lead-message-full">{lead.message}</p>
        ) : (
          <p class="lead-no-transcript">No message: the visitor filled in the pre-chat form.</p>
        )}
        {lead.consentText && (
          <div>
            <h3 class="lead-subtitle">Consent given</h3>
            <p class="lead-consent">{lead.consentText}</p>
          </div>
        )}
        <form class="lead-status-form" onSubmit={onStatus}>
          <label for="lead-status" class="lead-subtitle">
            Status
          </label>
          <select id="lead-status" class="input select" value={chosen} disabled={saving} onChange={(e) => setStatus(e.currentTarget.value as LeadStatus)}>
            {STATUSES.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
          <button type="submit" class="button button-primary" disabled={saving || chosen === lead.status}>
            Change status
          </button>
          {saving && <Spinner label="Saving…" />}
        </form>
      </Postbox>

      <Postbox id="transcript-title" title="Conversation" body={null}>
        {transcript && transcript.length > 0 ? (
          <>
            <ol class="transcript">
              {transcript.map((m, i) => (
                <li key={i} class={`transcript-item is-${m.role}`}>
                  <TranscriptHead who={m.role === 'user' ? 'Visitor' : 'Bot'} at={m.createdAt}>
                    {m.role === 'assistant' && <StatusBadge status={m.status} />}
                  </TranscriptHead>
                  <div class={`bubble ${m.role === 'user' ? 'bubble-user' : 'bubble-bot'} plain-text`}>{m.text || '(no text)'}</div>
                </li>
              ))}
            </ol>
            {lead.conversationId && (
              <p class="inside lead-body">
                <a href={`/admin/conversations/${lead.conversationId}`}>Open the conversation with sources and costs</a>
              </p>
            )}
          </>
        ) : (
          <div class="inside lead-body">
            <p class="lead-no-transcript">
              No conversation is attached: the visitor had not asked anything, conversations are not stored (Chatbot → Privacy), or it was deleted.
            </p>
          </div>
        )}
      </Postbox>
    </div>
  );
}
