import type { ComponentChildren } from 'preact';
import { Field } from './Field.js';

export interface RadioChoice<T extends string> {
  value: T;
  /** The radio's id, for a Field's label and error and for focus. */
  id?: string;
  title: ComponentChildren;
  description?: ComponentChildren;
  /** The description's id: the radio is described by it. */
  descriptionId?: string;
}

interface Props<T extends string> {
  name: string;
  value: T;
  onValue: (value: T) => void;
  choices: RadioChoice<T>[];
  disabled?: boolean;
  /** More classes for the fieldset, beside `radio-group` (`radio-inline` puts the choices on one line). */
  class?: string;
  labelledBy?: string;
  describedBy?: string;
  /** A name for screen readers when no visible label names the group. */
  legend?: string;
}

/** A WordPress radio group: one fieldset, each choice a title with an optional description under it. */
export function RadioGroup<T extends string>({ name, value, onValue, choices, disabled, class: extra, labelledBy, describedBy, legend }: Props<T>) {
  return (
    <fieldset class={extra ? `radio-group ${extra}` : 'radio-group'} aria-labelledby={labelledBy} aria-describedby={describedBy}>
      {legend && <legend class="screen-reader-text">{legend}</legend>}
      {choices.map((c) => (
        <label class="radio-option" key={c.value}>
          <input
            type="radio"
            name={name}
            id={c.id}
            value={c.value}
            checked={value === c.value}
            onChange={() => onValue(c.value)}
            disabled={disabled}
            aria-describedby={c.descriptionId}
          />
          <span>
            <span class="radio-title">{c.title}</span>
            {c.description != null && (
              <span class="description" id={c.descriptionId}>
                {c.description}
              </span>
            )}
          </span>
        </label>
      ))}
    </fieldset>
  );
}

/** A radio group in a form row: the row's label names the group; its error and help use `describes` (the first radio's id). */
export function RadioField<T extends string>({
  label,
  labelId,
  describes,
  error,
  help,
  helpId,
  children,
  ...group
}: Omit<Props<T>, 'labelledBy'> & {
  label: ComponentChildren;
  labelId: string;
  describes: string;
  error?: string | null;
  help?: ComponentChildren;
  helpId?: string;
  /** Shown under the radios (a field the chosen option needs). */
  children?: ComponentChildren;
}) {
  return (
    <Field label={label} labelId={labelId} describes={describes} error={error} help={help} helpId={helpId}>
      <RadioGroup {...group} labelledBy={labelId} />
      {children}
    </Field>
  );
}
