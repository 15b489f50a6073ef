// The admin's form-field kit, in the manner of Gutenberg's BaseControl: `Field` is one row of a WordPress
// "form-table" that ties the label, the control, the help text and the error together, so that the ids,
// aria-describedby and aria-invalid are wired in one place; the typed fields below are built on it.
import type { ComponentChildren } from 'preact';
import { PasswordInput } from './PasswordInput.js';

interface FieldProps {
  /** The visible label. A <label for> when `id` is given; otherwise plain text with `labelId` (for a group). */
  label: ComponentChildren;
  /** The control's id; the error and the help text get `${id}-error` and `${id}-description`. */
  id?: string;
  labelId?: string;
  /** For a group labelled by `labelId` (radios, a checkbox): the id whose `-error` and `-description` to use. */
  describes?: string;
  /** Help text under the control. */
  help?: ComponentChildren;
  /** The help text's id when it is not `${id}-description`. */
  helpId?: string;
  error?: string | null;
  children: ComponentChildren;
  class?: string;
}

/** One row of a WordPress "form-table": label on the left, control, error and help on the right (stacked when narrow). */
export function Field({ label, id, labelId, describes = id, help, helpId, error, children, class: extra }: FieldProps) {
  return (
    <div class={`form-row${extra ? ` ${extra}` : ''}`}>
      <div class="form-row-label">
        {id ? (
          <label for={id} id={labelId}>
            {label}
          </label>
        ) : (
          <span id={labelId} class="form-row-label-text">
            {label}
          </span>
        )}
      </div>
      <div class="form-row-field">
        {children}
        <FieldNotes errorId={describes && `${describes}-error`} error={error} help={help} helpId={helpId ?? (describes && `${describes}-description`)} />
      </div>
    </div>
  );
}

/** The aria attributes of a control inside a `Field` with the same id, error and help. */
export function fieldAria(id: string, error?: string | null, hasHelp = true, ...more: (string | false | null | undefined)[]) {
  return {
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': describedBy(error && `${id}-error`, ...more, hasHelp && `${id}-description`),
  };
}

/** Inline field error, linked from its input with aria-describedby. */
export function FieldError({ id, message, class: extra }: { id: string; message?: string | null; class?: string }) {
  if (!message) return null;
  return (
    <p class={extra ? `field-error ${extra}` : 'field-error'} id={id} role="alert">
      <span class="field-error-icon" aria-hidden="true">
        !
      </span>
      {message}
    </p>
  );
}

/** What goes under a control, in every kind of field: its error (when it has an `errorId`) and its help text. */
export function FieldNotes({ errorId, error, help, helpId }: { errorId?: string; error?: string | null; help?: ComponentChildren; helpId?: string }) {
  return (
    <>
      {errorId && <FieldError id={errorId} message={error} />}
      {help != null && (
        <p class="description" id={helpId}>
          {help}
        </p>
      )}
    </>
  );
}

/** Joins ids for aria-describedby, skipping empty ones. */
export function describedBy(...ids: (string | false | null | undefined)[]): string | undefined {
  const s = ids.filter(Boolean).join(' ');
  return s || undefined;
}

/** What a form hook's `bind(key)` gives a field: its id, value, change handler, error and disabled state. */
export interface FieldBinding<T> {
  id: string;
  value: T;
  onValue: (value: T) => void;
  error?: string | null;
  disabled?: boolean;
}

type Common<T> = FieldBinding<T> & { label: ComponentChildren; help?: ComponentChildren };

/**
 * A text control's side of its binding: id, value, what typing does and the disabled state, with its aria wiring
 * (`fieldAria` in a Field, `stackedAria` in a StackedField).
 */
export function boundText({ id, value, onValue, disabled }: FieldBinding<string>, aria: ReturnType<typeof fieldAria>) {
  return { id, value, onInput: (e: { currentTarget: { value: string } }) => onValue(e.currentTarget.value), ...aria, disabled };
}

/** The text attributes the screens set on their inputs and textareas. */
interface TextAttrs {
  maxLength?: number;
  placeholder?: string;
  spellcheck?: boolean;
  autoComplete?: string;
  autoCapitalize?: 'off' | 'none';
  inputMode?: 'text' | 'url' | 'email' | 'numeric' | 'decimal';
}

