import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../api.js';
import { FieldError, Field, describedBy } from '../../components/Field.js';
import { ModelCombobox } from '../../components/ModelCombobox.js';
import { Notice } from '../../components/Notice.js';
import { PasswordInput } from '../../components/PasswordInput.js';
import { LoadingBox, Spinner } from '../../components/Spinner.js';
import { SubmitRow } from '../../components/SubmitRow.js';
import { Icon } from '../../components/Icon.js';
import { checkDecimal, parseDecimal } from '../../components/form-helpers.js';
import { useActionNotice } from '../../components/announce.js';
import { useUnsavedChanges } from '../../components/unsaved-changes.js';
import { BalanceLine, KeyStatusLine } from './KeyStatus.js';
import { endpointName, formatDateTime, formatUsd, relativeTime } from '../../format.js';
import { useResource } from '../../hooks.js';
import { DEFAULT_CHAT_MODEL, type ApiSettings, type ApiSettingsUpdate, type KeyTestResult, type ModelCatalog, type Provider } from '../../types.js';
import { Postbox } from '../../components/Postbox.js';

export const OPENROUTER_KEY = /^sk-or-v1-[0-9a-f]{64}$/;
export const KEY_FORMAT_MESSAGE = 'OpenRouter keys look like sk-or-v1-… (64 hex characters after the prefix).';
const MAX_FALLBACKS = 2;
const MAX_LOW_BALANCE_USD = 10_000;
const LOW_BALANCE_MESSAGE = `Enter an amount in US dollars from 0 to ${MAX_LOW_BALANCE_USD.toLocaleString('en')} (0 turns the warning off).`;
/** The saved key's status fields: they change on the server without the form (tests, chats, checks). */
const STATUS_FIELDS = ['keyCheck', 'keyStatus', 'balance'] as const;

interface FormState {
  provider: Provider;
  baseUrl: string;
  /** A newly typed key ('' = keep the stored one). */
  apiKey: string;
  /** A key is stored but the admin clicked "Change key". */
  changingKey: boolean;
  model: string;
  fallbackModels: string[];
  reasoningEnabled: boolean;
  /** As typed (USD). */
  lowBalanceUsd: string;
}

type Errors = Partial<Record<'provider' | 'baseUrl' | 'apiKey' | 'lowBalanceUsd' | 'model' | 'fallbackModels' | 'reasoningEnabled', string>>;
const FIELD_ORDER: (keyof Errors)[] = ['provider', 'baseUrl', 'apiKey', 'lowBalanceUsd', 'model', 'reasoningEnabled', 'fallbackModels'];

type TestState =
  | { status: 'idle' }
  | { status: 'testing' }
  | { status: 'done'; result: KeyTestResult; stored: boolean; noKey?: boolean; provider: Provider }
  | { status: 'failed'; message: string };

function fromSettings(s: ApiSettings): FormState {
  return {
    provider: s.provider,
    baseUrl: s.baseUrl ?? '',
    apiKey: '',
    changingKey: false,
    model: s.model || DEFAULT_CHAT_MODEL,
    fallbackModels: [...(s.fallbackModels ?? [])].slice(0, MAX_FALLBACKS),
    reasoningEnabled: !!s.reasoningEnabled,
    lowBalanceUsd: String(s.lowBalanceUsd ?? 1),
  };
}

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function validateKey(provider: Provider, key: string): string | undefined {
  const k = key.trim();
  if (k && provider === 'openrouter' && !OPENROUTER_KEY.test(k)) return KEY_FORMAT_MESSAGE;
  return undefined;
}

function validateBaseUrl(provider: Provider, url: string): string | undefined {
  if (provider !== 'openai-compatible') return undefined;
  const u = url.trim();
  if (!u) return 'Enter the base URL of the endpoint, for example http://localhost:11434/v1.';
  if (!isHttpUrl(u)) return 'Enter a full URL starting with http:// or https://.';
  return undefined;
}

