import { useState } from 'preact/hooks';
import type { FieldBinding } from './Field.js';

/**
 * The values (as typed) and errors of a small form, with `bind(key)` to wire a field in one line:
 * `<UrlField label="Site URL" {...bind('siteUrl')} />`. Typing into a field clears its error.
 */
export function useFields<F extends Record<string, string>>(initial: F, idOf: (key: keyof F & string) => string, disabled = false) {
  const [values, setValues] = useState<F>(initial);
  const [errors, setErrors] = useState<Partial<Record<keyof F, string>>>({});

  function set(patch: Partial<F>) {
    setValues((v) => ({ ...v, ...patch }));
    setErrors((e) => ({ ...e, ...Object.fromEntries(Object.keys(patch).map((k) => [k, undefined])) }));
  }

  function bind<K extends keyof F & string>(key: K): FieldBinding<F[K]> {
    return { id: idOf(key), value: values[key], onValue: (value) => set({ [key]: value } as unknown as Partial<F>), error: errors[key], disabled };
  }

  return { values, setValues, set, errors, setErrors, bind };
}
