import { type PageTab, TabbedPage } from '../components/TabbedPage.js';
import ApiConfiguration from './settings/ApiConfiguration.js';
import Account from './settings/Account.js';
import ExportImport from './settings/ExportImport.js';
import Notifications from './settings/notifications/Notifications.js';

// More tabs go here; the first one is the default (/admin/settings).
const TABS: PageTab[] = [
  { id: 'api', label: 'API Configuration', component: ApiConfiguration },
  { id: 'notifications', label: 'Notifications', component: Notifications },
  { id: 'account', label: 'Account', component: Account },
  { id: 'export-import', label: 'Export and import', component: ExportImport },
];

export default function SettingsPage() {
  return <TabbedPage title="Settings" base="/admin/settings" tabs={TABS} />;
}
