// Step 1: paste the OpenRouter key. It is tested with OpenRouter at once (the provider's own message on the field
// when it is refused) and saved only when it works, with the model defaults of API Configuration.
import { useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../api.js';
import { Icon } from '../../components/Icon.js';
import { Spinner } from '../../components/Spinner.js';
import { formatUsd } from '../../format.js';
import { DEFAULT_CHAT_MODEL, type ApiSettings, type ApiSettingsUpdate, type KeyTestResult } from '../../types.js';
import { keyWorks, type StepProps } from './progress.js';
import { DoneIcon, StepForm, useStepField } from './StepForm.js';

const KEYS_URL = 'https://openrouter.ai/settings/keys';

export function KeyStep({ state: { settings }, active, onDone, onReopen }: StepProps) {
  const field = useStepField();
  const [busy, setBusy] = useState<null | 'Testing the key with OpenRouter…' | 'Saving…'>(null);
  const [tested, setTested] = useState<KeyTestResult | null>(null);

  if (!active) return <KeySummary settings={settings} tested={tested} onReopen={onReopen} />;

  async function onSubmit() {
    if (busy) return;
    const typed = field.value.trim();
    if (!typed) return field.fail('Paste your OpenRouter API key. It starts with sk-or-v1-.');
    field.setError(null);
    setBusy('Testing the key with OpenRouter…');
    try {
      const result = await api.post<KeyTestResult>('/api/admin/settings/api/test', { provider: 'openrouter', apiKey: typed });
      if (!result.ok) return field.fail(result.message);
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
      field.setValue('');
      onDone();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      field.fail(err instanceof ApiError ? (err.fields.apiKey ?? err.message) : errorMessage(err));
    } finally {
      setBusy(null);
    }
  }

  const replacing = settings.apiKey.saved && settings.provider === 'openrouter';
  return (
    <>
      {replacing && !keyWorks(settings) && (
        <p class="qs-problem">
          <Icon name="warning" size={16} class="status-icon" /> The saved key ending in {settings.apiKey.last4} does not work
          {settings.keyStatus?.message ? `: ${settings.keyStatus.message}` : '.'} Paste a working one.
        </p>
      )}
      <StepForm
        field={field}
        id="qs-key"
        label="OpenRouter API key"
        button="Test and save key"
        busy={!!busy}
        onSubmit={onSubmit}
        secret="key"
        inputProps={{ placeholder: 'sk-or-v1-…' }}
        status={
          busy ? (
            <Spinner label={busy} class="qs-busy" />
          ) : (
            keyWorks(settings) && (
              <p class="qs-keep">
                <button type="button" class="button-link" onClick={onDone}>
                  Keep the saved key
                </button>
              </p>
            )
          )
        }
        help={
          <>
            Docent answers through OpenRouter, which bills you for what it uses.{' '}
            <a href={KEYS_URL} target="_blank" rel="noopener noreferrer">
              Create a key at OpenRouter
              <Icon name="external" size={12} class="icon-external" />
              <span class="screen-reader-text"> (opens in a new tab)</span>
            </a>
            , paste it here, and Docent tests it before saving it (encrypted).
          </>
        }
      />
    </>
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
          <DoneIcon /> OpenRouter accepted the key ending in <strong>{settings.apiKey.last4}</strong>
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
