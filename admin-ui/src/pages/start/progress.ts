// Which steps of the guided start are done, worked out from what Docent already knows (the saved key, the
// knowledge base, where the widget was seen): the guided start and the Dashboard's "Finish setting up" read it
// the same way, so a step done on the ordinary screens shows as done here too.
import { api } from '../../api.js';
import type { ApiSettings } from '../../types.js';
import type { Job, JobKind, KnowledgeBaseStats } from '../training/types.js';

export const START_PATH = '/admin/start';

export type StepId = 'key' | 'site' | 'train' | 'try';

export const STEPS: { id: StepId; title: string; short: string }[] = [
  { id: 'key', title: 'Connect OpenRouter', short: 'Paste your API key' },
  { id: 'site', title: 'Add your website', short: 'Docent reads its pages' },
  { id: 'train', title: 'Train the bot', short: 'See the cost, then train' },
  { id: 'try', title: 'Try it and add it to your site', short: 'Ask a question, copy the snippet' },
];

/** The step a running job belongs to: a page opened mid-way reopens it, following the job. */
export const JOB_STEPS: Partial<Record<JobKind, StepId>> = { sync: 'site', train: 'train' };

/** What the guided start gives each step. */
export interface StepProps {
  state: StartState;
  done: Record<StepId, boolean>;
  /** Open: the step's form; closed: what it has done. */
  active: boolean;
  /** The step's job that was running when the page was opened. */
  resumeJob: Job | null;
  /** The step is done: on to the next one not done. */
  onDone: () => void;
  onReopen: () => void;
}

export interface WidgetInfo {
  snippet: string;
  lastSeen: { origin: string; at: string } | null;
  widget: { allowedDomains: string[] };
}

export interface StartState {
  settings: ApiSettings;
  stats: KnowledgeBaseStats;
  widget: WidgetInfo;
}

export function loadStartState(signal?: AbortSignal): Promise<StartState> {
  return Promise.all([
    api.get<ApiSettings>('/api/admin/settings/api', { signal }),
    api.get<KnowledgeBaseStats>('/api/admin/training/stats', { signal }),
    api.get<WidgetInfo>('/api/admin/widget/settings', { signal }),
  ]).then(([settings, stats, widget]) => ({ settings, stats, widget }));
}

/** The key works: tested or used successfully. An OpenAI-compatible endpoint set up on its own screen counts too. */
export function keyWorks(s: ApiSettings): boolean {
  if (s.provider === 'openai-compatible') return !!s.baseUrl && (!s.keyStatus || s.keyStatus.state === 'ok');
  if (!s.apiKey.saved) return false;
  return s.keyStatus ? s.keyStatus.state === 'ok' : s.keyCheck?.ok === true;
}

export function stepsDone(state: StartState): Record<StepId, boolean> {
  const { stats } = state;
  return {
    key: keyWorks(state.settings),
    site: stats.documents > 0,
    train: stats.chunks > 0 && stats.trainedChunks >= stats.chunks,
    try: !!state.widget.lastSeen,
  };
}

/** The first step not done, or null when all are. */
export function nextStep(done: Record<StepId, boolean>): StepId | null {
  return STEPS.find((s) => !done[s.id])?.id ?? null;
}
