// API Configuration → Connection: the provider, the base URL, the key row (saved key or a key to type, its status,
// "Test API Key" and what it found) and the low-balance warning.
import { Field, FieldError, NumberField, describedBy, fieldAria } from '../../../components/Field.js';
import { Notice } from '../../../components/Notice.js';
import { PasswordInput } from '../../../components/PasswordInput.js';
import { Postbox } from '../../../components/Postbox.js';
import { RadioField } from '../../../components/RadioGroup.js';
import { Spinner } from '../../../components/Spinner.js';
import { formatUsd } from '../../../format.js';
import { BalanceLine, ExternalLink, KEYS_URL, KeyStatusLine } from '../KeyStatus.js';
import { MAX_LOW_BALANCE_USD, type SectionProps, type TestState, maskedKey } from './form.js';

export function ConnectionSection(props: SectionProps) {
  const { form, errors, busy, update, changeConnection, validateOnBlur } = props;
  return (
    <Postbox id="connection-title" title="Connection" body="inside form-table">
      <RadioField
        label="Provider"
        labelId="provider-label"
        describes="provider"
        error={errors.provider}
        name="provider"
        legend="Provider"
        describedBy={errors.provider ? 'provider-error' : undefined}
        value={form.provider}
        onValue={(provider) =>
          provider === 'openrouter' ? changeConnection({ provider }, ['provider', 'apiKey', 'baseUrl']) : changeConnection({ provider }, ['provider', 'apiKey'])
        }
        disabled={busy}
        choices={[
          { value: 'openrouter', title: 'OpenRouter (recommended)', description: 'One key for hundreds of models, with spending limits you control.' },
          {
            value: 'openai-compatible',
            title: 'OpenAI-compatible endpoint',
            description: 'Your own server that speaks the OpenAI API, such as Ollama, LM Studio or vLLM.',
          },
        ]}
      />

      {form.provider === 'openai-compatible' && (
        <Field
          label="Base URL"
          id="base-url"
          error={errors.baseUrl}
          help={
            <>
              The address of the API, usually ending in <code>/v1</code>. For Ollama on this server: <code>http://localhost:11434/v1</code>
            </>
          }
        >
          <input
            id="base-url"
            type="url"
            class="input regular-text code"
            value={form.baseUrl}
            placeholder="http://localhost:11434/v1"
            autoComplete="off"
            spellcheck={false}
            disabled={busy}
            {...fieldAria('base-url', errors.baseUrl)}
            onInput={(e) => changeConnection({ baseUrl: e.currentTarget.value }, ['baseUrl'])}
            onBlur={() => validateOnBlur('baseUrl')}
          />
        </Field>
      )}

      <ApiKeyField {...props} />

      {form.provider === 'openrouter' && (
        <NumberField
          label="Low-balance warning"
          id="low-balance"
          value={form.lowBalanceUsd}
          onValue={(lowBalanceUsd) => update({ lowBalanceUsd }, ['lowBalanceUsd'])}
          error={errors.lowBalanceUsd}
          disabled={busy}
          min={0}
          max={MAX_LOW_BALANCE_USD}
          step={0.01}
          unitBefore="$"
          help="In US dollars. When the key can spend less than this, the Dashboard warns you, before visitors go unanswered. Checked at most once an hour, when OpenRouter lets the key read its balance or limit. 0 turns the warning off."
        />
      )}
    </Postbox>
  );
}

/** The key row: the saved key masked (Change, Remove) or a key to type, its status and "Test API Key". */
function ApiKeyField({
  form,
  saved,
  errors,
  busy,
  removing,
  test,
  onKeyInput,
  validateOnBlur,
  onChangeKey,
  onCancelChangeKey,
  onRemoveKey,
  onTest,
}: SectionProps) {
  const isOpenRouter = form.provider === 'openrouter';
  // A saved key belongs to its provider: switching provider asks for the new one's key.
  const showKeyDisplay = saved.apiKey.saved && !form.changingKey && form.provider === saved.provider;
  const keyLeftBehind = saved.apiKey.saved && form.provider !== saved.provider;
  return (
    <Field label={isOpenRouter ? 'OpenRouter API Key' : 'API Key'} id="api-key">
      {showKeyDisplay ? (
        <>
          <div class="key-display">
            <input
              id="api-key"
              type="text"
              class="input regular-text code key-masked"
              value={maskedKey(saved)}
              readOnly
              aria-invalid={errors.apiKey ? 'true' : undefined}
              aria-describedby={describedBy(errors.apiKey && 'api-key-error', 'api-key-status', 'api-key-description')}
            />
            <div class="key-actions">
              <button type="button" id="api-key-change" class="button" onClick={onChangeKey} disabled={busy}>
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
            class="regular-text"
            value={form.apiKey}
            onInput={onKeyInput}
            autoComplete="off"
            placeholder={isOpenRouter ? 'sk-or-v1-…' : 'Leave empty if the endpoint needs no key'}
            invalid={!!errors.apiKey}
            describedBy={describedBy(errors.apiKey && 'api-key-error', 'api-key-description')}
            disabled={busy}
            toggleNoun="key"
            onBlur={() => validateOnBlur('apiKey')}
          />
          {form.changingKey && (
            <button type="button" class="button" onClick={onCancelChangeKey} disabled={busy}>
              Cancel
            </button>
          )}
        </div>
      )}
      <FieldError id="api-key-error" message={errors.apiKey} />
      <p class="description" id="api-key-description">
        {isOpenRouter ? (
          <>
            Create a key at <ExternalLink href={KEYS_URL}>openrouter.ai/settings/keys</ExternalLink>. Set a credit limit on it there to cap spending. The key is
            stored on this server only and never shown again.
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
  );
}

/** What "Test API Key" found: the key's facts, or why it did not work. */
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
