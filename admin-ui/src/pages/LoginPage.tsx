import { useEffect, useRef, useState } from 'preact/hooks';
import { api, errorMessage } from '../api.js';
import { AuthForm, AuthPasswordField, AuthScreen } from '../components/AuthScreen.js';
import { Notice } from '../components/Notice.js';
import { useTitle } from '../components/AdminLayout.js';
import { loginNotice, signedIn } from '../session.js';
import type { SessionState } from '../../../server/auth/schemas.js';

export default function LoginPage() {
  useTitle('Log in');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);
  const notice = loginNotice.value;

  useEffect(() => passwordRef.current?.focus(), []);

  async function onSubmit(e: Event) {
    e.preventDefault();
    if (busy) return;
    if (!password) {
      setError('Enter your password.');
      passwordRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const res = await api.post<SessionState>('/api/admin/login', { password }, { redirectOn401: false });
      signedIn(res);
    } catch (err) {
      setBusy(false);
      setError(errorMessage(err));
      // Let the admin retype at once.
      setTimeout(() => passwordRef.current?.select(), 0);
    }
  }

  return (
    <AuthScreen title="Log in">
      {error ? (
        <Notice type="error" id="login-error">
          <p>{error}</p>
        </Notice>
      ) : (
        notice && (
          <Notice type={notice.type}>
            <p>{notice.message}</p>
          </Notice>
        )
      )}
      <AuthForm onSubmit={onSubmit} busy={busy} submitLabel="Log in">
        <AuthPasswordField
          id="login-password"
          label="Password"
          inputRef={passwordRef}
          value={password}
          onInput={setPassword}
          autoComplete="current-password"
          invalid={!!error}
          describedBy={error ? 'login-error' : undefined}
          disabled={busy}
        />
      </AuthForm>
    </AuthScreen>
  );
}
