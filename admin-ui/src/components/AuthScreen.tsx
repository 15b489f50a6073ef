import type { ComponentChildren } from 'preact';
import { FieldNotes, describedBy } from './Field.js';
import { Icon } from './Icon.js';
import { PasswordInput, type PasswordInputProps } from './PasswordInput.js';
import { Spinner } from './Spinner.js';
import './auth-screen.css';

/** Centered box on grey, like the WordPress login screen: the logo, then the screen's title and intro when given. */
export function AuthScreen({ title, intro, children }: { title?: string; intro?: ComponentChildren; children: ComponentChildren }) {
  return (
    <div class="auth-screen">
      <main class="auth-box">
        <p class="auth-logo">
          <Icon name="logo" size={40} />
          <span>Docent</span>
        </p>
        {title && <h1 class="auth-title">{title}</h1>}
        {intro && <p class="auth-intro">{intro}</p>}
        {children}
      </main>
    </div>
  );
}

/** The setup or login form: its fields in a white box, then the submit button (a spinner beside it while busy). */
export function AuthForm({
  onSubmit,
  busy,
  submitLabel,
  children,
}: {
  onSubmit: (e: Event) => void;
  busy: boolean;
  submitLabel: string;
  children: ComponentChildren;
}) {
  return (
    <form class="auth-form" onSubmit={onSubmit} noValidate>
      {/* For password managers: there is one admin and no user name. */}
      <input type="text" name="username" autoComplete="username" value="admin" hidden readOnly />
      {children}
      <div class="auth-submit">
        {busy && <Spinner />}
        <button type="submit" class="button button-primary button-large" disabled={busy}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}

/** A password of the setup or login form: label above, the error and help under it. */
export function AuthPasswordField({
  id,
  label,
  error,
  invalid,
  describedBy: other,
  help,
  ...input
}: PasswordInputProps & {
  label: string;
  /** Shown under the field (`${id}-error`); `invalid` alone marks the field when the message is elsewhere (a notice in `describedBy`). */
  error?: string;
  /** Help under the field (`${id}-description`). */
  help?: ComponentChildren;
}) {
  return (
    <div class="auth-field">
      <label for={id}>{label}</label>
      <PasswordInput
        id={id}
        {...input}
        invalid={invalid || !!error}
        describedBy={describedBy(error && `${id}-error`, other, help != null && `${id}-description`)}
      />
      <FieldNotes errorId={`${id}-error`} error={error} help={help} helpId={`${id}-description`} />
    </div>
  );
}
