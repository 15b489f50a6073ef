// A form-table's rows as data: `kind` picks the kit field, `key` binds it to the form through the screen's `bind`
// (id, value, change, error, disabled), and the rest are that field's own props. A row that is not data (a note, a
// field with its own markup) is drawn as it is, in its place.
import type { ComponentChildren, ComponentProps, JSX } from 'preact';
import { CheckboxField, type FieldBinding, NumberField, PasswordField, SelectField, TextareaField, TextField } from './Field.js';
import { Notice } from './Notice.js';
import { Postbox } from './Postbox.js';
import { RadioField } from './RadioGroup.js';

type Unbound<P> = Omit<P, keyof FieldBinding<unknown>>;

export type FieldRow<K extends string> =
  | ({ kind: 'text'; key: K } & Unbound<ComponentProps<typeof TextField>>)
  | ({ kind: 'textarea'; key: K } & Unbound<ComponentProps<typeof TextareaField>>)
  | ({ kind: 'number'; key: K } & Unbound<ComponentProps<typeof NumberField>>)
  | ({ kind: 'password'; key: K } & Unbound<ComponentProps<typeof PasswordField>> & { disabled?: boolean })
  | ({ kind: 'checkbox'; key: K } & Unbound<ComponentProps<typeof CheckboxField>>)
  | ({ kind: 'select'; key: K; options: [value: string, label: string][] } & Omit<Unbound<ComponentProps<typeof SelectField>>, 'children'>)
  // The radios' error and help are keyed to `describes`: by default the bound id, the first radio's.
  | ({ kind: 'radio'; key: K; onValue?: (value: any) => void; describes?: string } & Omit<
      ComponentProps<typeof RadioField<string>>,
      'value' | 'onValue' | 'disabled' | 'describes'
    >)
  | JSX.Element
  | false
  | null
  | undefined;

/** The rows of `rows`, each data row bound to its field of the form. */
export function FieldRows<K extends string>({ rows, bind }: { rows: FieldRow<K>[]; bind: (key: K) => FieldBinding<any> }) {
  return (
    <>
      {rows.map((row) => {
        if (!row || !('kind' in row)) return row;
        const { kind, key, ...props } = row;
        const bound = { ...bind(key), ...props } as any;
        switch (kind) {
          case 'text':
            return <TextField key={key} {...bound} />;
          case 'textarea':
            return <TextareaField key={key} {...bound} />;
          case 'number':
            return <NumberField key={key} {...bound} />;
          case 'password':
            return <PasswordField key={key} {...bound} />;
          case 'checkbox':
            return <CheckboxField key={key} {...bound} />;
          case 'select':
            return (
              <SelectField key={key} {...bound}>
                {(props as { options: [string, string][] }).options.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </SelectField>
            );
          case 'radio':
            return <RadioField key={key} describes={bound.id} {...bound} />;
        }
      })}
    </>
  );
}

/** A settings box: its heading and its rows. */
export interface FieldBox<K extends string> {
  id: string;
  title: ComponentChildren;
  /** The server's message for this part of the form that no field took. */
  error?: string;
  rows: FieldRow<K>[];
}

/** A settings screen's boxes, one Postbox each, their rows bound to the form. */
export function FieldBoxes<K extends string>({ boxes, bind }: { boxes: FieldBox<K>[]; bind: (key: K) => FieldBinding<any> }) {
  return (
    <>
      {boxes.map((box) => (
        <Postbox key={box.id} id={box.id} title={box.title} body="inside form-table">
          {box.error && (
            <Notice type="error" inline live={false}>
              <p>{box.error}</p>
            </Notice>
          )}
          <FieldRows rows={box.rows} bind={bind} />
        </Postbox>
      ))}
    </>
  );
}
