// Settings → API Configuration: the connection (provider, base URL, key, low-balance warning) and the models.
// GET/PUT /api/admin/settings/api. This file holds the form's state and its save, test and remove flows; the
// sections in ./api-configuration/ draw it.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../api.js';
import { FormNotice } from '../../components/Notice.js';
import { TabLoadState } from '../../components/PageLoadState.js';
import { SubmitRow } from '../../components/SubmitRow.js';
import { useSettingsForm } from '../../components/useSettingsForm.js';
import { endpointName } from '../../format.js';
import type { ApiSettings, KeyTestResult, Provider } from '../../types.js';
import { ConnectionSection } from './api-configuration/ConnectionSection.js';
import { ModelsSection } from './api-configuration/ModelsSection.js';
import {
  type Errors,
  FIELD_IDS,
  FIELD_ORDER,
  type FormState,
  STATUS_FIELDS,
  type SectionProps,
  type TestState,
  fromSettings,
  reasoningOf,
  sameForm,
  toBody,
  validate,
  validateBaseUrl,
  validateKey,
} from './api-configuration/form.js';
import { useCatalog } from './api-configuration/useCatalog.js';

/** Focuses the first of these controls that is on the page. */
function focusFirst(...ids: string[]) {
  for (const id of ids) {
    const el = document.getElementById(id);
    if (el) return el.focus();
  }
}

/** Focuses a field in error: the provider's is the checked radio. */
function focusField(field: keyof Errors | undefined) {
  if (field === 'provider') (document.querySelector('input[name="provider"]:checked') as HTMLInputElement | null)?.focus();
  else if (field) focusFirst(FIELD_IDS[field]);
}

