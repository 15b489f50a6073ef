import { useState } from 'preact/hooks';
import type { Ref } from 'preact';
import { Icon } from './Icon.js';

export interface PasswordInputProps {
  id: string;
  value: string;
  onInput: (value: string) => void;
  autoComplete: string;
  invalid?: boolean;
  describedBy?: string;
  disabled?: boolean;
  inputRef?: Ref<HTMLInputElement>;
  placeholder?: string;
  class?: string;
  autoFocus?: boolean;
  onBlur?: () => void;
  /** What the show/hide button names: "Show password" (default) or e.g. "Show key". */
  toggleNoun?: string;
}

/** Password field with a show/hide button (like the WordPress login screen). */
export function PasswordInput(p: PasswordInputProps) {
  const [shown, setShown] = useState(false);
  return (
    <div class={`password-field${p.class ? ` ${p.class}` : ''}`}>
      <input
        id={p.id}
        ref={p.inputRef}
        // Cast: the JSX types only allow some attributes per input type; both types take the same ones here.
        type={(shown ? 'text' : 'password') as 'text'}
        class="input"
        value={p.value}
        onInput={(e) => p.onInput(e.currentTarget.value)}
        autoComplete={p.autoComplete}
        autoCapitalize="off"
        spellcheck={false}
        aria-invalid={p.invalid ? 'true' : undefined}
        aria-describedby={p.describedBy}
        disabled={p.disabled}
        placeholder={p.placeholder}
        autoFocus={p.autoFocus}
        onBlur={p.onBlur}
        data-1p-ignore={p.autoComplete === 'off' ? '' : undefined}
        data-lpignore={p.autoComplete === 'off' ? 'true' : undefined}
      />
      <button
        type="button"
        class="button button-secondary password-toggle"
        aria-label={`${shown ? 'Hide' : 'Show'} ${p.toggleNoun ?? 'password'}`}
        aria-pressed={shown}
        aria-controls={p.id}
        onClick={() => setShown((s) => !s)}
        disabled={p.disabled}
      >
        <Icon name={shown ? 'eye-off' : 'eye'} />
      </button>
    </div>
  );
}
