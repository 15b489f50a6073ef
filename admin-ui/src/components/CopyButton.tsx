import { useEffect, useRef, useState } from 'preact/hooks';
import { Icon } from './Icon.js';

interface Props {
  /** The text to copy. */
  text: string;
  /** Id of a text field (input/textarea) holding the same text: selected when the clipboard is not available. */
  fallbackFieldId?: string;
  /** The button's visible text. */
  label?: string;
  /** The button's name for screen readers when the visible "Copy" alone would be ambiguous on the screen. */
  accessibleName?: string;
  class?: string;
}

/**
 * "Copy" button: navigator.clipboard when allowed (secure contexts), else the old execCommand('copy') on the
 * field's selection (or on a hidden copy of the text when there is no field), else it selects the field and asks
 * the admin to press Ctrl+C / ⌘C.
 */
export function CopyButton({ text, fallbackFieldId, label = 'Copy', accessibleName, class: extra }: Props) {
  const [state, setState] = useState<'idle' | 'copied' | 'manual'>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  function show(next: 'copied' | 'manual') {
    setState(next);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setState('idle'), next === 'copied' ? 2500 : 8000);
  }

  function selectField(): boolean {
    const el = fallbackFieldId ? (document.getElementById(fallbackFieldId) as HTMLInputElement | HTMLTextAreaElement | null) : null;
    if (!el) return false;
    el.focus();
    el.select();
    return true;
  }

  async function onCopy() {
    try {
      if (!navigator.clipboard?.writeText) throw new Error('no clipboard');
      await navigator.clipboard.writeText(text);
      show('copied');
      return;
    } catch {
      /* fall back below */
    }
    if (selectField()) {
      show(execCopy() ? 'copied' : 'manual');
    } else {
      show(copyThroughHiddenField(text) ? 'copied' : 'manual');
    }
  }

  return (
    <span class={`copy-button-wrap${extra ? ` ${extra}` : ''}`}>
      <button type="button" class="button" onClick={onCopy} aria-label={accessibleName}>
        <Icon name={state === 'copied' ? 'check' : 'copy'} size={16} />
        {state === 'copied' ? 'Copied' : label}
      </button>
      <span class="copy-status" role="status">
        {state === 'copied' && 'Copied to the clipboard.'}
        {state === 'manual' && 'Copying is blocked here: the text is selected, press Ctrl+C (⌘C on a Mac).'}
      </span>
    </span>
  );
}

function execCopy(): boolean {
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  }
}

/** Plain http has no clipboard API: copy from a hidden, off-screen field holding the text. */
function copyThroughHiddenField(text: string): boolean {
  const field = document.createElement('textarea');
  field.value = text;
  field.setAttribute('readonly', '');
  field.style.position = 'fixed';
  field.style.opacity = '0';
  document.body.appendChild(field);
  field.select();
  const ok = execCopy();
  field.remove();
  return ok;
}
