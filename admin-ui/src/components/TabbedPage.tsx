import type { ComponentType } from 'preact';
import { useLocation } from 'preact-iso';
import { tabHref } from '../menu.js';
import { useTitle } from './AdminLayout.js';

export interface PageTab {
  id: string;
  label: string;
  component: ComponentType;
}

/** A screen of WordPress nav-tabs (Settings, Data Training): `?tab=` picks the tab shown under them. */
export function TabbedPage({ title, base, tabs, class: extra }: { title: string; base: string; tabs: PageTab[]; class?: string }) {
  const { query } = useLocation();
  const tab = tabs.find((t) => t.id === query.tab) ?? tabs[0];
  useTitle(tab.label, title);
  const Current = tab.component;
  const ids = tabs.map((t) => t.id);

  return (
    <div class={extra ? `wrap ${extra}` : 'wrap'}>
      <h1>{title}</h1>
      <nav class="nav-tab-wrapper" aria-label={`${title} sections`}>
        {tabs.map((t) => (
          <a key={t.id} href={tabHref(base, ids, t.id)} class={`nav-tab${t === tab ? ' nav-tab-active' : ''}`} aria-current={t === tab ? 'page' : undefined}>
            {t.label}
          </a>
        ))}
      </nav>
      <Current key={tab.id} />
    </div>
  );
}
