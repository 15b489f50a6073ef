// Small helpers for the settings forms (Chatbot, Widget): number parsing and "do this after the next render".
import { useLayoutEffect, useRef } from 'preact/hooks';

/** A whole number from the text of an input, or null when it is not one. */
export function parseIntStrict(text: string): number | null {
  const t = text.trim();
  return /^-?\d+$/.test(t) ? Number(t) : null;
}

/** A number (decimal point or comma) from the text of an input, or null when it is not one. */
export function parseDecimal(text: string): number | null {
  const t = text.trim().replace(',', '.');
  return /^-?(\d+\.?\d*|\.\d+)$/.test(t) ? Number(t) : null;
}

/** "Use a whole number from 1 to 120." unless the value is one. */
export function checkInt(text: string, min: number, max: number, message?: string): string | undefined {
  const n = parseIntStrict(text);
  if (n == null || n < min || n > max) return message ?? `Use a whole number from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}.`;
  return undefined;
}

export function checkDecimal(text: string, min: number, max: number, message: string): string | undefined {
  const n = parseDecimal(text);
  if (n == null || n < min || n > max) return message;
  return undefined;
}

/**
 * Focus moves and scrolls that must wait until the next render has put the element on the page. A layout
 * effect: they happen before the browser paints, so the page never shows a frame scrolled the old way.
 */
export function useAfterRender() {
  const next = useRef<(() => void) | null>(null);
  useLayoutEffect(() => {
    const f = next.current;
    next.current = null;
    f?.();
  });
  return (f: () => void) => {
    next.current = f;
  };
}

/** Focuses a form control by id and brings it into view. */
export function focusById(id: string | undefined) {
  if (!id) return;
  const el = document.getElementById(id);
  if (!el) return;
  el.focus({ preventScroll: true });
  el.scrollIntoView({ block: 'center' });
}
