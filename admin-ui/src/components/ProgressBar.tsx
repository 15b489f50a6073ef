interface Props {
  /** How far along, out of `max`; null while it is not known (the bar moves to and fro). */
  value: number | null;
  max?: number;
  /** The bar's name: a text, or the id of the element that names it. */
  label?: string;
  labelledBy?: string;
  /** What a screen reader says instead of a bare number: "3 of 4 steps done". */
  valueText?: string;
  /** More classes beside `progress`: `progress-large`. */
  class?: string;
}

/** A progress bar (role=progressbar) drawn as a filled track. */
export function ProgressBar({ value, max = 100, label, labelledBy, valueText, class: extra }: Props) {
  return (
    <div
      class={`progress${extra ? ` ${extra}` : ''}${value == null ? ' is-indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-labelledby={labelledBy}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={value ?? undefined}
      aria-valuetext={valueText}
    >
      <span style={value == null ? undefined : { width: `${max ? (value / max) * 100 : 0}%` }} />
    </div>
  );
}
