// Unsaved changes: while a form on the screen holds changes that saving would store, leaving asks first.
// In-app links and Back/Forward go through preact-iso's router, so they are checked here before it sees them;
// reloading, closing the tab or leaving the admin is the browser's own "Leave site?" (beforeunload).
// Every form screen calls useUnsavedChanges(dirty); Log out asks through confirmLeave().
import { useLayoutEffect, useRef } from 'preact/hooks';

export const LEAVE_MESSAGE = 'Leave this screen? Your changes have not been saved and will be lost.';

/** The forms with unsaved changes right now (one token per mounted form). */
const dirtyForms = new Set<object>();
/** The address of the screen on display: where Back/Forward returns to when the admin chooses to stay. */
let shownUrl = '';

const here = () => location.pathname + location.search;

export function hasUnsavedChanges(): boolean {
  return dirtyForms.size > 0;
}

/** True when there is nothing to lose, or the admin confirms leaving without saving. */
export function confirmLeave(): boolean {
  return !hasUnsavedChanges() || window.confirm(LEAVE_MESSAGE);
}

/** A click on a link the router would follow inside the admin (the same rules as preact-iso's). */
function routedLink(e: MouseEvent): HTMLAnchorElement | null {
  if (e.button !== 0 || e.ctrlKey || e.metaKey || e.altKey || e.shiftKey) return null;
  const link = e.composedPath().find((el): el is HTMLAnchorElement => el instanceof HTMLAnchorElement && !!el.href);
  if (!link || link.origin !== location.origin || link.download || !/^(_?self)?$/i.test(link.target)) return null;
  const href = link.getAttribute('href') ?? '';
  // Other pages of this server are a real page load: the browser's beforeunload prompt covers them.
  if (href.startsWith('#') || !href.startsWith('/admin')) return null;
  return link;
}

// Capture phase on the document: runs before the router's click listener on window.
function onClick(e: MouseEvent) {
  const link = routedLink(e);
  if (!link || link.pathname + link.search === here()) return;
  if (confirmLeave()) return;
  e.preventDefault();
  e.stopPropagation();
}

// Listening from the start (this module loads before the router is set up) puts this listener before the
// router's: the router re-renders between the two and would unmount the form before it could ask.
function onPopState(e: PopStateEvent) {
  if (here() === shownUrl || confirmLeave()) return;
  e.stopImmediatePropagation();
  // The address bar already moved: put it back on the screen that stays.
  history.pushState(null, '', shownUrl);
}

if (typeof window !== 'undefined') window.addEventListener('popstate', onPopState, true);

function onBeforeUnload(e: BeforeUnloadEvent) {
  e.preventDefault();
  // Older browsers show the prompt only when returnValue is set.
  e.returnValue = '';
}

function listen(on: boolean) {
  const method = on ? 'addEventListener' : 'removeEventListener';
  document[method]('click', onClick as EventListener, true);
  // Only while there is something to lose: a beforeunload listener keeps the page out of the back/forward cache.
  window[method]('beforeunload', onBeforeUnload as EventListener);
}

/**
 * Asks before the admin leaves the screen while `dirty` (the form differs from what is saved). No prompt once
 * it is saved or put back as it was.
 */
export function useUnsavedChanges(dirty: boolean): void {
  const token = useRef({}).current;
  // Layout effects: registered as soon as the change is on screen, before the admin can click anything.
  useLayoutEffect(() => {
    shownUrl = here();
  });
  useLayoutEffect(() => {
    if (!dirty) return;
    if (dirtyForms.size === 0) listen(true);
    dirtyForms.add(token);
    return () => {
      dirtyForms.delete(token);
      if (dirtyForms.size === 0) listen(false);
    };
  }, [dirty]);
}
