import type { ComponentChildren } from 'preact';

interface Props {
  /** The visible label. A <label for> when `htmlFor` is given; otherwise plain text with `labelId`. */
  label: ComponentChildren;
  htmlFor?: string;
  labelId?: string;
  children: ComponentChildren;
  class?: string;
}

/** One row of a WordPress "form-table": label on the left, field on the right (stacked when narrow). */
export function FormRow({ label, htmlFor, labelId, children, class: extra }: Props) {
  return (
    <div class={`form-row${extra ? ` ${extra}` : ''}`}>
      <div class="form-row-label">
        {htmlFor ? (
          <label for={htmlFor} id={labelId}>
            {label}
          </label>
        ) : (
          <span id={labelId} class="form-row-label-text">
            {label}
          </span>
        )}
      </div>
      <div class="form-row-field">{children}</div>
    </div>
  );
}

/** Inline field error, linked from its input with aria-describedby. */
export function FieldError({ id, message }: { id: string; message?: string | null }) {
  if (!message) return null;
  return (
    <p class="field-error" id={id} role="alert">
      <span class="field-error-icon" aria-hidden="true">
        !
      </span>
      {message}
    </p>
  );
}

/** Joins ids for aria-describedby, skipping empty ones. */
export function describedBy(...ids: (string | false | null | undefined)[]): string | undefined {
  const s = ids.filter(Boolean).join(' ');
  return s || undefined;
}

/**
 * The error, description and aria wiring of a settings form's fields: field `k`'s error is
 * `${base(k)}-error`, its description `${base(k)}-description`, and its control points at both.
 */
export function fieldMessages<K extends string>(base: (k: K) => string, errors: Partial<Record<K, string>>) {
  return {
    err: (k: K) => <FieldError id={`${base(k)}-error`} message={errors[k]} />,
    desc: (k: K, text: ComponentChildren) => (
      <p class="description" id={`${base(k)}-description`}>
        {text}
      </p>
    ),
    aria: (k: K) => ({
      'aria-invalid': errors[k] ? ('true' as const) : undefined,
      'aria-describedby': describedBy(errors[k] && `${base(k)}-error`, `${base(k)}-description`),
    }),
  };
}
