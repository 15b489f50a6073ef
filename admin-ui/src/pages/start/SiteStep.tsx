// Step 2: one field for the website. Docent works out how to read it (POST /training/sources/detect: WordPress,
// sitemap or crawl), says what it found, creates that source with the ordinary POST /training/sources and reads
// it (free: nothing is embedded yet), with live progress. A site that cannot be read gets the reason on the field,
// and a source whose first read found nothing is removed again, so a second try leaves no failed card behind.
import { useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../api.js';
import { Notice } from '../../components/Notice.js';
import { Spinner } from '../../components/Spinner.js';
import { plural } from '../../format.js';
import { API, JobView, useJob } from '../training/shared.js';
import type { Job, KnowledgeBaseStats, Source } from '../training/types.js';
import '../training/training.css';
import type { StepProps } from './progress.js';
import { DoneIcon, StepForm, useStepField } from './StepForm.js';

/** What POST /training/sources/detect answers. */
interface Detection {
  kind: 'wordpress' | 'web';
  config: Record<string, unknown>;
  method: 'wordpress' | 'sitemap' | 'crawl';
  pages: number | null;
  summary: string;
}

type Phase = 'idle' | 'detecting' | 'creating' | 'reading';

export function SiteStep({ state: { stats }, active, resumeJob, onDone, onReopen }: StepProps) {
  const field = useStepField();
  const [phase, setPhase] = useState<Phase>(resumeJob ? 'reading' : 'idle');
  const [found, setFound] = useState<Detection | null>(null);
  const [jobId, setJobId] = useState<number | null>(resumeJob?.id ?? null);
  const [sourceId, setSourceId] = useState<number | null>(resumeJob ? Number(resumeJob.params.sourceId) : null);

  const tracked = useJob(jobId, (job) => void readEnded(job));

  if (!active) return <SiteSummary stats={stats} onReopen={onReopen} />;

  /** No read under way: what was found and read is shown on the summary, or why it failed is on the field. */
  function reset() {
    setFound(null);
    setJobId(null);
    setSourceId(null);
    setPhase('idle');
  }

  function fail(message: string) {
    reset();
    field.fail(message);
  }

  /** Ready for another site (Add another website); the summary names the source, which says how it is read. */
  function finish() {
    reset();
    field.setValue('');
    onDone();
  }

  async function readEnded(job: Job) {
    if (job.status === 'done') return finish();
    // Nothing read: the reason goes on the field, and the empty source is removed so the next try starts clean.
    const reason = job.status === 'stopped' ? 'Reading was stopped. Read the site again to continue.' : (job.error ?? 'The site could not be read.');
    try {
      const { sources } = await api.get<{ sources: Source[] }>(`${API}/sources`);
      const source = sources.find((s) => s.id === sourceId);
      if (source && source.documents === 0) await api.del(`${API}/sources/${source.id}`);
      else if (source && source.documents > 0) return finish(); // stopped part-way: what was read can be trained
    } catch {
      /* the card stays on Sources with its reason */
    }
    fail(reason);
  }

  async function onSubmit() {
    if (phase !== 'idle') return;
    const typed = field.value.trim();
    if (!typed) return fail('Enter your website’s address, e.g. https://example.com.');
    field.setError(null);
    setFound(null);
    setPhase('detecting');
    try {
      const detected = await api.post<Detection>(`${API}/sources/detect`, { url: typed });
      setFound(detected);
      setPhase('creating');
      const created = await api.post<{ source: Source; jobId: number }>(`${API}/sources`, { kind: detected.kind, config: detected.config });
      setSourceId(created.source.id);
      setJobId(created.jobId);
      setPhase('reading');
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      // The detection's problem is on `url`; a check repeated on creation names the config field.
      const fields = err instanceof ApiError ? Object.values(err.fields) : [];
      fail(fields[0] ?? errorMessage(err));
    }
  }

  const busy = phase !== 'idle';
  const job = tracked.job;
  return (
    <StepForm
      field={field}
      id="qs-site"
      label="Your website’s address"
      button="Read my site"
      busy={busy}
      onSubmit={onSubmit}
      inputProps={{ placeholder: 'https://example.com', inputMode: 'url', autoComplete: 'url', autoCapitalize: 'off', spellcheck: false }}
      help="Your home page is best. Docent works out whether it is a WordPress site, has a sitemap, or must be followed link by link, then reads the pages. Reading is free; you see the cost of training before you pay anything."
    >
      {phase === 'detecting' && <Spinner label="Looking at your site…" class="qs-busy" />}
      {found && (
        <Notice type="info" inline class="qs-found">
          <p>
            <strong>{found.summary}</strong>
          </p>
        </Notice>
      )}
      {phase === 'creating' && <Spinner label="Adding the source…" class="qs-busy" />}
      {jobId != null && !job && <Spinner label="Reading your pages…" class="qs-busy" />}
      {job && (
        <JobView
          job={job}
          log={tracked.log}
          pollError={tracked.error}
          label="Reading your site"
          itemNoun={found?.kind === 'wordpress' ? 'posts' : 'pages'}
          compact
        />
      )}
      {!busy && stats.documents > 0 && (
        <p class="qs-keep">
          <button type="button" class="button-link" onClick={onDone}>
            Keep the content you have
          </button>
        </p>
      )}
    </StepForm>
  );
}

function SiteSummary({ stats, onReopen }: { stats: KnowledgeBaseStats; onReopen: () => void }) {
  const withContent = stats.sources.filter((s) => s.documents > 0);
  if (!withContent.length) return null;
  return (
    <div class="qs-summary">
      <ul class="qs-source-list">
        {withContent.map((s) => (
          <li key={s.id}>
            <DoneIcon /> <strong>{s.name}</strong> — {plural(s.documents, s.kind === 'wordpress' ? 'post' : s.kind === 'web' ? 'page' : 'document')}
          </li>
        ))}
      </ul>
      <p>
        <button type="button" class="button-link" onClick={onReopen}>
          Add another website
        </button>{' '}
        or manage your content in <a href="/admin/training">Data Training → Sources</a>.
      </p>
    </div>
  );
}