/** A text input (type text, url or email) in a Field. `class` is the input's width class. */
export function TextField(props: Common<string> & TextAttrs & { type?: 'text' | 'url' | 'email'; class?: string }) {
  const { label, help, id, value, onValue, error, disabled, type = 'text', class: cls = 'regular-text', ...rest } = props;
  return (
    <Field label={label} id={id} help={help} error={error}>
      {/* Cast: the JSX types only allow some attributes per input type; these types take the same ones. */}
      <input type={type as 'text'} class={`input ${cls}`} {...rest} {...boundText(props, fieldAria(id, error, help != null))} />
    </Field>
  );
}

/** A textarea in a Field; `footer` goes between the textarea and the error (a counter, "Restore default"). */
export function TextareaField(
  props: Common<string> &
    TextAttrs & {
      rows: number;
      class?: string;
      footer?: ComponentChildren;
      /** Another element describing the textarea (a counter), read between the error and the help. */
      describedById?: string;
    },
) {
  const { label, help, id, value, onValue, error, disabled, class: cls, footer, describedById, ...rest } = props;
  return (
    <Field label={label} id={id} help={help} error={error}>
      <textarea class={`input${cls ? ` ${cls}` : ''}`} {...rest} {...boundText(props, fieldAria(id, error, help != null, describedById))} />
      {footer}
    </Field>
  );
}

/**
 * A number typed as text (so "0.70" stays as typed) in a Field, with an optional unit before and after it.
 * Decimal steps get the decimal keyboard on phones.
 */
export function NumberField(
  props: Common<string> & { min: number; max: number; step?: number; width?: 'small' | 'tiny'; unit?: ComponentChildren; unitBefore?: ComponentChildren },
) {
  const { label, help, id, error, min, max, step = 1, width = 'small', unit, unitBefore } = props;
  const input = (
    <input
      type="number"
      class={`input ${width === 'tiny' ? 'tiny-text' : 'small-text'}`}
      min={min}
      max={max}
      step={step}
      inputMode={step < 1 ? 'decimal' : 'numeric'}
      {...boundText(props, fieldAria(id, error, help != null))}
    />
  );
  return (
    <Field label={label} id={id} help={help} error={error}>
      {unit != null || unitBefore != null ? (
        <span class="field-with-unit">
          {unitBefore != null && <span class="field-unit field-unit-before">{unitBefore}</span>}
          {input}
          {unit != null && <span class="field-unit">{unit}</span>}
        </span>
      ) : (
        input
      )}
    </Field>
  );
}

/** A select in a Field; the options are its children. */
export function SelectField({ label, help, id, value, onValue, error, disabled, children }: Common<string> & { children: ComponentChildren }) {
  return (
    <Field label={label} id={id} help={help} error={error}>
      <select
        id={id}
        class="input select"
        value={value}
        onChange={(e) => onValue(e.currentTarget.value)}
        {...fieldAria(id, error, help != null)}
        disabled={disabled}
      >
        {children}
      </select>
    </Field>
  );
}

/** A checkbox with its own text (`text`) in a Field whose row label names the setting. */
export function CheckboxField(props: Common<boolean> & { labelId: string; text: ComponentChildren }) {
  const { label, labelId, text, help, id, value, onValue, error, disabled } = props;
  return (
    <Field label={label} labelId={labelId} describes={id} help={help} error={error}>
      <label class="checkbox-option">
        <input
          type="checkbox"
          id={id}
          checked={value}
          onChange={(e) => onValue(e.currentTarget.checked)}
          {...fieldAria(id, error, help != null)}
          disabled={disabled}
        />
        <span>{text}</span>
      </label>
    </Field>
  );
}

/** A password (or secret) with a show/hide button in a Field. */
export function PasswordField(props: Common<string> & { autoComplete: string; placeholder?: string }) {
  const { label, help, id, value, onValue, error, disabled, autoComplete, placeholder } = props;
  return (
    <Field label={label} id={id} help={help} error={error}>
      <PasswordInput
        id={id}
        value={value}
        onInput={onValue}
        autoComplete={autoComplete}
        class="regular-text"
        invalid={!!error}
        describedBy={fieldAria(id, error, help != null)['aria-describedby']}
        disabled={disabled}
        placeholder={placeholder}
      />
    </Field>
  );
}
