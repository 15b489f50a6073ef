// The save flow shared by the settings screens (Chatbot, Widget, Notifications, API Configuration): load, edit as typed text, check in the
// browser and focus the first problem, PUT, then put the server's field errors back on their fields.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../api.js';
import { useResource } from '../hooks.js';
import { useActionNotice, type ActionNotice } from './announce.js';
import { useAfterRender } from './form-helpers.js';
import { useUnsavedChanges } from './unsaved-changes.js';
import type { FieldBinding } from './Field.js';

export type FieldErrors<K extends string> = Partial<Record<K, string>>;

/** Where the server's messages go: on a field, on a section of the page, or listed in the notice. */
export interface ServerErrorPlacement<K extends string> {
  fields: FieldErrors<K>;
  sections?: Record<string, string>;
  extra?: string[];
}

export interface SettingsFormOptions<V, F, K extends string> {
  url: string;
  fromView: (view: V) => F;
  /** Browser-side checks, with the same messages as the server. */
  validate: (form: F) => FieldErrors<K>;
  toBody: (form: F) => unknown;
  /** Fields top to bottom, to focus the first one in error. */
  order: readonly K[];
  fieldId: (key: K) => string;
  savedMessage: string;
  placeServerErrors: (fields: Record<string, string>) => ServerErrorPlacement<K>;
  /** Whether saving would store something else (default: the request bodies of the form and of the saved settings differ). */
  isDirty?: (form: F, saved: V) => boolean;
  /** Focuses a field in error (default: the control with the field's id). */
  focus?: (key: K) => void;
  /** The notice when the server refused fields (default: "Settings not saved: " and the server's message). */
  fieldErrorsMessage?: (serverMessage: string) => string;
  /** Runs after a save with the settings before it; what it returns is added under the saved message. */
  onSaved?: (next: V, previous: V) => string[] | undefined;
}

export type SettingsNotice = ActionNotice;

export function useSettingsForm<V, F, K extends string>(options: SettingsFormOptions<V, F, K>) {
  const { order, fieldId } = options;
  const resource = useResource<V>(options.url);
  const [saved, setSaved] = useState<V | null>(null);
  const [form, setForm] = useState<F | null>(null);
  const [errors, setErrors] = useState<FieldErrors<K>>({});
  const [sectionErrors, setSectionErrors] = useState<Record<string, string>>({});
  const { notice, noticeRef, show: showNotice, clear: dismissNotice } = useActionNotice();
  const [saving, setSaving] = useState(false);
  const afterRender = useAfterRender();

  useEffect(() => {
    if (resource.data && !saved) {
      setSaved(resource.data);
      setForm(options.fromView(resource.data));
    }
  }, [resource.data]);

  // Changed means: saving would store something else (so "0.70" for a saved 0.7 is not a change).
  const dirty =
    !!saved &&
    !!form &&
    (options.isDirty ? options.isDirty(form, saved) : JSON.stringify(options.toBody(form)) !== JSON.stringify(options.toBody(options.fromView(saved))));
  useUnsavedChanges(dirty);

  /** What the notice focuses for a field in error. */
  const focusTarget = (k: K | undefined) => (k && options.focus ? () => options.focus!(k) : k && fieldId(k));

  /** Sets fields and clears the errors of `keys` (by default the fields set). */
  function update(patch: Partial<F>, keys = Object.keys(patch) as K[]) {
    setForm((f) => (f ? { ...f, ...patch } : f));
    setErrors((e) => {
      if (!keys.some((k) => e[k])) return e;
      const next = { ...e };
      for (const k of keys) delete next[k];
      return next;
    });
  }

  /** Puts `message` on one field, or takes its error away. */
  function setFieldError(k: K, message: string | undefined) {
    setErrors((e) => {
      const next: FieldErrors<K> = { ...e };
      if (message) next[k] = message;
      else delete next[k];
      return next;
    });
  }

  /** Binds a field in one line: `<NumberField label="Top k" {...bind('topK')} … />`. */
  function bind<Key extends K & keyof F>(k: Key): FieldBinding<F[Key]> {
    return {
      id: fieldId(k),
      value: form![k],
      onValue: (value) => update({ [k]: value } as unknown as Partial<F>),
      error: errors[k],
      disabled: saving,
    };
  }

  async function onSave(e: Event) {
    e.preventDefault();
    if (saving || !form) return;
    const found = options.validate(form);
    setSectionErrors({});
    const firstFound = order.find((k) => found[k]);
    if (firstFound) {
      setErrors(found);
      showNotice({ type: 'error', message: 'Please correct the highlighted fields.' }, focusTarget(firstFound));
      return;
    }
    setSaving(true);
    dismissNotice();
    try {
      const previous = saved!;
      const next = await api.put<V>(options.url, options.toBody(form));
      setSaved(next);
      setForm(options.fromView(next));
      setErrors({});
      showNotice({ type: 'success', message: options.savedMessage, extra: options.onSaved?.(next, previous) });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return; // the session is gone: the login screen takes over
      if (err instanceof ApiError && Object.keys(err.fields).length) {
        const placed = options.placeServerErrors(err.fields);
        setErrors(placed.fields);
        setSectionErrors(placed.sections ?? {});
        const first = order.find((k) => placed.fields[k]);
        const message = options.fieldErrorsMessage ? options.fieldErrorsMessage(err.message) : `Settings not saved: ${err.message}`;
        showNotice({ type: 'error', message, extra: placed.extra }, focusTarget(first));
      } else {
        showNotice({ type: 'error', message: `Settings not saved: ${errorMessage(err)}` });
      }
    } finally {
      setSaving(false);
    }
  }

  return {
    resource,
    saved,
    /** Sets the saved settings without touching the form (a key removed, a status refreshed). */
    setSaved,
    form,
    errors,
    sectionErrors,
    notice,
    noticeRef,
    saving,
    dirty,
    update,
    setFieldError,
    bind,
    onSave,
    afterRender,
    showNotice,
    dismissNotice,
  };
}
