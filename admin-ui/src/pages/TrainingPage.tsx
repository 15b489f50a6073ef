import type { ComponentType } from 'preact';
import { useLocation } from 'preact-iso';
import { useTitle } from '../components/AdminLayout.js';
import DatabaseTab from './training/database/DatabaseTab.js';
import RetrievalTab from './training/RetrievalTab.js';
import SourcesTab from './training/sources/SourcesTab.js';
import TrainingTab from './training/TrainingTab.js';
import './training/training.css';

interface Tab {
  id: string;
  label: string;
  component: ComponentType;
}

// The first tab is the default (/admin/training). Keep in step with the submenu in menu.ts.
const TABS: Tab[] = [
  { id: 'sources', label: 'Sources', component: SourcesTab },
  { id: 'training', label: 'Training', component: TrainingTab },
  { id: 'retrieval', label: 'Test retrieval', component: RetrievalTab },
  { id: 'database', label: 'Database Management', component: DatabaseTab },
];

export function trainingTabHref(id: string): string {
  return id === TABS[0].id ? '/admin/training' : `/admin/training?tab=${encodeURIComponent(id)}`;
}

export default function TrainingPage() {
  const { query } = useLocation();
  const tab = TABS.find((t) => t.id === query.tab) ?? TABS[0];
  useTitle(tab.label, 'Data Training');
  const Current = tab.component;

  return (
    <div class="wrap training-page">
      <h1>Data Training</h1>
      <nav class="nav-tab-wrapper" aria-label="Data Training sections">
        {TABS.map((t) => (
          <a key={t.id} href={trainingTabHref(t.id)} class={`nav-tab${t === tab ? ' nav-tab-active' : ''}`} aria-current={t === tab ? 'page' : undefined}>
            {t.label}
          </a>
        ))}
      </nav>
      <Current key={tab.id} />
    </div>
  );
}
