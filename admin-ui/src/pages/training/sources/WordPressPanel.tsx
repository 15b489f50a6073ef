// Data Training → Sources → WordPress site: add a site read through its REST API, and follow its first read.
import { useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../../api.js';
import { describedBy } from '../../../components/Field.js';
import { Postbox } from '../../../components/Postbox.js';
import { StackedField, stackedAria } from '../../../components/StackedField.js';
import { useActionNotice } from '../../../components/announce.js';
import { useUnsavedChanges } from '../../../components/unsaved-changes.js';
import { API } from '../shared.js';
import type { Schedule, Source } from '../types.js';
import { AddFormFooter, NOT_ADDED, PanelJob, ScheduleSelect, type TrackedView } from './add-form.js';
import { URL_INPUT } from './WebPanel.js';

export function WordPressPanel({ tracked, onAdded }: { tracked: TrackedView | null; onAdded: (s: Source, jobId: number) => void }) {
  const [siteUrl, setSiteUrl] = useState('');
  const [schedule, setSchedule] = useState<Schedule>('daily');
  const [errors, setErrors] = useState<Partial<Record<'siteUrl' | 'schedule', string>>>({});
  const { notice, noticeRef, show: showNotice, clear: clearNotice } = useActionNotice();
  const [saving, setSaving] = useState(false);
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
      setSiteUrl('');
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
        <StackedField label="Site URL" id="wp-siteUrl" error={errors.siteUrl}>
          <input
            id="wp-siteUrl"
            {...URL_INPUT}
            value={siteUrl}
            placeholder="https://example.com"
            {...stackedAria('wp-siteUrl', errors.siteUrl)}
            onInput={(e) => (setSiteUrl(e.currentTarget.value), setErrors((x) => ({ ...x, siteUrl: undefined })))}
            disabled={saving}
          />
        </StackedField>
        <StackedField label="Re-sync automatically" id="wp-schedule" error={errors.schedule}>
          <ScheduleSelect
            id="wp-schedule"
            value={schedule}
            onChange={setSchedule}
            disabled={saving}
            describedById={describedBy(errors.schedule && 'wp-schedule-error')}
          />
        </StackedField>
        <AddFormFooter label="Add WordPress site" saving={saving} busyLabel="Checking the site…" notice={notice} noticeRef={noticeRef} />
      </form>
      {tracked && <PanelJob tracked={tracked} noun="posts" />}
    </Postbox>
  );
}
