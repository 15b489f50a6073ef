import { useLayoutEffect, useRef } from 'preact/hooks';

interface Props {
  id: string;
  value: string;
  class?: string;
  describedBy?: string;
}

/**
 * A read-only value to copy (an address, the embed snippet): it wraps and grows to show all of itself at any
 * width, where a one-line input would cut it off on a phone. Focusing it selects it all.
 */
export function ReadOnlyField({ id, value, class: extra, describedBy }: Props) {
  const ref = useRef<HTMLTextAreaElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const fit = () => {
      el.style.height = 'auto';
      el.style.height = `${el.scrollHeight + el.offsetHeight - el.clientHeight}px`;
    };
    fit();
    // Narrower (a phone turned, the window resized): more lines.
    const observer = new ResizeObserver(fit);
    observer.observe(el);
    return () => observer.disconnect();
  }, [value]);
  return (
    <textarea
      id={id}
      ref={ref}
      class={`input code read-only-field${extra ? ` ${extra}` : ''}`}
      readOnly
      rows={1}
      value={value}
      spellcheck={false}
      aria-describedby={describedBy}
      onFocus={(e) => e.currentTarget.select()}
    />
  );
}
