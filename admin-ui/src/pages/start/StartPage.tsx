// The guided start (/admin/start), where first-run setup leads: paste the key (tested at once), add the website
// (one address; Docent works out how to read it), train after seeing the cost, then ask a test question and copy
// the snippet. Each step uses the ordinary API; the full screens stay for everything else. A step already done
// (here or on those screens) shows as done, so the path can be left ("Skip") and resumed from the Dashboard.
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../api.js';
import { useTitle } from '../../components/AdminLayout.js';
import { Icon } from '../../components/Icon.js';
import { PageLoadState } from '../../components/PageLoadState.js';
import { LoadingBox } from '../../components/Spinner.js';
import { useAfterRender } from '../../components/form-helpers.js';
import type { Job } from '../training/types.js';
import { KeyStep } from './KeyStep.js';
import { SiteStep } from './SiteStep.js';
import { TrainStep } from './TrainStep.js';
import { TryStep } from './TryStep.js';
import { JOB_STEPS, STEPS, loadStartState, nextStep, stepsDone, type StartState, type StepId, type StepProps } from './progress.js';
import './start.css';
import { ProgressBar } from '../../components/ProgressBar.js';

const VIEWS: Record<StepId, (p: StepProps) => JSX.Element | null> = { key: KeyStep, site: SiteStep, train: TrainStep, try: TryStep };

/** Focus goes to the step's first control (or its heading) once it has opened, so the admin can paste at once. */
function focusStep(id: StepId) {
  const section = document.getElementById(`qs-step-${id}`);
  const field = section?.querySelector<HTMLElement>('.inside :is(input, textarea, button):not(:disabled)');
  const target = field ?? section?.querySelector<HTMLElement>('h2');
  target?.focus({ preventScroll: true });
  section?.scrollIntoView({ block: 'start', behavior: 'auto' });
}

export default function StartPage() {
  useTitle('Get started');
  const [state, setState] = useState<StartState | null>(null);
  const [activeJob, setActiveJob] = useState<Job | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [current, setCurrent] = useState<StepId | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const afterRender = useAfterRender();

  async function load(): Promise<StartState | null> {
    try {
      const next = await loadStartState();
      setState(next);
      setLoadError(null);
      return next;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return null;
      setLoadError(errorMessage(err));
      return null;
    }
  }

  // First load: open the first step not done, or the step whose job is running (a reload mid-way).
  useEffect(() => {
    void (async () => {
      const [loaded, jobs] = await Promise.all([load(), api.get<{ active: Job | null }>('/api/admin/training/jobs').catch(() => ({ active: null }))]);
      if (!loaded) return;
      const running = jobs.active;
      setActiveJob(running);
      setCurrent((running && JOB_STEPS[running.kind]) ?? nextStep(stepsDone(loaded)) ?? 'try');
    })();
  }, []);

  /** A step finished: reload what Docent knows and open the next step not done (the last one stays open). */
  async function advance(from: StepId) {
    const loaded = await load();
    if (!loaded) return;
    const done = stepsDone(loaded);
    const after = STEPS.slice(STEPS.findIndex((s) => s.id === from) + 1);
    open(after.find((s) => !done[s.id])?.id ?? 'try');
  }

  function open(id: StepId) {
    const index = STEPS.findIndex((s) => s.id === id);
    setActiveJob(null);
    setCurrent(id);
    setAnnouncement(`Step ${index + 1} of ${STEPS.length}: ${STEPS[index].title}.`);
    // After the step's own render (its fields exist now), before the browser paints.
    afterRender(() => focusStep(id));
  }

  const done = state ? stepsDone(state) : null;
  const doneCount = done ? STEPS.filter((s) => done[s.id]).length : 0;
  if (loadError && !state) return <PageLoadState title="Get started" what="your setup" error={loadError} onRetry={() => location.reload()} />;

  return (
    <div class="wrap quick-start">
      <div class="page-title-row qs-header">
        <h1>Get started</h1>
        <a class="qs-skip" href="/admin/">
          Skip, I’ll set things up myself
        </a>
      </div>
      <p class="qs-intro">
        Four steps to a chatbot that answers from your website, in about five minutes. Everything here can be changed later on the other screens.
      </p>
      <p class="screen-reader-text" role="status" aria-live="polite">
        {announcement}
      </p>
      {!state || !done || !current ? (
        <LoadingBox label="Loading your setup…" minHeight={320} />
      ) : (
        <>
          <div class="qs-progress">
            <p id="qs-progress-label">{doneCount === STEPS.length ? 'All four steps are done.' : `${doneCount} of ${STEPS.length} steps done.`}</p>
            <ProgressBar value={doneCount} max={STEPS.length} labelledBy="qs-progress-label" valueText={`${doneCount} of ${STEPS.length} steps done`} />
          </div>
          <ol class="qs-steps">
            {STEPS.map((step, i) => {
              const View = VIEWS[step.id];
              return (
                <StepBox key={step.id} id={step.id} number={i + 1} title={step.title} short={step.short} done={done[step.id]} current={current === step.id}>
                  <View
                    state={state}
                    done={done}
                    active={current === step.id}
                    resumeJob={activeJob && JOB_STEPS[activeJob.kind] === step.id ? activeJob : null}
                    onDone={() => advance(step.id)}
                    onReopen={() => open(step.id)}
                  />
                </StepBox>
              );
            })}
          </ol>
        </>
      )}
    </div>
  );
}

function StepBox(p: { id: StepId; number: number; title: string; short: string; done: boolean; current: boolean; children: ComponentChildren }) {
  const status = p.done ? 'Done' : p.current ? 'Current step' : 'To do';
  return (
    <li
      id={`qs-step-${p.id}`}
      class={`postbox qs-step${p.done ? ' is-done' : ''}${p.current ? ' is-current' : ''}`}
      aria-current={p.current ? 'step' : undefined}
    >
      <h2 class="qs-step-title" tabIndex={-1}>
        <span class="qs-step-number" aria-hidden="true">
          {p.done ? <Icon name="check" size={16} /> : p.number}
        </span>
        <span class="screen-reader-text">Step {p.number}: </span>
        <span class="qs-step-name">{p.title}</span>
        <span class={`qs-step-status${p.done ? ' is-done' : ''}`}>{status}</span>
      </h2>
      <div class="inside">{p.current || p.done ? p.children : <p class="description qs-step-short">{p.short}</p>}</div>
    </li>
  );
}
