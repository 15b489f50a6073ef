import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { Icon } from './Icon.js';
import { MENU, isCurrent } from '../menu.js';
import { logOut } from '../session.js';
import { errorMessage } from '../api.js';
import { Notice } from './Notice.js';
import { confirmLeave } from './unsaved-changes.js';
import { speak } from './announce.js';

/** WordPress-like frame: dark admin bar on top, dark menu on the left, grey content area. */
export function AdminLayout({ children, loading }: { children: ComponentChildren; loading?: boolean }) {
  const { path, query } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const [loggingOut, setLoggingOut] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);

  // Close the mobile menu after navigating.
  useEffect(() => setMenuOpen(false), [path, query.tab]);

  useEffect(() => {
    if (!menuOpen) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setMenuOpen(false);
        menuButton.current?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [menuOpen]);

  const [logoutError, setLogoutError] = useState<string | null>(null);

  async function onLogout() {
    if (!confirmLeave()) return;
    setLoggingOut(true);
    setLogoutError(null);
    try {
      await logOut();
    } catch (err) {
      setLoggingOut(false);
      setLogoutError(`Could not log out: ${errorMessage(err)}`);
      speak(`Could not log out: ${errorMessage(err)}`, 'assertive');
    }
  }

  return (
    <div class={`admin${menuOpen ? ' menu-open' : ''}`}>
      <a class="skip-link" href="#main">
        Skip to main content
      </a>
      <header class="adminbar">
        <button
          ref={menuButton}
          type="button"
          class="adminbar-menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="adminmenu"
          onClick={() => setMenuOpen((o) => !o)}
        >
          <Icon name={menuOpen ? 'close' : 'menu'} />
          <span class="screen-reader-text">Menu</span>
        </button>
        <a class="adminbar-brand" href="/admin/">
          <Icon name="logo" />
          <span>Docent</span>
        </a>
        {loading && <span class="spinner adminbar-loading" role="status" aria-label="Loading page" />}
        <button type="button" class="adminbar-logout" onClick={onLogout} disabled={loggingOut}>
          <Icon name="logout" size={16} />
          <span>{loggingOut ? 'Logging out…' : 'Log out'}</span>
        </button>
      </header>
      <div class="admin-body">
        <nav id="adminmenu" class="adminmenu" aria-label="Main menu">
          <ul class="adminmenu-list">
            {MENU.map((item) => {
              const current = isCurrent(item, path);
              return (
                <li key={item.href} class={`adminmenu-item${current ? ' is-current' : ''}`}>
                  <a href={item.href} class="adminmenu-link" aria-current={current && !item.children ? 'page' : undefined}>
                    <Icon name={item.icon} />
                    <span>{item.label}</span>
                  </a>
                  {item.children && current && (
                    <ul class="adminmenu-sub">
                      {item.children.map((sub, i) => {
                        const subCurrent = (query.tab ?? item.children![0].tab) === sub.tab || (!sub.tab && i === 0);
                        return (
                          <li key={sub.label} class={subCurrent ? 'is-current' : undefined}>
                            <a href={sub.href} aria-current={subCurrent ? 'page' : undefined}>
                              {sub.label}
                            </a>
                          </li>
                        );
                      })}
                    </ul>
                  )}
                </li>
              );
            })}
          </ul>
        </nav>
        {menuOpen && <div class="adminmenu-backdrop" onClick={() => setMenuOpen(false)} />}
        <main id="main" class="admin-content" tabIndex={-1}>
          {logoutError && (
            <Notice type="error" onDismiss={() => setLogoutError(null)} live={false}>
              <p>{logoutError}</p>
            </Notice>
          )}
          {children}
        </main>
      </div>
    </div>
  );
}

/** Sets the browser tab title, WordPress style: "API Configuration ‹ Settings ‹ Docent".
 * A layout effect, so the title changes in the same commit as the screen it names (a deferred effect left the old
 * title showing beside the new screen for a frame, which a screen reader or a quick bookmark can catch). */
export function useTitle(...parts: string[]) {
  const title = [...parts, 'Docent'].join(' ‹ ');
  useLayoutEffect(() => {
    document.title = title;
  }, [title]);
}
