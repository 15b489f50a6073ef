import { type PageTab, TabbedPage } from '../components/TabbedPage.js';
import DatabaseTab from './training/database/DatabaseTab.js';
import RetrievalTab from './training/RetrievalTab.js';
import SourcesTab from './training/sources/SourcesTab.js';
import TrainingTab from './training/TrainingTab.js';
import './training/training.css';

// The first tab is the default (/admin/training). Keep in step with the submenu in menu.ts.
const TABS: PageTab[] = [
  { id: 'sources', label: 'Sources', component: SourcesTab },
  { id: 'training', label: 'Training', component: TrainingTab },
  { id: 'retrieval', label: 'Test retrieval', component: RetrievalTab },
  { id: 'database', label: 'Database Management', component: DatabaseTab },
];

export default function TrainingPage() {
  return <TabbedPage title="Data Training" base="/admin/training" tabs={TABS} class="training-page" />;
}