export default function ApiConfiguration() {
  const { catalog, loading: catalogLoading, requestError: catalogRequestError, refresh: refreshCatalog, reload: reloadCatalog } = useCatalog();
  const [removing, setRemoving] = useState(false);
  const [test, setTest] = useState<TestState>({ status: 'idle' });
  const [, setTick] = useState(0);
  const models = catalog?.models ?? [];

  const settingsForm = useSettingsForm<ApiSettings, FormState, keyof Errors>({
    url: '/api/admin/settings/api',
    fromView: fromSettings,
    validate,
    toBody: (f) => toBody(f, reasoningOf(models.find((m) => m.id === f.model)).supported),
    order: FIELD_ORDER,
    fieldId: (k) => (k === 'provider' ? 'provider' : FIELD_IDS[k]),
    focus: focusField,
    // A typed (even tested) key, a new model…: anything Save Changes would store.
    isDirty: (f, s) => !sameForm(f, fromSettings(s)),
    savedMessage: 'Settings saved.',
    fieldErrorsMessage: (message) => message,
    placeServerErrors: (fields) => {
      const known: Errors = {};
      const extra: string[] = [];
      for (const [k, v] of Object.entries(fields)) {
        if ((FIELD_ORDER as string[]).includes(k)) known[k as keyof Errors] = v;
        else extra.push(v);
      }
      return { fields: known, extra };
    },
    onSaved: (next, previous) => {
      const typedKeySaved = !!form!.apiKey.trim();
      // The model list comes from the saved connection: fetch it again when that changed.
      if (typedKeySaved || next.provider !== previous.provider || next.baseUrl !== previous.baseUrl) reloadCatalog();
      // A test of the typed key is now a test of the stored key: keep showing it, worded for the stored key.
      if (test.status === 'done' && !test.stored) setTest(typedKeySaved ? { ...test, stored: true } : { status: 'idle' });
      // A new key is checked (status, balance) in the background right after saving: show what it finds.
      if (typedKeySaved) setTimeout(refreshStatus, 1500);
      const index = next.searchIndex;
      return index && !index.matchesSettings && previous.searchIndex?.matchesSettings !== false
        ? [`Search keeps using the index built with ${endpointName(index)} until you rebuild it for the new provider: see Embedding model below.`]
        : undefined;
    },
  });
  const { resource, saved, setSaved, form, errors, notice, noticeRef, saving, dirty, update, setFieldError, onSave, afterRender, showNotice, dismissNotice } =
    settingsForm;

  // Set while a pointer press on a button is under way. Validating on blur then would insert an error
  // line, move the button under the pointer, and the click would be lost; the button validates itself.
  const pressingControl = useRef(false);

  // Keep "Updated 5 minutes ago" fresh.
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), 30_000);
    return () => clearInterval(t);
  }, []);

  const modelInfo = useMemo(() => (form ? (models.find((m) => m.id === form.model) ?? null) : null), [models, form?.model]);

  if (!saved || !form) {
    return <TabLoadState what="the settings" loading="settings" error={saved ? null : resource.error} onRetry={resource.reload} minHeight={320} />;
  }

  const busy = saving || removing;
  const { supported: reasoningSupported, mandatory: reasoningMandatory } = reasoningOf(modelInfo);

  function onFormPointerDown(e: PointerEvent) {
    pressingControl.current = !!(e.target as Element).closest('button, a');
    if (pressingControl.current) setTimeout(() => (pressingControl.current = false), 0);
  }

  function validateOnBlur(field: 'apiKey' | 'baseUrl') {
    if (pressingControl.current || !form) return;
    if (field === 'apiKey') setFieldError('apiKey', validateKey(form.provider, form.apiKey));
    else if (form.baseUrl.trim()) setFieldError('baseUrl', validateBaseUrl(form.provider, form.baseUrl));
  }

  /** Reloads the saved key's status and balance, leaving the form as it is. */
  async function refreshStatus() {
    try {
      const latest = await api.get<ApiSettings>('/api/admin/settings/api');
      setSaved((s) => (s ? { ...s, ...Object.fromEntries(STATUS_FIELDS.map((k) => [k, latest[k]])) } : s));
    } catch {
      // The status line keeps what it showed; the next visit shows the rest.
    }
  }

  async function onTest() {
    if (!form || test.status === 'testing') return;
    const typed = form.apiKey.trim();
    const useTyped = !!typed;
    const urlError = validateBaseUrl(form.provider, form.baseUrl);
    const keyError = useTyped ? validateKey(form.provider, typed) : undefined;
    if (urlError || keyError) {
      setFieldError('baseUrl', urlError);
      setFieldError('apiKey', keyError);
      focusField(urlError ? 'baseUrl' : 'apiKey');
      setTest({ status: 'idle' });
      return;
    }
    const body: { apiKey?: string; provider: Provider; baseUrl?: string } = { provider: form.provider };
    if (form.provider === 'openai-compatible') body.baseUrl = form.baseUrl.trim();
    if (useTyped) body.apiKey = typed;

    setTest({ status: 'testing' });
    try {
      const result = await api.post<KeyTestResult>('/api/admin/settings/api/test', body);
      setTest({ status: 'done', result, stored: !useTyped, noKey: !useTyped && !saved!.apiKey.saved, provider: form.provider });
      if (!useTyped) refreshStatus();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      // 400: nothing to test, or the key/base URL is malformed: say so beside the field.
      const fieldMessage = err instanceof ApiError ? (err.fields.apiKey ?? err.fields.baseUrl) : undefined;
      if (err instanceof ApiError && fieldMessage) {
        setTest({ status: 'idle' });
        setFieldError(err.fields.apiKey ? 'apiKey' : 'baseUrl', fieldMessage);
        focusField(err.fields.apiKey ? 'apiKey' : 'baseUrl');
        return;
      }
      setTest({ status: 'failed', message: errorMessage(err) });
    }
  }

  async function onRemoveKey() {
    if (busy) return;
    const ok = window.confirm('Remove the saved API key?\n\nThe chatbot cannot answer visitors until you add a key again.');
    if (!ok) return;
    setRemoving(true);
    try {
      const next = await api.del<ApiSettings>('/api/admin/settings/api/key');
      setSaved(next);
      // Only the key changed: other unsaved edits in the form stay.
      update({ apiKey: '', changingKey: false }, ['apiKey']);
      setTest({ status: 'idle' });
      showNotice({ type: 'success', message: 'API key removed.' });
      // The Remove button is gone: focus goes to the key field that took its place.
      afterRender(() => focusFirst('api-key'));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      showNotice({ type: 'error', message: `The API key was not removed: ${errorMessage(err)}` });
    } finally {
      setRemoving(false);
    }
  }

  /** Provider or base URL changed: an earlier test result no longer applies. */
  function changeConnection(patch: Partial<FormState>, clear: (keyof Errors)[]) {
    update(patch, clear);
    if (test.status === 'done' || test.status === 'failed') setTest({ status: 'idle' });
  }

  function startChangeKey() {
    update({ changingKey: true, apiKey: '' }, []);
    if (test.status !== 'testing') setTest({ status: 'idle' });
    afterRender(() => focusFirst('api-key'));
  }

  function cancelChangeKey() {
    update({ changingKey: false, apiKey: '' }, ['apiKey']);
    if (test.status === 'done' && !test.stored) setTest({ status: 'idle' });
    afterRender(() => focusFirst('api-key-change'));
  }

  function setFallback(i: number, id: string) {
    const next = [...form!.fallbackModels];
    next[i] = id;
    update({ fallbackModels: next }, ['fallbackModels']);
  }

  function addFallback() {
    const i = form!.fallbackModels.length;
    update({ fallbackModels: [...form!.fallbackModels, ''] }, []);
    afterRender(() => focusFirst(`fallback-${i}`));
  }

  function removeFallback(i: number) {
    const next = form!.fallbackModels.filter((_, j) => j !== i);
    update({ fallbackModels: next }, ['fallbackModels']);
    afterRender(() => focusFirst(`fallback-${i}`, `fallback-${i - 1}`, 'fallback-add'));
  }

  const sections: SectionProps = {
    form,
    saved,
    errors,
    busy,
    update,
    changeConnection,
    validateOnBlur,
    removing,
    test,
    onKeyInput: (v) => {
      update({ apiKey: v }, ['apiKey']);
      if (test.status === 'done' && !test.stored) setTest({ status: 'idle' });
    },
    onChangeKey: startChangeKey,
    onCancelChangeKey: cancelChangeKey,
    onRemoveKey,
    onTest,
    models,
    catalog,
    catalogLoading,
    catalogError: catalogRequestError ?? catalog?.error ?? null,
    refreshCatalog,
    reasoningSupported,
    reasoningMandatory,
    setFallback,
    addFallback,
    removeFallback,
  };

  return (
    <>
      <FormNotice notice={notice} noticeRef={noticeRef} onDismiss={dismissNotice} strong />

      <form class="settings-form" onSubmit={(e) => (removing ? e.preventDefault() : onSave(e))} onPointerDown={onFormPointerDown} noValidate aria-busy={saving}>
        <ConnectionSection {...sections} />
        <ModelsSection {...sections} />

        <SubmitRow saving={saving} disabled={busy} dirty={dirty} />
      </form>
    </>
  );
}
