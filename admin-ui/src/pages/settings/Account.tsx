// Settings → Account: change the admin password (the current one is checked like a login; every other
// browser is logged out), and how to reset it from the server's shell when it is forgotten.
// GET /api/admin/account, POST /api/admin/account/password.
import { useState } from 'preact/hooks';
import { ApiError, api, errorMessage, setCsrfToken } from '../../api.js';
import { PasswordField } from '../../components/Field.js';
import { FormNotice } from '../../components/Notice.js';
import { SubmitRow } from '../../components/SubmitRow.js';
import { useActionNotice } from '../../components/announce.js';
import { useUnsavedChanges } from '../../components/unsaved-changes.js';
import { useFields } from '../../components/useFields.js';
import { formatDateTime, plural } from '../../format.js';
import { useResource } from '../../hooks.js';
import { Postbox } from '../../components/Postbox.js';
import type { AccountInfo, MIN_PASSWORD_LENGTH, PasswordChanged } from '../../../../server/auth/schemas.js';
import './settings.css';

/** The server's minimum (typed as its literal: a change there fails typecheck here until this follows). */
const MIN_LENGTH: typeof MIN_PASSWORD_LENGTH = 10;

type AccountField = 'currentPassword' | 'newPassword' | 'confirmPassword';
const ORDER: AccountField[] = ['currentPassword', 'newPassword', 'confirmPassword'];
const FIELD_IDS: Record<AccountField, string> = { currentPassword: 'current-password', newPassword: 'new-password', confirmPassword: 'confirm-password' };
type Form = Record<AccountField, string>;
const EMPTY: Form = { currentPassword: '', newPassword: '', confirmPassword: '' };

function validate(f: Form): Partial<Record<AccountField, string>> {
  const e: Partial<Record<AccountField, string>> = {};
  if (!f.currentPassword) e.currentPassword = 'Enter your current password.';
  if (!f.newPassword) e.newPassword = 'Enter a new password.';
  else if (f.newPassword.length < MIN_LENGTH) e.newPassword = `Use at least ${MIN_LENGTH} characters (now ${f.newPassword.length}).`;
  if (!e.newPassword && f.confirmPassword !== f.newPassword) e.confirmPassword = 'The two passwords do not match.';
  return e;
}

export default function Account() {
  const account = useResource<AccountInfo>('/api/admin/account');
  const { notice, noticeRef, show: showNotice, clear: clearNotice } = useActionNotice();
  const [saving, setSaving] = useState(false);
  const { values: form, setValues: setForm, setErrors, bind } = useFields<Form>(EMPTY, (k) => FIELD_IDS[k], saving);
  useUnsavedChanges(ORDER.some((k) => form[k] !== ''));

  function showErrors(found: Partial<Record<AccountField, string>>) {
    setErrors(found);
    const first = ORDER.find((k) => found[k])!;
    showNotice({ type: 'error', message: 'The password was not changed: please correct the highlighted fields.' }, FIELD_IDS[first]);
  }

  async function onSubmit(e: Event) {
    e.preventDefault();
    if (saving) return;
    clearNotice();
    const found = validate(form);
    if (ORDER.some((k) => found[k])) return showErrors(found);
    setSaving(true);
    try {
      const res = await api.post<PasswordChanged>('/api/admin/account/password', {
        currentPassword: form.currentPassword,
        newPassword: form.newPassword,
      });
      // This browser carries on with a new session; the CSRF token changed with it.
      setCsrfToken(res.csrfToken);
      setForm(EMPTY);
      setErrors({});
      account.reload();
      showNotice({
        type: 'success',
        message: 'Password changed.',
        extra: [
          res.otherSessionsEnded > 0
            ? `${plural(res.otherSessionsEnded, 'other browser')} ${res.otherSessionsEnded === 1 ? 'was' : 'were'} logged out: log in there with the new password.`
            : 'You were not logged in anywhere else. Other browsers will need the new password.',
        ],
      });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return; // the session is gone: the login screen takes over
      const fields = error instanceof ApiError ? error.fields : {};
      const placed = Object.fromEntries(ORDER.filter((k) => fields[k]).map((k) => [k, fields[k]]));
      if (Object.keys(placed).length) showErrors(placed);
      else showNotice({ type: 'error', message: `The password was not changed: ${errorMessage(error)}` });
    } finally {
      setSaving(false);
    }
  }

  const info = account.data;
  return (
    <>
      <FormNotice notice={notice} noticeRef={noticeRef} onDismiss={clearNotice} strong extraAs="lines" />
      <form class="settings-form" onSubmit={onSubmit} noValidate aria-busy={saving}>
        <Postbox id="password-title" title="Change password" body="inside form-table">
          {info && (
            <p class="account-summary">
              {info.passwordChangedAt && (
                <>
                  Password last changed <time dateTime={info.passwordChangedAt}>{formatDateTime(info.passwordChangedAt)}</time>.{' '}
                </>
              )}
              {info.otherSessions > 0
                ? `You are also logged in on ${plural(info.otherSessions, 'other browser')}: changing the password logs ${info.otherSessions === 1 ? 'it' : 'them'} out.`
                : 'You are not logged in anywhere else.'}
            </p>
          )}
          {/* For password managers: there is one admin and no user name. */}
          <input type="text" name="username" autoComplete="username" value="admin" hidden readOnly />
          <PasswordField label="Current password" {...bind('currentPassword')} autoComplete="current-password" help="The password you logged in with." />
          <PasswordField
            label="New password"
            {...bind('newPassword')}
            autoComplete="new-password"
            help={`At least ${MIN_LENGTH} characters. A few unrelated words make a strong password that is easy to remember.`}
          />
          <PasswordField label="Confirm new password" {...bind('confirmPassword')} autoComplete="new-password" help="Type the new password again." />
        </Postbox>
        <SubmitRow saving={saving} label="Change Password" />
      </form>
      <Postbox id="reset-title" title="Forgot the password?" class="account-reset">
        <p>
          Anyone who can log in to the server can set a new one: in Docent’s folder, run <code>npm run reset-password</code> and type the new password when
          asked. Set <code>DATA_DIR</code> as the server has it. Every browser is logged out. Docent can keep running meanwhile.
        </p>
      </Postbox>
    </>
  );
}