function validate(f: FormState): Errors {
  const e: Errors = {};
  const baseUrl = validateBaseUrl(f.provider, f.baseUrl);
  if (baseUrl) e.baseUrl = baseUrl;
  const key = validateKey(f.provider, f.apiKey);
  if (key) e.apiKey = key;
  if (f.provider === 'openrouter') {
    const low = checkDecimal(f.lowBalanceUsd, 0, MAX_LOW_BALANCE_USD, LOW_BALANCE_MESSAGE);
    if (low) e.lowBalanceUsd = low;
  }
  if (!f.model.trim()) e.model = 'Choose a model.';
  const fallbacks = f.fallbackModels.filter(Boolean);
  if (fallbacks.some((m) => m === f.model) || new Set(fallbacks).size !== fallbacks.length) {
    e.fallbackModels = 'Choose different models: a fallback cannot repeat the main model or the other fallback.';
  }
  return e;
}

function sameForm(a: FormState, b: FormState): boolean {
  return (
    a.provider === b.provider &&
    (a.provider !== 'openai-compatible' || a.baseUrl.trim() === b.baseUrl.trim()) &&
    a.apiKey.trim() === b.apiKey.trim() &&
    a.model === b.model &&
    a.fallbackModels.filter(Boolean).join('\n') === b.fallbackModels.filter(Boolean).join('\n') &&
    a.reasoningEnabled === b.reasoningEnabled &&
    (a.provider !== 'openrouter' || parseDecimal(a.lowBalanceUsd) === parseDecimal(b.lowBalanceUsd))
  );
}

function maskedKey(s: ApiSettings): string {
  return `${s.provider === 'openrouter' ? 'sk-or-v1-' : ''}••••••••${s.apiKey.last4 ?? ''}`;
}

/** Fetches the model catalog; refresh() forces the server to update it from the provider. */
function useCatalog() {
  const [catalog, setCatalog] = useState<ModelCatalog | null>(null);
  const [loading, setLoading] = useState(true);
  const [requestError, setRequestError] = useState<string | null>(null);

  async function load(refresh: boolean) {
    setLoading(true);
    setRequestError(null);
    try {
      setCatalog(await api.get<ModelCatalog>(`/api/admin/models${refresh ? '?refresh=1' : ''}`));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      setRequestError(errorMessage(err));
    } finally {
      setLoading(false);
    }
  }

  useEffect(() => {
    load(false);
  }, []);

  return { catalog, loading, requestError, refresh: () => load(true), reload: () => load(false) };
}

