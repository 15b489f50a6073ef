// The Dashboard's way back into the guided start: shown until its four steps are done, naming the next one.
// Dismissed, it stays hidden in this browser until Docent's setup changes step (the checklist stays either way).
import { useEffect, useState } from 'preact/hooks';
import { Notice } from '../../components/Notice.js';
import { START_PATH, STEPS, loadStartState, nextStep, stepsDone, type StepId } from './progress.js';

const DISMISSED_KEY = 'docent.quickStart.dismissedAt';

function dismissedAt(): string | null {
  try {
    return localStorage.getItem(DISMISSED_KEY);
  } catch {
    return null;
  }
}

export function FinishSettingUp() {
  const [next, setNext] = useState<{ id: StepId; done: number } | null>(null);
  const [hidden, setHidden] = useState(false);

  useEffect(() => {
    const ctrl = new AbortController();
    loadStartState(ctrl.signal)
      .then((state) => {
        const done = stepsDone(state);
        const id = nextStep(done);
        setNext(id ? { id, done: STEPS.filter((s) => done[s.id]).length } : null);
        setHidden(dismissedAt() === id);
      })
      .catch(() => setNext(null)); // the checklist below says the same; no second error box
    return () => ctrl.abort();
  }, []);

  if (!next || hidden) return null;
  const step = STEPS.findIndex((s) => s.id === next.id);
  const dismiss = () => {
    try {
      localStorage.setItem(DISMISSED_KEY, next.id);
    } catch {
      /* private mode: hidden for this visit */
    }
    setHidden(true);
  };
  return (
    <Notice type="info" live={false} onDismiss={dismiss} class="qs-resume">
      <p>
        <strong>Docent is not fully set up yet.</strong> {next.done} of {STEPS.length} steps of the guided start are done. Next: {STEPS[step].title}.
      </p>
      <p>
        <a class="button button-primary" href={START_PATH}>
          Finish setting up
        </a>
      </p>
    </Notice>
  );
}
