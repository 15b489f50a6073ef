import type { ComponentChildren } from 'preact';
import { FieldError, describedBy } from './Field.js';
import './StackedField.css';

interface Props {
  label: ComponentChildren;
  /** The control's id; the error and the help text get `${id}-error` and `${id}-help`. */
  id: string;
  help?: ComponentChildren;
  error?: string | null;
  /** More classes beside `field`: `field-grow` in a `field-row`. */
  class?: string;
  children: ComponentChildren;
}

/**
 * A field with its label above the control, for narrow panels and a row of search fields (`Field` is the
 * form-table row with the label beside it). The control takes `stackedAria(id, error, hasHelp)`.
 */
export function StackedField({ label, id, help, error, class: extra, children }: Props) {
  return (
    <div class={extra ? `field ${extra}` : 'field'}>
      <label for={id}>{label}</label>
      {children}
      <FieldError id={`${id}-error`} message={error} />
      {help != null && (
        <p class="description" id={`${id}-help`}>
          {help}
        </p>
      )}
    </div>
  );
}

/** The aria attributes of the control in a `StackedField` with the same id, error and help. */
export function stackedAria(id: string, error?: string | null, hasHelp = false) {
  return {
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': describedBy(error && `${id}-error`, hasHelp && `${id}-help`),
  };
}
