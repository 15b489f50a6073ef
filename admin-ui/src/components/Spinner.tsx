export function Spinner({ label, class: extra }: { label?: string; class?: string }) {
  return (
    <span class={`spinner-wrap${extra ? ` ${extra}` : ''}`}>
      <span class="spinner" aria-hidden="true" />
      {label && <span class="spinner-label">{label}</span>}
    </span>
  );
}

/** Placeholder shown while a page's data loads: keeps the space of a postbox so nothing jumps. */
export function LoadingBox({ label, minHeight = 160 }: { label: string; minHeight?: number }) {
  return (
    <div class="postbox loading-box" style={{ minHeight: `${minHeight}px` }} role="status" aria-live="polite">
      <Spinner label={label} />
    </div>
  );
}
