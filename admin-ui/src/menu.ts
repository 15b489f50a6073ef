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

/** A tab's address: the first tab is the page's own (`base`), the others add `?tab=`. The menu and TabbedPage link tabs alike. */
export function tabHref(base: string, tabIds: readonly string[], id: string): string {
  return id === tabIds[0] ? base : `${base}?tab=${encodeURIComponent(id)}`;
}

/** A page's tabs as submenu items. */
function tabItems(href: string, tabs: Array<[label: string, tab: string]>): SubmenuItem[] {
  const ids = tabs.map(([, tab]) => tab);
  return tabs.map(([label, tab]) => ({ label, tab, href: tabHref(href, ids, tab) }));
}

export const MENU: MenuItem[] = [
  { label: 'Dashboard', href: '/admin/', icon: 'dashboard', section: '/admin' },
  {
    label: 'Data Training',
    href: '/admin/training',
    icon: 'database',
    children: tabItems('/admin/training', [
      ['Sources', 'sources'],
      ['Training', 'training'],
      ['Test retrieval', 'retrieval'],
      ['Database Management', 'database'],
    ]),
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
    children: tabItems('/admin/settings', [
      ['API Configuration', 'api'],
      ['Notifications', 'notifications'],
      ['Account', 'account'],
      ['Export and import', 'export-import'],
    ]),
  },
];

export function isCurrent(item: MenuItem, path: string): boolean {
  const section = (item.section ?? item.href).replace(/\/+$/, '');
  if (section === '/admin') return path === '/admin';
  return path === section || path.startsWith(`${section}/`);
}
