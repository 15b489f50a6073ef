import { useRef, useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../api.js';
import { AuthForm, AuthPasswordField, AuthScreen } from '../components/AuthScreen.js';
import { Notice } from '../components/Notice.js';
import { useTitle } from '../components/AdminLayout.js';
import { loadSession, signedIn } from '../session.js';
import type { SessionState } from '../../../server/auth/schemas.js';

const MIN_LENGTH = 10;

interface Values {
  password: string;
  confirm: string;
}
type Errors = Partial<Values>;

function validate({ password, confirm }: Values): Errors {
  const errors: Errors = {};
  if (!password) errors.password = 'Enter a password.';
  else if (password.length < MIN_LENGTH) errors.password = `Use at least ${MIN_LENGTH} characters (now ${password.length}).`;
  if (!errors.password && confirm !== password) errors.confirm = 'The two passwords do not match.';
  return errors;
}

export default function SetupPage() {
  useTitle('Welcome');
  const [values, setValues] = useState<Values>({ password: '', confirm: '' });
  const [errors, setErrors] = useState<Errors>({});
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const refs = { password: useRef<HTMLInputElement>(null), confirm: useRef<HTMLInputElement>(null) };

  /** What each of the two password fields takes from the form. */
  function bind(key: keyof Values) {
    return {
      id: `setup-${key}`,
      inputRef: refs[key],
      value: values[key],
      onInput: (value: string) => {
        const next = { ...values, [key]: value };
        setValues(next);
        // After a first attempt, errors update as the admin types (and disappear once fixed).
        if (submitted) setErrors(validate(next));
      },
      error: errors[key],
      autoComplete: 'new-password' as const,
      disabled: busy,
    };
  }

  async function onSubmit(e: Event) {
    e.preventDefault();
    if (busy) return;
    setSubmitted(true);
    setFormError(null);
    const found = validate(values);
    setErrors(found);
    if (found.password) return refs.password.current?.focus();
    if (found.confirm) return refs.confirm.current?.focus();

    setBusy(true);
    try {
      const res = await api.post<SessionState>('/api/admin/setup', { password: values.password }, { redirectOn401: false });
      signedIn(res);
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.status === 409) {
        // Someone finished the setup already: go to the login screen.
        await loadSession();
        return;
      }
      if (err instanceof ApiError && err.fields.password) {
        setErrors({ password: err.fields.password });
        refs.password.current?.focus();
      } else {
        setFormError(errorMessage(err));
      }
    }
  }

  return (
    <AuthScreen
      title="Welcome to Docent"
      intro="Docent answers your visitors’ questions from your own content. First, create the password you will use to log in to this admin."
    >
      {formError && (
        <Notice type="error">
          <p>{formError}</p>
        </Notice>
      )}
      <AuthForm onSubmit={onSubmit} busy={busy} submitLabel="Create admin account">
        <AuthPasswordField
          label="Password"
          {...bind('password')}
          help={<>At least {MIN_LENGTH} characters. A few unrelated words make a strong password that is easy to remember.</>}
          autoFocus
        />
        <AuthPasswordField label="Confirm password" {...bind('confirm')} />
      </AuthForm>
    </AuthScreen>
  );
}
