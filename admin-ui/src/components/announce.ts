// Feedback after an action, the WordPress way (wp.a11y.speak): two live regions that exist from page load,
// #a11y-speak-polite and #a11y-speak-assertive, receive the message; the notice on screen is not a live region
// itself and takes no focus. A failed save moves focus to the first field in error; anything else leaves focus
// where the admin was. The notice is scrolled fully into view, clear of the fixed admin bar (see
// `scroll-padding-top` in styles.css, which every scroll into view below relies on).
import { useRef, useState } from 'preact/hooks';
import { focusById, useAfterRender } from './form-helpers.js';
import type { NoticeType } from './Notice.js';

export type Politeness = 'polite' | 'assertive';

export const LIVE_REGION_IDS: Record<Politeness, string> = { polite: 'a11y-speak-polite', assertive: 'a11y-speak-assertive' };

let previousMessage = '';
/** The element that last had focus: focus goes back to it when disabling it during a save took focus away. */
let lastFocused: HTMLElement | null = null;

/** Adds the two live regions (once). They must be on the page before a message is written into them. */
export function setUpLiveRegions(): void {
  if (typeof document === 'undefined') return;
  for (const politeness of ['polite', 'assertive'] as const) {
    if (document.getElementById(LIVE_REGION_IDS[politeness])) continue;
    const region = document.createElement('div');
    region.id = LIVE_REGION_IDS[politeness];
    region.className = 'a11y-speak-region screen-reader-text';
    region.setAttribute('aria-live', politeness);
    region.setAttribute('aria-relevant', 'additions text');
    region.setAttribute('aria-atomic', 'true');
    document.body.appendChild(region);
  }
  if (!lastFocused) {
    document.addEventListener('focusin', (e) => {
      if (e.target instanceof HTMLElement && e.target !== document.body) lastFocused = e.target;
    });
    lastFocused = document.body;
  }
}

/** Says `message` to screen readers: errors assertively, everything else politely. */
export function speak(message: string, politeness: Politeness = 'polite'): void {
  setUpLiveRegions();
  for (const id of Object.values(LIVE_REGION_IDS)) document.getElementById(id)!.textContent = '';
  let text = message.replace(/\s+/g, ' ').trim();
  // The same words again are only read out when the region's text changes: WordPress adds a no-break space.
  if (text === previousMessage) text += '\u00A0';
  previousMessage = text;
  document.getElementById(LIVE_REGION_IDS[politeness])!.textContent = text;
}

/** Scrolls `el` into view when any part of it is hidden (under the admin bar, or off screen). */
export function revealElement(el: Element | null | undefined): void {
  if (!el) return;
  const box = el.getBoundingClientRect();
  const bar = document.querySelector('.adminbar')?.getBoundingClientRect().bottom ?? 0;
  if (box.top >= bar && box.bottom <= window.innerHeight) return;
  el.scrollIntoView({ block: box.height > window.innerHeight - bar ? 'start' : 'nearest' });
}

/**
 * Puts focus back where the admin was when it was lost to the page (a focused button or field is disabled
 * while saving, which blurs it). Never moves focus that is somewhere else on purpose.
 */
export function restoreFocus(): void {
  const active = document.activeElement;
  if (active && active !== document.body) return;
  const el = lastFocused;
  if (!el || el === document.body || !el.isConnected || (el as HTMLButtonElement).disabled) return;
  el.focus({ preventScroll: true });
}

export interface ActionNotice {
  type: NoticeType;
  message: string;
  /** More lines (shown under the message, and read out after it). */
  extra?: string[];
}

export function noticeText(n: ActionNotice): string {
  return [n.message, ...(n.extra ?? [])].join(' ');
}

/**
 * The notice a form or button shows after an action. `show()` puts it on screen, reads it out through the live
 * regions, and after the render either focuses `focus` (the first field in error) or keeps focus where it was
 * and scrolls the notice fully into view. Render it with `<Notice … live={false} noticeRef={noticeRef}>`.
 */
export function useActionNotice<E extends HTMLElement = HTMLDivElement>() {
  const [notice, setNotice] = useState<ActionNotice | null>(null);
  const noticeRef = useRef<E>(null);
  const afterRender = useAfterRender();

  /** `focus`: the id of the first field in error (or a function that focuses it). */
  function show(next: ActionNotice, focus?: string | (() => void) | null) {
    setNotice(next);
    speak(noticeText(next), next.type === 'error' ? 'assertive' : 'polite');
    afterRender(() => {
      if (focus) {
        if (typeof focus === 'function') focus();
        else focusById(focus);
        return;
      }
      restoreFocus();
      revealElement(noticeRef.current);
    });
  }

  return { notice, noticeRef, show, clear: () => setNotice(null) };
}
