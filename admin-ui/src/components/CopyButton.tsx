import { useEffect, useRef, useState } from 'preact/hooks';
import { Icon } from './Icon.js';

interface Props {
  /** The text to copy. */
  text: string;
  /** Id of a text field (input/textarea) holding the same text: selected when the clipboard is not available. */
  fallbackFieldId?: string;
  label?: string;
  class?: string;
}

/**
 * "Copy" button: navigator.clipboard when allowed (secure contexts), else the old execCommand('copy') on the
 * field's selection, else it selects the text and asks the admin to press Ctrl+C / ⌘C.
 */
export function CopyButton({ text, fallbackFieldId, label = 'Copy', class: extra }: Props) {
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
      let ok = false;
      try {
        ok = document.execCommand('copy');
      } catch {
        ok = false;
      }
      show(ok ? 'copied' : 'manual');
    } else {
      show('manual');
    }
  }

  return (
    <span class={`copy-button-wrap${extra ? ` ${extra}` : ''}`}>
      <button type="button" class="button" onClick={onCopy}>
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
