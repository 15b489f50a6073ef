import type { ComponentType } from 'preact';
import { useLocation } from 'preact-iso';
import { useTitle } from '../components/AdminLayout.js';
import ApiConfiguration from './settings/ApiConfiguration.js';
import Account from './settings/Account.js';
import ExportImport from './settings/ExportImport.js';
import Notifications from './settings/notifications/Notifications.js';

interface Tab {
  id: string;
  label: string;
  component: ComponentType;
}

// More tabs go here; the first one is the default (/admin/settings).
const TABS: Tab[] = [
  { id: 'api', label: 'API Configuration', component: ApiConfiguration },
  { id: 'notifications', label: 'Notifications', component: Notifications },
  { id: 'account', label: 'Account', component: Account },
  { id: 'export-import', label: 'Export and import', component: ExportImport },
];

function tabHref(tab: Tab): string {
  return tab === TABS[0] ? '/admin/settings' : `/admin/settings?tab=${encodeURIComponent(tab.id)}`;
}

export default function SettingsPage() {
  const { query } = useLocation();
  const tab = TABS.find((t) => t.id === query.tab) ?? TABS[0];
  useTitle(tab.label, 'Settings');
  const Current = tab.component;

  return (
    <div class="wrap">
      <h1>Settings</h1>
      <nav class="nav-tab-wrapper" aria-label="Settings sections">
        {TABS.map((t) => (
          <a key={t.id} href={tabHref(t)} class={`nav-tab${t === tab ? ' nav-tab-active' : ''}`} aria-current={t === tab ? 'page' : undefined}>
            {t.label}
          </a>
        ))}
      </nav>
      <Current />
    </div>
  );
}
