import type { ComponentChildren, Ref } from 'preact';
import { RadioField } from '../../../components/RadioGroup.js';
import { Field, fieldAria } from '../../../components/Field.js';
import { Postbox } from '../../../components/Postbox.js';
import { type Errors, type FormState, MAX_LOW_BALANCE_USD } from './form.js';

interface Props {
  form: FormState;
  errors: Errors;
  busy: boolean;
  update: (patch: Partial<FormState>, clear?: (keyof Errors)[]) => void;
  /** Provider or base URL changed (an earlier key test no longer applies). */
  changeConnection: (patch: Partial<FormState>, clear: (keyof Errors)[]) => void;
  baseUrlRef: Ref<HTMLInputElement>;
  onBaseUrlBlur: () => void;
  /** The API key row, between the base URL and the low-balance warning. */
  keyField: ComponentChildren;
}

/** The Connection postbox: provider, base URL, the key row and the low-balance warning. */
export function ConnectionSection({ form, errors, busy, update, changeConnection, baseUrlRef, onBaseUrlBlur, keyField }: Props) {
  const isOpenRouter = form.provider === 'openrouter';
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
            ref={baseUrlRef}
            type="url"
            class="input regular-text code"
            value={form.baseUrl}
            placeholder="http://localhost:11434/v1"
            autoComplete="off"
            spellcheck={false}
            disabled={busy}
            {...fieldAria('base-url', errors.baseUrl)}
            onInput={(e) => changeConnection({ baseUrl: e.currentTarget.value }, ['baseUrl'])}
            onBlur={onBaseUrlBlur}
          />
        </Field>
      )}

      {keyField}

      {isOpenRouter && (
        <Field
          label="Low-balance warning"
          id="low-balance"
          error={errors.lowBalanceUsd}
          help="In US dollars. When the key can spend less than this, the Dashboard warns you, before visitors go unanswered. Checked at most once an hour, when OpenRouter lets the key read its balance or limit. 0 turns the warning off."
        >
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
              {...fieldAria('low-balance', errors.lowBalanceUsd)}
              onInput={(e) => update({ lowBalanceUsd: e.currentTarget.value }, ['lowBalanceUsd'])}
            />
          </span>
        </Field>
      )}
    </Postbox>
  );
}
