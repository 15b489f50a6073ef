// Data Training → Sources → WordPress site: add a site read through its REST API, and follow its first read.
import { useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../../api.js';
import { Postbox } from '../../../components/Postbox.js';
import { useActionNotice } from '../../../components/announce.js';
import { useUnsavedChanges } from '../../../components/unsaved-changes.js';
import { useFields } from '../../../components/useFields.js';
import { API } from '../shared.js';
import type { Schedule, Source } from '../types.js';
import { AddFormFooter, NOT_ADDED, PanelJob, ScheduleField, type TrackedView, UrlField } from './add-form.js';

export function WordPressPanel({ tracked, onAdded }: { tracked: TrackedView | null; onAdded: (s: Source, jobId: number) => void }) {
  const [saving, setSaving] = useState(false);
  const { values, set, setErrors, bind } = useFields<{ siteUrl: string; schedule: Schedule }>({ siteUrl: '', schedule: 'daily' }, (k) => `wp-${k}`, saving);
  const { siteUrl, schedule } = values;
  const { notice, noticeRef, show: showNotice, clear: clearNotice } = useActionNotice();
  useUnsavedChanges(!!siteUrl.trim());

  async function submit(e: Event) {
    e.preventDefault();
    if (saving) return;
    if (!siteUrl.trim()) {
      setErrors({ siteUrl: 'Enter the site’s address.' });
      document.getElementById('wp-siteUrl')?.focus();
      return;
    }
    setSaving(true);
    clearNotice();
    setErrors({});
    try {
      const r = await api.post<{ source: Source; jobId: number }>(`${API}/sources`, { kind: 'wordpress', config: { siteUrl: siteUrl.trim() }, schedule });
      showNotice({ type: 'success', message: `Added “${r.source.name}”.` });
      set({ siteUrl: '' });
      onAdded(r.source, r.jobId);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      if (err instanceof ApiError && Object.keys(err.fields).length) {
        const siteError = err.fields['config.siteUrl'] ?? err.fields.config ?? err.fields.siteUrl;
        setErrors({ siteUrl: siteError, schedule: err.fields.schedule });
        showNotice({ type: 'error', message: err.status === 422 ? NOT_ADDED : err.message }, err.fields.schedule && !siteError ? 'wp-schedule' : 'wp-siteUrl');
      } else showNotice({ type: 'error', message: `Not added: ${errorMessage(err)}` });
    } finally {
      setSaving(false);
    }
  }

  return (
    <Postbox id="add-wp-title" title="WordPress site" level={3} class="add-panel">
      <p class="description">Reads published posts and pages through the WordPress REST API: no plugin needed.</p>
      <form class="stack-form" onSubmit={submit} noValidate>
        <UrlField label="Site URL" {...bind('siteUrl')} placeholder="https://example.com" />
        <ScheduleField label="Re-sync automatically" {...bind('schedule')} />
        <AddFormFooter label="Add WordPress site" saving={saving} busyLabel="Checking the site…" notice={notice} noticeRef={noticeRef} />
      </form>
      {tracked && <PanelJob tracked={tracked} noun="posts" />}
    </Postbox>
  );
}
