import type { Ref } from 'preact';
import { Field, FieldError, describedBy } from '../../../components/Field.js';
import { Icon } from '../../../components/Icon.js';
import { PasswordInput } from '../../../components/PasswordInput.js';
import { Spinner } from '../../../components/Spinner.js';
import type { ApiSettings } from '../../../types.js';
import { BalanceLine, KeyStatusLine } from '../KeyStatus.js';
import { type Errors, type FormState, type TestState, maskedKey } from './form.js';
import { KeyTestOutcome } from './KeyTestOutcome.js';

interface Props {
  form: FormState;
  saved: ApiSettings;
  errors: Errors;
  busy: boolean;
  removing: boolean;
  test: TestState;
  keyInputRef: Ref<HTMLInputElement>;
  onKeyInput: (key: string) => void;
  onKeyBlur: () => void;
  onChangeKey: () => void;
  onCancelChangeKey: () => void;
  onRemoveKey: () => void;
  onTest: () => void;
}

/** The key row: the saved key masked (Change, Remove) or a key to type, its status and "Test API Key". */
export function ApiKeyField({
  form,
  saved,
  errors,
  busy,
  removing,
  test,
  keyInputRef,
  onKeyInput,
  onKeyBlur,
  onChangeKey,
  onCancelChangeKey,
  onRemoveKey,
  onTest,
}: Props) {
  const isOpenRouter = form.provider === 'openrouter';
  const keyLabel = isOpenRouter ? 'OpenRouter API Key' : 'API Key';
  // A saved key belongs to its provider: switching provider asks for the new one's key.
  const showKeyDisplay = saved.apiKey.saved && !form.changingKey && form.provider === saved.provider;
  const keyLeftBehind = saved.apiKey.saved && form.provider !== saved.provider;
  return (
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
            inputRef={keyInputRef}
            class="regular-text"
            value={form.apiKey}
            onInput={onKeyInput}
            autoComplete="off"
            placeholder={isOpenRouter ? 'sk-or-v1-…' : 'Leave empty if the endpoint needs no key'}
            invalid={!!errors.apiKey}
            describedBy={describedBy(errors.apiKey && 'api-key-error', 'api-key-description')}
            disabled={busy}
            toggleNoun="key"
            onBlur={onKeyBlur}
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
  );
}
