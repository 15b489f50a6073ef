// Data Training → Sources → WordPress site: add a site read through its REST API, and follow its first read.
import { useUnsavedChanges } from '../../../components/unsaved-changes.js';
import type { Schedule, Source } from '../types.js';
import { AddPanel, ScheduleField, type TrackedView, UrlField, useAddSource } from './add-form.js';

export function WordPressPanel({ tracked, onAdded }: { tracked: TrackedView | null; onAdded: (s: Source, jobId: number) => void }) {
  const form = useAddSource<{ siteUrl: string; schedule: Schedule }>('wp', { siteUrl: '', schedule: 'daily' }, onAdded);
  const siteUrl = form.values.siteUrl.trim();
  useUnsavedChanges(!!siteUrl);

  return (
    <AddPanel
      id="add-wp-title"
      title="WordPress site"
      intro="Reads published posts and pages through the WordPress REST API: no plugin needed."
      onSubmit={(e) =>
        form.add(e, siteUrl ? {} : { siteUrl: 'Enter the site’s address.' }, 'siteUrl', { kind: 'wordpress', config: { siteUrl } }, { siteUrl: '' })
      }
      label="Add WordPress site"
      busyLabel="Checking the site…"
      form={form}
      tracked={tracked}
      noun="posts"
    >
      <UrlField label="Site URL" {...form.bind('siteUrl')} placeholder="https://example.com" />
      <ScheduleField label="Re-sync automatically" {...form.bind('schedule')} />
    </AddPanel>
  );
}
