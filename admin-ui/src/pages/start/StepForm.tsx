// What the steps of the guided start share: the one-field form three of them ask with (a label, the field and its
// button on one row, the field's error and what the field is for), and the green tick of a step's summary.
import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { FieldError, fieldAria } from '../../components/Field.js';
import { useAfterRender } from '../../components/form-helpers.js';
import { Icon } from '../../components/Icon.js';
import { PasswordInput } from '../../components/PasswordInput.js';

/** The field's text and error; `fail` puts a message on the field and focuses it (once it is enabled again). */
export function useStepField() {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const afterRender = useAfterRender();
  function fail(message: string) {
    setError(message);
    if (input.current?.disabled) afterRender(() => input.current?.focus());
    else input.current?.focus();
  }
  return { value, setValue, error, setError, input, fail };
}

interface Props {
  field: ReturnType<typeof useStepField>;
  id: string;
  label: string;
  button: string;
  busy: boolean;
  onSubmit: () => void;
  /** What the field is for, under it (`${id}-description`). */
  help: ComponentChildren;
  /** A secret: typed hidden, with a show/hide button naming it. */
  secret?: string;
  inputProps?: { placeholder: string; maxLength?: number; inputMode?: 'url'; autoComplete?: string; autoCapitalize?: 'off'; spellcheck?: boolean };
  /** Between the error and the help (a spinner, "Keep …"). */
  status?: ComponentChildren;
  /** After the help: what the submit brought. */
  children?: ComponentChildren;
}

export function StepForm({ field: f, id, label, button, busy, onSubmit, help, secret, inputProps, status, children }: Props) {
  const onInput = (v: string) => {
    f.setValue(v);
    if (f.error) f.setError(null);
  };
  const aria = fieldAria(id, f.error);
  return (
    <form
      class="qs-form"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
      noValidate
    >
      <label class="qs-label" for={id}>
        {label}
      </label>
      <div class="qs-field-row">
        {secret ? (
          <PasswordInput
            id={id}
            inputRef={f.input}
            value={f.value}
            onInput={onInput}
            autoComplete="off"
            placeholder={inputProps?.placeholder}
            invalid={!!f.error}
            describedBy={aria['aria-describedby']}
            disabled={busy}
            toggleNoun={secret}
          />
        ) : (
          <input
            id={id}
            ref={f.input}
            type="text"
            class="input"
            value={f.value}
            onInput={(e) => onInput(e.currentTarget.value)}
            {...inputProps}
            {...aria}
            disabled={busy}
          />
        )}
        <button type="submit" class="button button-primary" disabled={busy}>
          {button}
        </button>
      </div>
      <FieldError id={`${id}-error`} message={f.error} />
      {status}
      <p class="description" id={`${id}-description`}>
        {help}
      </p>
      {children}
    </form>
  );
}

/** The green tick before what a step has done. */
export function DoneIcon() {
  return <Icon name="check-circle" size={16} class="status-icon qs-ok" />;
}