export default function ApiConfiguration() {
  const settings = useResource<ApiSettings>('/api/admin/settings/api');
  const { catalog, loading: catalogLoading, requestError: catalogRequestError, refresh: refreshCatalog, reload: reloadCatalog } = useCatalog();

  const [saved, setSaved] = useState<ApiSettings | null>(null);
  const [form, setForm] = useState<FormState | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const { notice, noticeRef, show: showNotice, clear: clearNotice } = useActionNotice();
  const [saving, setSaving] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [test, setTest] = useState<TestState>({ status: 'idle' });
  const [, setTick] = useState(0);

  const keyInputRef = useRef<HTMLInputElement>(null);
  const baseUrlRef = useRef<HTMLInputElement>(null);
  const modelRef = useRef<HTMLInputElement>(null);
  const fallbackRefs = useRef<(HTMLInputElement | null)[]>([]);
  const focusAfterRender = useRef<(() => void) | null>(null);
  // Set while a pointer press on a button is under way. Validating on blur then would insert an error
  // line, move the button under the pointer, and the click would be lost; the button validates itself.
  const pressingControl = useRef(false);

  // First load: the form starts from the stored settings.
  useEffect(() => {
    if (settings.data && !saved) {
      setSaved(settings.data);
      setForm(fromSettings(settings.data));
    }
  }, [settings.data]);

  // Focus moves that must wait for the next render (e.g. the key input appears after "Change key").
  useEffect(() => {
    const f = focusAfterRender.current;
    focusAfterRender.current = null;
    f?.();
  });

  // Keep "Updated 5 minutes ago" fresh.
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), 30_000);
    return () => clearInterval(t);
  }, []);

  const models = catalog?.models ?? [];
  const modelInfo = useMemo(() => (form ? (models.find((m) => m.id === form.model) ?? null) : null), [models, form?.model]);
  // A typed (even tested) key, a new model…: anything Save Changes would store.
  const dirty = !!saved && !!form && !sameForm(form, fromSettings(saved));
  useUnsavedChanges(dirty);

  if (settings.error && !saved) {
    return (
      <Notice type="error">
        <p>Could not load the settings: {settings.error}</p>
        <p>
          <button type="button" class="button" onClick={settings.reload}>
            Try again
          </button>
        </p>
      </Notice>
    );
  }
  if (!saved || !form) {
    return (
      <div class="settings-loading">
        <LoadingBox label="Loading settings…" minHeight={320} />
      </div>
    );
  }

  const busy = saving || removing;
  const isOpenRouter = form.provider === 'openrouter';
  const keyLabel = isOpenRouter ? 'OpenRouter API Key' : 'API Key';
  // A saved key belongs to its provider: switching provider asks for the new one's key.
  const showKeyDisplay = saved.apiKey.saved && !form.changingKey && form.provider === saved.provider;
  const keyLeftBehind = saved.apiKey.saved && form.provider !== saved.provider;
  const reasoningSupported = modelInfo ? modelInfo.reasoning.supported : true;
  const reasoningMandatory = !!modelInfo?.reasoning.mandatory;

  function update(patch: Partial<FormState>, clear: (keyof Errors)[] = []) {
    setForm((f) => (f ? { ...f, ...patch } : f));
    if (clear.length) {
      setErrors((e) => {
        const next = { ...e };
        for (const k of clear) delete next[k];
        return next;
      });
    }
  }

  function setFieldError(field: keyof Errors, message: string | undefined) {
    setErrors((e) => {
      const next = { ...e };
      if (message) next[field] = message;
      else delete next[field];
      return next;
    });
  }

  function onFormPointerDown(e: PointerEvent) {
    pressingControl.current = !!(e.target as Element).closest('button, a');
    if (pressingControl.current) setTimeout(() => (pressingControl.current = false), 0);
  }

  function validateOnBlur(field: 'apiKey' | 'baseUrl') {
    if (pressingControl.current || !form) return;
    if (field === 'apiKey') setFieldError('apiKey', validateKey(form.provider, form.apiKey));
    else if (form.baseUrl.trim()) setFieldError('baseUrl', validateBaseUrl(form.provider, form.baseUrl));
  }

  function focusField(field: keyof Errors | undefined) {
    if (!field) return;
    const el =
      field === 'apiKey'
        ? keyInputRef.current
        : field === 'baseUrl'
          ? baseUrlRef.current
          : field === 'model'
            ? modelRef.current
            : field === 'fallbackModels'
              ? (fallbackRefs.current.find(Boolean) ?? null)
              : field === 'provider'
                ? (document.querySelector('input[name="provider"]:checked') as HTMLInputElement | null)
                : field === 'lowBalanceUsd'
                  ? (document.getElementById('low-balance') as HTMLInputElement | null)
                  : (document.getElementById('reasoning') as HTMLInputElement | null);
    el?.focus();
  }

  function applyServerErrors(err: ApiError) {
    const known: Errors = {};
    const extra: string[] = [];
    for (const [k, v] of Object.entries(err.fields)) {
      if ((FIELD_ORDER as string[]).includes(k)) known[k as keyof Errors] = v;
      else extra.push(v);
    }
    setErrors(known);
    const first = FIELD_ORDER.find((k) => known[k]);
    showNotice({ type: 'error', message: err.message, extra }, first && (() => focusField(first)));
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

  async function onSave(e: Event) {
    e.preventDefault();
    if (busy || !form) return;
    const found = validate(form);
    if (Object.keys(found).length) {
      setErrors(found);
      const first = FIELD_ORDER.find((k) => found[k]);
      showNotice({ type: 'error', message: 'Please correct the highlighted fields.' }, () => focusField(first));
      return;
    }
    const body: ApiSettingsUpdate = {
      provider: form.provider,
      model: form.model.trim(),
      fallbackModels: form.fallbackModels.filter(Boolean),
      reasoningEnabled: reasoningSupported ? form.reasoningEnabled : false,
    };
    if (form.provider === 'openai-compatible') body.baseUrl = form.baseUrl.trim();
    else body.lowBalanceUsd = parseDecimal(form.lowBalanceUsd)!;
    if (form.apiKey.trim()) body.apiKey = form.apiKey.trim();

    setSaving(true);
    clearNotice();
    try {
      const previous = saved!;
      const next = await api.put<ApiSettings>('/api/admin/settings/api', body);
      const typedKeySaved = !!body.apiKey;
      // The model list comes from the saved connection: fetch it again when that changed.
      if (typedKeySaved || next.provider !== previous.provider || next.baseUrl !== previous.baseUrl) reloadCatalog();
      setSaved(next);
      setForm(fromSettings(next));
      setErrors({});
      // A test of the typed key is now a test of the stored key: keep showing it, worded for the stored key.
      if (test.status === 'done' && !test.stored) setTest(typedKeySaved ? { ...test, stored: true } : { status: 'idle' });
      // A new key is checked (status, balance) in the background right after saving: show what it finds.
      if (typedKeySaved) setTimeout(refreshStatus, 1500);
      const index = next.searchIndex;
      showNotice({
        type: 'success',
        message: 'Settings saved.',
        extra:
          index && !index.matchesSettings && previous.searchIndex?.matchesSettings !== false
            ? [`Search keeps using the index built with ${endpointName(index)} until you rebuild it for the new provider: see Embedding model below.`]
            : undefined,
      });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      if (err instanceof ApiError && Object.keys(err.fields).length) applyServerErrors(err);
      else showNotice({ type: 'error', message: `Settings not saved: ${errorMessage(err)}` });
    } finally {
      setSaving(false);
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
      focusAfterRender.current = () => keyInputRef.current?.focus();
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
    update({ changingKey: true, apiKey: '' });
    if (test.status !== 'testing') setTest({ status: 'idle' });
    focusAfterRender.current = () => keyInputRef.current?.focus();
  }

  function cancelChangeKey() {
    update({ changingKey: false, apiKey: '' }, ['apiKey']);
    if (test.status === 'done' && !test.stored) setTest({ status: 'idle' });
    focusAfterRender.current = () => document.getElementById('api-key-change')?.focus();
  }

  function setFallback(i: number, id: string) {
    const next = [...form!.fallbackModels];
    next[i] = id;
    update({ fallbackModels: next }, ['fallbackModels']);
  }

  function addFallback() {
    const i = form!.fallbackModels.length;
    update({ fallbackModels: [...form!.fallbackModels, ''] });
    focusAfterRender.current = () => fallbackRefs.current[i]?.focus();
  }

  function removeFallback(i: number) {
    const next = form!.fallbackModels.filter((_, j) => j !== i);
    update({ fallbackModels: next }, ['fallbackModels']);
    focusAfterRender.current = () => (fallbackRefs.current[i] ?? fallbackRefs.current[i - 1] ?? document.getElementById('fallback-add'))?.focus();
  }

  const catalogError = catalogRequestError ?? catalog?.error ?? null;
  const keyDescId = 'api-key-description';
  const keyErrorId = 'api-key-error';

  return (
    <>
      {notice && (
        <Notice type={notice.type} noticeRef={noticeRef} onDismiss={clearNotice} live={false} class="settings-notice">
          <p>
            <strong>{notice.message}</strong>
          </p>
          {notice.extra && notice.extra.length > 0 && (
            <ul class="notice-list">
              {notice.extra.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          )}
        </Notice>
      )}

      <form class="settings-form" onSubmit={onSave} onPointerDown={onFormPointerDown} noValidate aria-busy={saving}>
        <Postbox id="connection-title" title="Connection" body="inside form-table">
          <Field label="Provider" labelId="provider-label">
            <fieldset class="radio-group" aria-describedby={errors.provider ? 'provider-error' : undefined}>
              <legend class="screen-reader-text">Provider</legend>
              <label class="radio-option">
                <input
                  type="radio"
                  name="provider"
                  value="openrouter"
                  checked={form.provider === 'openrouter'}
                  onChange={() => changeConnection({ provider: 'openrouter' }, ['provider', 'apiKey', 'baseUrl'])}
                  disabled={busy}
                />
                <span>
                  <span class="radio-title">OpenRouter (recommended)</span>
                  <span class="description">One key for hundreds of models, with spending limits you control.</span>
                </span>
              </label>
              <label class="radio-option">
                <input
                  type="radio"
                  name="provider"
                  value="openai-compatible"
                  checked={form.provider === 'openai-compatible'}
                  onChange={() => changeConnection({ provider: 'openai-compatible' }, ['provider', 'apiKey'])}
                  disabled={busy}
                />
                <span>
                  <span class="radio-title">OpenAI-compatible endpoint</span>
                  <span class="description">Your own server that speaks the OpenAI API, such as Ollama, LM Studio or vLLM.</span>
                </span>
              </label>
            </fieldset>
            <FieldError id="provider-error" message={errors.provider} />
          </Field>

          {form.provider === 'openai-compatible' && (
            <Field label="Base URL" id="base-url">
              <input
                id="base-url"
                ref={baseUrlRef}
                type="url"
                class="input regular-text code"
                value={form.baseUrl}
                placeholder="http://localhost:11434/v1"
                autoComplete="off"
                spellcheck={false}
                disabled={busy}
                aria-invalid={errors.baseUrl ? 'true' : undefined}
                aria-describedby={describedBy(errors.baseUrl && 'base-url-error', 'base-url-description')}
                onInput={(e) => changeConnection({ baseUrl: e.currentTarget.value }, ['baseUrl'])}
                onBlur={() => validateOnBlur('baseUrl')}
              />
              <FieldError id="base-url-error" message={errors.baseUrl} />
              <p class="description" id="base-url-description">
                The address of the API, usually ending in <code>/v1</code>. For Ollama on this server: <code>http://localhost:11434/v1</code>
              </p>
            </Field>
          )}

          <Field label={keyLabel} id="api-key">
            {showKeyDisplay ? (
              <>
                <div class="key-display">
                  <input
                    id="api-key"
                    ref={keyInputRef}
                    type="text"
                    class="input regular-text code key-masked"
                    value={maskedKey(saved)}
                    readOnly
                    aria-invalid={errors.apiKey ? 'true' : undefined}
                    aria-describedby={describedBy(errors.apiKey && keyErrorId, 'api-key-status', keyDescId)}
                  />
                  <div class="key-actions">
                    <button type="button" id="api-key-change" class="button" onClick={startChangeKey} disabled={busy}>
                      Change key
                    </button>
                    <button type="button" class="button button-delete" onClick={onRemoveKey} disabled={busy}>
                      {removing ? 'Removing…' : 'Remove API Key'}
                    </button>
                  </div>
                </div>
                <KeyStatusLine settings={saved} />
                <BalanceLine settings={saved} />
              </>
            ) : (
              <div class="key-edit">
                <PasswordInput
                  id="api-key"
                  inputRef={keyInputRef}
                  class="regular-text"
                  value={form.apiKey}
                  onInput={(v) => {
                    update({ apiKey: v }, ['apiKey']);
                    if (test.status === 'done' && !test.stored) setTest({ status: 'idle' });
                  }}
                  autoComplete="off"
                  placeholder={isOpenRouter ? 'sk-or-v1-…' : 'Leave empty if the endpoint needs no key'}
                  invalid={!!errors.apiKey}
                  describedBy={describedBy(errors.apiKey && keyErrorId, keyDescId)}
                  disabled={busy}
                  toggleNoun="key"
                  onBlur={() => validateOnBlur('apiKey')}
                />
                {form.changingKey && (
                  <button type="button" class="button" onClick={cancelChangeKey} disabled={busy}>
                    Cancel
                  </button>
                )}
              </div>
            )}
            <FieldError id={keyErrorId} message={errors.apiKey} />
            <p class="description" id={keyDescId}>
              {isOpenRouter ? (
                <>
                  Create a key at{' '}
                  <a href="https://openrouter.ai/settings/keys" target="_blank" rel="noopener noreferrer">
                    openrouter.ai/settings/keys
                    <Icon name="external" size={12} class="icon-external" />
                    <span class="screen-reader-text"> (opens in a new tab)</span>
                  </a>
                  . Set a credit limit on it there to cap spending. The key is stored on this server only and never shown again.
                </>
              ) : (
                <>The key your endpoint expects, if any. It is stored on this server only and never shown again.</>
              )}
              {keyLeftBehind && <> Your saved {saved.provider === 'openrouter' ? 'OpenRouter' : 'endpoint'} key is not sent to another provider.</>}
            </p>

            <div class="key-test">
              <button type="button" class="button" onClick={onTest} disabled={test.status === 'testing' || busy}>
                Test API Key
              </button>
              {test.status === 'testing' && <Spinner label="Testing…" />}
            </div>
            <div class="key-test-result">
              <KeyTestOutcome state={test} />
            </div>
          </Field>

          {isOpenRouter && (
            <Field label="Low-balance warning" id="low-balance">
              <span class="field-with-unit">
                <span class="field-unit field-unit-before">$</span>
                <input
                  id="low-balance"
                  type="number"
                  min={0}
                  max={MAX_LOW_BALANCE_USD}
                  step={0.01}
                  class="input low-balance-input"
                  value={form.lowBalanceUsd}
                  disabled={busy}
                  aria-invalid={errors.lowBalanceUsd ? 'true' : undefined}
                  aria-describedby={describedBy(errors.lowBalanceUsd && 'low-balance-error', 'low-balance-description')}
                  onInput={(e) => update({ lowBalanceUsd: e.currentTarget.value }, ['lowBalanceUsd'])}
                />
              </span>
              <FieldError id="low-balance-error" message={errors.lowBalanceUsd} />
              <p class="description" id="low-balance-description">
                In US dollars. When the key can spend less than this, the Dashboard warns you, before visitors go unanswered. Checked at most once an hour, when
                OpenRouter lets the key read its balance or limit. 0 turns the warning off.
              </p>
            </Field>
          )}
        </Postbox>

        <Postbox id="models-title" title="Models" body="inside form-table">
          <Field label="Model" id="model">
            <ModelCombobox
              id="model"
              inputRef={modelRef}
              models={models}
              loading={catalogLoading}
              value={form.model}
              onChange={(id) => update({ model: id }, ['model', 'fallbackModels'])}
              listLabel="Models"
              invalid={!!errors.model}
              describedBy={describedBy(errors.model && 'model-error', 'model-description')}
              disabled={busy}
              allowCustom
            />
            <FieldError id="model-error" message={errors.model} />
            <p class="description" id="model-description">
              Answers your visitors. Type to search by name or id.
            </p>
            <CatalogStatus catalog={catalog} loading={catalogLoading} error={catalogError} onRefresh={refreshCatalog} />
          </Field>

          <Field label="Reasoning" labelId="reasoning-label">
            <label class={`checkbox-option${!reasoningSupported ? ' is-disabled' : ''}`}>
              <input
                type="checkbox"
                id="reasoning"
                checked={reasoningSupported && form.reasoningEnabled}
                disabled={!reasoningSupported || busy}
                onChange={(e) => update({ reasoningEnabled: e.currentTarget.checked }, ['reasoningEnabled'])}
                aria-describedby={describedBy(
                  errors.reasoningEnabled && 'reasoning-error',
                  (!reasoningSupported || reasoningMandatory) && 'reasoning-note',
                  'reasoning-description',
                )}
              />
              <span>Enable reasoning</span>
            </label>
            <FieldError id="reasoning-error" message={errors.reasoningEnabled} />
            {!reasoningSupported && (
              <p class="description note" id="reasoning-note">
                This model does not support reasoning.
              </p>
            )}
            {reasoningSupported && reasoningMandatory && (
              <p class="description note" id="reasoning-note">
                This model always reasons; off keeps it to the minimum.
              </p>
            )}
            <p class="description" id="reasoning-description">
              Off: the model thinks as little as possible, for fast replies. On: the model uses its default thinking level (slower, can be more accurate).
            </p>
          </Field>

          <Field label="Fallback models" labelId="fallback-label">
            <div
              class="fallback-list"
              role="group"
              aria-labelledby="fallback-label"
              aria-describedby={describedBy(errors.fallbackModels && 'fallback-error', 'fallback-description')}
            >
              {form.fallbackModels.map((id, i) => (
                <div class="fallback-item" key={i}>
                  <label class="screen-reader-text" for={`fallback-${i}`}>
                    Fallback model {i + 1}
                  </label>
                  <span class="fallback-number" aria-hidden="true">
                    {i + 1}.
                  </span>
                  <ModelCombobox
                    id={`fallback-${i}`}
                    inputRef={(el) => {
                      fallbackRefs.current[i] = el;
                    }}
                    models={models}
                    loading={catalogLoading}
                    value={id}
                    onChange={(v) => setFallback(i, v)}
                    listLabel={`Models for fallback ${i + 1}`}
                    placeholder="Choose a model…"
                    invalid={!!errors.fallbackModels}
                    describedBy={errors.fallbackModels ? 'fallback-error' : undefined}
                    disabled={busy}
                    allowCustom
                    after={
                      <button
                        type="button"
                        class="button-link button-link-delete fallback-remove"
                        onClick={() => removeFallback(i)}
                        disabled={busy}
                        aria-label={`Remove fallback model ${i + 1}`}
                      >
                        Remove
                      </button>
                    }
                  />
                </div>
              ))}
              {form.fallbackModels.length < MAX_FALLBACKS && (
                <button type="button" id="fallback-add" class="button" onClick={addFallback} disabled={busy}>
                  Add fallback model
                </button>
              )}
            </div>
            <FieldError id="fallback-error" message={errors.fallbackModels} />
            <p class="description" id="fallback-description">
              Optional, up to two. Used in this order when the main model fails or is overloaded.
            </p>
          </Field>

          <Field label="Embedding model" labelId="embedding-label">
            <p class="readonly-value" aria-labelledby="embedding-label">
              <code>{saved.embeddingModel}</code>
              {saved.embeddingDimensions ? ` (${saved.embeddingDimensions} dimensions)` : ''}
            </p>
            <p class="description">
              Turns your content into searchable vectors. <a href="/admin/training?tab=database">Change in Data Training → Database Management</a>
            </p>
            {saved.searchIndex && !saved.searchIndex.matchesSettings && (
              <Notice type="warning" inline live={false} class="index-provider-notice">
                <p>
                  Your search index was built with {endpointName(saved.searchIndex)} and keeps answering through it, with the key saved for it, until you
                  rebuild it for this provider. <a href="/admin/training?tab=database">Rebuild the index in Database Management</a>
                </p>
              </Notice>
            )}
          </Field>
        </Postbox>

        <SubmitRow saving={saving} disabled={busy} dirty={dirty} />
      </form>
    </>
  );
}

function CatalogStatus(props: { catalog: ModelCatalog | null; loading: boolean; error: string | null; onRefresh: () => void }) {
  const { catalog, loading, error, onRefresh } = props;
  const count = catalog?.models.length ?? 0;
  return (
    <>
      <p class="catalog-status">
        {loading ? (
          <Spinner label={catalog ? 'Refreshing the model list…' : 'Loading the model list…'} />
        ) : (
          <>
            <span>
              {count} {count === 1 ? 'model' : 'models'}
            </span>
            {catalog?.fetchedAt && (
              <span>
                Updated{' '}
                <time dateTime={catalog.fetchedAt} title={formatDateTime(catalog.fetchedAt)}>
                  {relativeTime(catalog.fetchedAt)}
                </time>
              </span>
            )}
            <button type="button" class="button-link" onClick={onRefresh}>
              <Icon name="refresh" size={14} />
              Refresh list
            </button>
          </>
        )}
      </p>
      {error && !loading && (
        <Notice type={count ? 'warning' : 'error'} inline>
          <p>
            {error} {count ? `Showing the list from ${relativeTime(catalog?.fetchedAt ?? null)}.` : 'You can still type a model id.'}
          </p>
        </Notice>
      )}
    </>
  );
}

function KeyTestOutcome({ state }: { state: TestState }) {
  if (state.status === 'failed') {
    return (
      <Notice type="error" inline>
        <p>{state.message}</p>
      </Notice>
    );
  }
  if (state.status !== 'done') return null;
  const r = state.result;
  if (!r.ok) {
    return (
      <Notice type="error" inline>
        <p>
          <strong>The key did not work.</strong> {r.message}
        </p>
      </Notice>
    );
  }
  const who = state.provider === 'openrouter' ? 'OpenRouter' : 'The endpoint';
  return (
    <Notice type="success" inline>
      <p>
        <strong>{state.noKey ? `${who} answered without an API key.` : `${who} accepted ${state.stored ? 'the saved key' : 'this key'}.`}</strong>
        {!state.stored && ' Save Changes to keep it.'}
      </p>
      {r.key && (
        <dl class="key-facts">
          <dt>Label</dt>
          <dd>
            <code>{r.key.label}</code>
          </dd>
          <dt>Per-key limit remaining</dt>
          <dd>{r.key.limit == null ? 'No per-key limit' : `${formatUsd(r.key.limitRemaining ?? 0)} of ${formatUsd(r.key.limit)}`}</dd>
          <dt>Usage</dt>
          <dd>{formatUsd(r.key.usage)}</dd>
          <dt>Account</dt>
          <dd>{r.key.isFreeTier ? 'Free tier' : 'Paid'}</dd>
          {r.balance && (
            <>
              <dt>Balance</dt>
              <dd>{r.balance.available ? formatUsd(r.balance.amount) : r.balance.message || 'Balance not available for this key.'}</dd>
            </>
          )}
        </dl>
      )}
    </Notice>
  );
}
