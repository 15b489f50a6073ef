// The admin menu. To add a screen: add an entry here and a route in main.tsx.
export interface SubmenuItem {
  label: string;
  href: string;
  /** The `tab` query value this entry stands for (the first entry is the default tab). */
  tab?: string;
}

export interface MenuItem {
  label: string;
  href: string;
  icon: string;
  /** Path prefix that makes this item current (default: href). */
  section?: string;
  children?: SubmenuItem[];
}

export const MENU: MenuItem[] = [
  { label: 'Dashboard', href: '/admin/', icon: 'dashboard', section: '/admin' },
  {
    label: 'Data Training',
    href: '/admin/training',
    icon: 'database',
    children: [
      { label: 'Sources', href: '/admin/training', tab: 'sources' },
      { label: 'Training', href: '/admin/training?tab=training', tab: 'training' },
      { label: 'Test retrieval', href: '/admin/training?tab=retrieval', tab: 'retrieval' },
      { label: 'Database Management', href: '/admin/training?tab=database', tab: 'database' },
    ],
  },
  { label: 'Chatbot', href: '/admin/chatbot', icon: 'chatbot' },
  { label: 'Widget', href: '/admin/widget', icon: 'widget' },
  { label: 'Conversations', href: '/admin/conversations', icon: 'conversations' },
  { label: 'Leads', href: '/admin/leads', icon: 'leads' },
  { label: 'Playground', href: '/admin/playground', icon: 'playground' },
  {
    label: 'Settings',
    href: '/admin/settings',
    icon: 'settings',
    children: [
      { label: 'API Configuration', href: '/admin/settings', tab: 'api' },
      { label: 'Notifications', href: '/admin/settings?tab=notifications', tab: 'notifications' },
      { label: 'Account', href: '/admin/settings?tab=account', tab: 'account' },
      { label: 'Export and import', href: '/admin/settings?tab=export-import', tab: 'export-import' },
    ],
  },
];

export function isCurrent(item: MenuItem, path: string): boolean {
  const section = (item.section ?? item.href).replace(/\/+$/, '');
  if (section === '/admin') return path === '/admin';
  return path === section || path.startsWith(`${section}/`);
}
