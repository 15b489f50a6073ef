// Step 1: paste the OpenRouter key. It is tested with OpenRouter at once (the provider's own message on the field
// when it is refused) and saved only when it works, with the model defaults of API Configuration.
import { useRef, useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../api.js';
import { FieldError, describedBy } from '../../components/Field.js';
import { useAfterRender } from '../../components/form-helpers.js';
import { Icon } from '../../components/Icon.js';
import { PasswordInput } from '../../components/PasswordInput.js';
import { Spinner } from '../../components/Spinner.js';
import { formatUsd } from '../../format.js';
import { DEFAULT_CHAT_MODEL, type ApiSettings, type ApiSettingsUpdate, type KeyTestResult } from '../../types.js';
import { keyWorks } from './progress.js';

const KEYS_URL = 'https://openrouter.ai/settings/keys';

export function KeyStep({ settings, active, onSaved, onReopen }: { settings: ApiSettings; active: boolean; onSaved: () => void; onReopen: () => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<null | 'Testing the key with OpenRouter…' | 'Saving…'>(null);
  const [tested, setTested] = useState<KeyTestResult | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const afterRender = useAfterRender();

  if (!active) return <KeySummary settings={settings} tested={tested} onReopen={onReopen} />;

  function fail(message: string) {
    setError(message);
    // Once the field is enabled again.
    afterRender(() => input.current?.focus());
  }

  async function onSubmit(e: Event) {
    e.preventDefault();
    if (busy) return;
    const typed = key.trim();
    if (!typed) return fail('Paste your OpenRouter API key. It starts with sk-or-v1-.');
    setError(null);
    setBusy('Testing the key with OpenRouter…');
    try {
      const result = await api.post<KeyTestResult>('/api/admin/settings/api/test', { provider: 'openrouter', apiKey: typed });
      if (!result.ok) return fail(result.message);
      setBusy('Saving…');
      // The model choices already made stay; a first key gets API Configuration's defaults.
      const same = settings.provider === 'openrouter';
      const body: ApiSettingsUpdate = {
        provider: 'openrouter',
        apiKey: typed,
        model: same && settings.model ? settings.model : DEFAULT_CHAT_MODEL,
        fallbackModels: same ? settings.fallbackModels : [],
        reasoningEnabled: same ? settings.reasoningEnabled : false,
      };
      await api.put<ApiSettings>('/api/admin/settings/api', body);
      setTested(result);
      setKey('');
      onSaved();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      fail(err instanceof ApiError ? (err.fields.apiKey ?? err.message) : errorMessage(err));
    } finally {
      setBusy(null);
    }
  }

  const replacing = settings.apiKey.saved && settings.provider === 'openrouter';
  return (
    <form class="qs-form" onSubmit={onSubmit} noValidate>
      {replacing && !keyWorks(settings) && (
        <p class="qs-problem">
          <Icon name="warning" size={16} class="status-icon" /> The saved key ending in {settings.apiKey.last4} does not work
          {settings.keyStatus?.message ? `: ${settings.keyStatus.message}` : '.'} Paste a working one.
        </p>
      )}
      <label class="qs-label" for="qs-key">
        OpenRouter API key
      </label>
      <div class="qs-field-row">
        <PasswordInput
          id="qs-key"
          class="qs-key-input"
          inputRef={input}
          value={key}
          onInput={(v) => {
            setKey(v);
            if (error) setError(null);
          }}
          autoComplete="off"
          placeholder="sk-or-v1-…"
          invalid={!!error}
          describedBy={describedBy(error && 'qs-key-error', 'qs-key-description')}
          disabled={!!busy}
          toggleNoun="key"
        />
        <button type="submit" class="button button-primary" disabled={!!busy}>
          Test and save key
        </button>
      </div>
      <FieldError id="qs-key-error" message={error} />
      {busy && <Spinner label={busy} class="qs-busy" />}
      {!busy && keyWorks(settings) && (
        <p class="qs-keep">
          <button type="button" class="button-link" onClick={onSaved}>
            Keep the saved key
          </button>
        </p>
      )}
      <p class="description" id="qs-key-description">
        Docent answers through OpenRouter, which bills you for what it uses.{' '}
        <a href={KEYS_URL} target="_blank" rel="noopener noreferrer">
          Create a key at OpenRouter
          <Icon name="external" size={12} class="icon-external" />
          <span class="screen-reader-text"> (opens in a new tab)</span>
        </a>
        , paste it here, and Docent tests it before saving it (encrypted).
      </p>
    </form>
  );
}

function KeySummary({ settings, tested, onReopen }: { settings: ApiSettings; tested: KeyTestResult | null; onReopen: () => void }) {
  if (settings.provider === 'openai-compatible') {
    return (
      <p class="qs-summary">
        Docent answers through your OpenAI-compatible endpoint at <code>{settings.baseUrl}</code>.{' '}
        <a href="/admin/settings">Change it in Settings → API Configuration</a>
      </p>
    );
  }
  const balance = tested?.ok && tested.balance?.available ? tested.balance.amount : (settings.balance?.amount ?? null);
  return (
    <p class="qs-summary">
      {keyWorks(settings) ? (
        <>
          <Icon name="check-circle" size={16} class="status-icon qs-ok" /> OpenRouter accepted the key ending in <strong>{settings.apiKey.last4}</strong>
          {balance != null && <> (balance {formatUsd(balance)})</>}.{' '}
        </>
      ) : (
        'No working key yet. '
      )}
      <button type="button" class="button-link" onClick={onReopen}>
        Use another key
      </button>
    </p>
  );
}
