import { useRef, useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../api.js';
import { AuthForm, AuthPasswordField, AuthScreen } from '../components/AuthScreen.js';
import { Notice } from '../components/Notice.js';
import { useTitle } from '../components/AdminLayout.js';
import { loadSession, signedIn } from '../session.js';
import type { SessionState } from '../../../server/auth/schemas.js';

const MIN_LENGTH = 10;

interface Errors {
  password?: string;
  confirm?: string;
}

function validate(password: string, confirm: string): Errors {
  const errors: Errors = {};
  if (!password) errors.password = 'Enter a password.';
  else if (password.length < MIN_LENGTH) errors.password = `Use at least ${MIN_LENGTH} characters (now ${password.length}).`;
  if (!errors.password && confirm !== password) errors.confirm = 'The two passwords do not match.';
  return errors;
}

export default function SetupPage() {
  useTitle('Welcome');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const confirmRef = useRef<HTMLInputElement>(null);

  // After a first attempt, errors update as the admin types (and disappear once fixed).
  function update(p: string, c: string) {
    setPassword(p);
    setConfirm(c);
    if (submitted) setErrors(validate(p, c));
  }

  async function onSubmit(e: Event) {
    e.preventDefault();
    if (busy) return;
    setSubmitted(true);
    setFormError(null);
    const found = validate(password, confirm);
    setErrors(found);
    if (found.password) return passwordRef.current?.focus();
    if (found.confirm) return confirmRef.current?.focus();

    setBusy(true);
    try {
      const res = await api.post<SessionState>('/api/admin/setup', { password }, { redirectOn401: false });
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
        passwordRef.current?.focus();
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
          id="setup-password"
          label="Password"
          inputRef={passwordRef}
          value={password}
          onInput={(v) => update(v, confirm)}
          autoComplete="new-password"
          error={errors.password}
          help={<>At least {MIN_LENGTH} characters. A few unrelated words make a strong password that is easy to remember.</>}
          disabled={busy}
          autoFocus
        />
        <AuthPasswordField
          id="setup-confirm"
          label="Confirm password"
          inputRef={confirmRef}
          value={confirm}
          onInput={(v) => update(password, v)}
          autoComplete="new-password"
          error={errors.confirm}
          disabled={busy}
        />
      </AuthForm>
    </AuthScreen>
  );
}
