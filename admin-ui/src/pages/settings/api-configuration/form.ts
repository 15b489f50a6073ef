// API Configuration's form: its state, the browser-side checks (same messages as the server) and the saved key's mask.
import { checkDecimal, parseDecimal } from '../../../components/form-helpers.js';
import { isHttpUrl } from '../../training/shared.js';
import {
  DEFAULT_CHAT_MODEL,
  type ApiSettings,
  type ApiSettingsUpdate,
  type KeyTestResult,
  type ModelCatalog,
  type ModelInfo,
  type Provider,
} from '../../../types.js';

export const OPENROUTER_KEY = /^sk-or-v1-[0-9a-f]{64}$/;
export const KEY_FORMAT_MESSAGE = 'OpenRouter keys look like sk-or-v1-… (64 hex characters after the prefix).';
export const MAX_FALLBACKS = 2;
export const MAX_LOW_BALANCE_USD = 10_000;
export const LOW_BALANCE_MESSAGE = `Enter an amount in US dollars from 0 to ${MAX_LOW_BALANCE_USD.toLocaleString('en')} (0 turns the warning off).`;
/** The saved key's status fields: they change on the server without the form (tests, chats, checks). */
export const STATUS_FIELDS = ['keyCheck', 'keyStatus', 'balance'] as const;

export interface FormState {
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

export type Errors = Partial<Record<'provider' | 'baseUrl' | 'apiKey' | 'lowBalanceUsd' | 'model' | 'fallbackModels' | 'reasoningEnabled', string>>;
export const FIELD_ORDER: (keyof Errors)[] = ['provider', 'baseUrl', 'apiKey', 'lowBalanceUsd', 'model', 'reasoningEnabled', 'fallbackModels'];
/** The control to focus for a field in error (the provider's is the checked radio, found by its name). */
export const FIELD_IDS: Record<Exclude<keyof Errors, 'provider'>, string> = {
  baseUrl: 'base-url',
  apiKey: 'api-key',
  lowBalanceUsd: 'low-balance',
  model: 'model',
  reasoningEnabled: 'reasoning',
  fallbackModels: 'fallback-0',
};

export type TestState =
  | { status: 'idle' }
  | { status: 'testing' }
  | { status: 'done'; result: KeyTestResult; stored: boolean; noKey?: boolean; provider: Provider }
  | { status: 'failed'; message: string };

export function fromSettings(s: ApiSettings): FormState {
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

export function validateKey(provider: Provider, key: string): string | undefined {
  const k = key.trim();
  if (k && provider === 'openrouter' && !OPENROUTER_KEY.test(k)) return KEY_FORMAT_MESSAGE;
  return undefined;
}

export function validateBaseUrl(provider: Provider, url: string): string | undefined {
  if (provider !== 'openai-compatible') return undefined;
  const u = url.trim();
  if (!u) return 'Enter the base URL of the endpoint, for example http://localhost:11434/v1.';
  if (!isHttpUrl(u)) return 'Enter a full URL starting with http:// or https://.';
  return undefined;
}

export function validate(f: FormState): Errors {
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

/** What the chosen model can do with reasoning (a model not in the list may support it). */
export function reasoningOf(model: ModelInfo | null | undefined) {
  return { supported: model ? model.reasoning.supported : true, mandatory: !!model?.reasoning.mandatory };
}

/** The PUT body: a blank key keeps the stored one; only the chosen provider's own setting is sent. */
export function toBody(form: FormState, reasoningSupported: boolean): ApiSettingsUpdate {
  const body: ApiSettingsUpdate = {
    provider: form.provider,
    model: form.model.trim(),
    fallbackModels: form.fallbackModels.filter(Boolean),
    reasoningEnabled: reasoningSupported ? form.reasoningEnabled : false,
  };
  if (form.provider === 'openai-compatible') body.baseUrl = form.baseUrl.trim();
  else body.lowBalanceUsd = parseDecimal(form.lowBalanceUsd)!;
  if (form.apiKey.trim()) body.apiKey = form.apiKey.trim();
  return body;
}

export function sameForm(a: FormState, b: FormState): boolean {
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

export function maskedKey(s: ApiSettings): string {
  return `${s.provider === 'openrouter' ? 'sk-or-v1-' : ''}••••••••${s.apiKey.last4 ?? ''}`;
}

/** What the screen's sections get: the form and the saved settings, and the actions on them (ApiConfiguration.tsx). */
export interface SectionProps {
  form: FormState;
  saved: ApiSettings;
  errors: Errors;
  busy: boolean;
  update: (patch: Partial<FormState>, clear?: (keyof Errors)[]) => void;
  // Connection and the key
  /** Provider or base URL changed (an earlier key test no longer applies). */
  changeConnection: (patch: Partial<FormState>, clear: (keyof Errors)[]) => void;
  validateOnBlur: (field: 'apiKey' | 'baseUrl') => void;
  removing: boolean;
  test: TestState;
  onKeyInput: (key: string) => void;
  onChangeKey: () => void;
  onCancelChangeKey: () => void;
  onRemoveKey: () => void;
  onTest: () => void;
  // Models
  models: ModelInfo[];
  catalog: ModelCatalog | null;
  catalogLoading: boolean;
  catalogError: string | null;
  refreshCatalog: () => void;
  reasoningSupported: boolean;
  reasoningMandatory: boolean;
  setFallback: (i: number, id: string) => void;
  addFallback: () => void;
  removeFallback: (i: number) => void;
}
