import type { ComponentChildren, Ref } from 'preact';
import { type FieldBinding, FieldNotes, boundText, describedBy } from './Field.js';
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
      <FieldNotes errorId={`${id}-error`} error={error} help={help} helpId={`${id}-help`} />
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

type InputProps = FieldBinding<string> & {
  label: ComponentChildren;
  help?: string;
  /** The field's classes beside `field`. */
  class?: string;
  /** The input's classes beside `input`: `code`, `small-number`. */
  inputClass?: string;
  type?: 'text' | 'url' | 'number';
  placeholder?: string;
  min?: number;
  max?: number;
  step?: 'any';
  spellcheck?: boolean;
  autoComplete?: string;
  inputRef?: Ref<HTMLInputElement>;
};

/** An input in a `StackedField`, wired to its label, error and help. */
export function StackedInput({ label, help, class: extra, inputClass, id, value, onValue, error, disabled, inputRef, type = 'text', ...attrs }: InputProps) {
  return (
    <StackedField label={label} id={id} error={error} help={help} class={extra}>
      <input
        ref={inputRef}
        type={type as 'text'}
        class={inputClass ? `input ${inputClass}` : 'input'}
        {...attrs}
        {...boundText({ id, value, onValue, disabled }, stackedAria(id, error, help != null))}
      />
    </StackedField>
  );
}

/** A textarea in a `StackedField`. */
export function StackedTextarea(props: FieldBinding<string> & { label: ComponentChildren; help?: string; rows: number; code?: boolean; placeholder?: string }) {
  const { label, help, id, error, rows, code, placeholder } = props;
  return (
    <StackedField label={label} id={id} error={error} help={help}>
      <textarea
        class={code ? 'input code' : 'input'}
        rows={rows}
        placeholder={placeholder}
        spellcheck={code ? false : undefined}
        {...boundText(props, stackedAria(id, error, help != null))}
      />
    </StackedField>
  );
}
