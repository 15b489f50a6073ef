// Settings → Notifications: where Docent tells the admin about leads and problems (e-mail through their SMTP
// server, a signed webhook), which events go where, the optional digest, and the last deliveries.
// GET/PUT /api/admin/notifications, POST …/test/email, …/test/webhook, …/webhook/secret,
// GET …/deliveries, POST …/deliveries/:id/retry (server/README.md).
import { useEffect, useState } from 'preact/hooks';
import { TabLoadState } from '../../../components/PageLoadState.js';
import { FormNotice } from '../../../components/Notice.js';
import { SubmitRow } from '../../../components/SubmitRow.js';
import { focusById } from '../../../components/form-helpers.js';
import { useSettingsForm, type FieldErrors } from '../../../components/useSettingsForm.js';
import { useResource } from '../../../hooks.js';
import type { DeliveryList, NotificationSettingsView as SettingsView } from '../../../../../server/notifications/schemas.js';
import { Deliveries } from './Deliveries.js';
import { DigestSection, EmailSection, EventRoutes } from './sections.js';
import { ORDER, fieldId, fromView, placeServerErrors, toBody, validate, type FieldKey, type Form } from './form.js';
import { WebhookSection } from './WebhookSection.js';
import './notifications.css';

export default function Notifications() {
  const form = useSettingsForm<SettingsView, Form, FieldKey>({
    url: '/api/admin/notifications',
    fromView,
    validate,
    toBody,
    order: ORDER,
    fieldId,
    savedMessage: 'Notification settings saved.',
    placeServerErrors,
  });
  const { saved, errors, notice, noticeRef, saving, dirty, update, onSave, dismissNotice, resource } = form;
  const deliveries = useResource<DeliveryList>('/api/admin/notifications/deliveries');
  /** Errors found by a test button: shown on the fields like the form's own, until the field is edited. */
  const [testErrors, setTestErrors] = useState<FieldErrors<FieldKey>>({});

  useEffect(() => {
    if (saved) deliveries.reload();
  }, [saved]);

  if (!saved || !form.form) {
    return <TabLoadState what="the notification settings" loading="notification settings" error={resource.error} onRetry={resource.reload} minHeight={480} />;
  }
  const f = form.form;
  const shownErrors: FieldErrors<FieldKey> = { ...testErrors, ...errors };

  function set(patch: Partial<Form>) {
    update(patch);
    const keys = Object.keys(patch);
    if (keys.some((k) => k in testErrors)) setTestErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !keys.includes(k))));
  }
  /** The form's binding, with the test's errors shown too and edits clearing them. */
  const bind = <K extends keyof Form>(k: K) => ({
    id: fieldId(k),
    value: f[k],
    onValue: (v: Form[K]) => set({ [k]: v }),
    error: shownErrors[k as FieldKey],
    disabled: saving,
  });

  function showTestErrors(found: FieldErrors<FieldKey>) {
    setTestErrors(found);
    const first = ORDER.find((k) => found[k]);
    if (first) setTimeout(() => focusById(fieldId(first)), 0);
  }
  const sectionProps = { f, saved, set, bind, errors: shownErrors, busy: saving, showTestErrors };

  return (
    <>
      <FormNotice notice={notice} noticeRef={noticeRef} onDismiss={dismissNotice} live strong extraAs="lines" />
      <p class="ntf-intro">
        Docent tells you when something needs you: a new lead, a problem with the API key or credits, the spend cap, a model that stops answering. Each event is
        sent once, in the background, and retried for hours if your mail server or receiver is down.
      </p>
      <form class="settings-form ntf-form" onSubmit={onSave} noValidate aria-busy={saving}>
        <EmailSection {...sectionProps} />
        <WebhookSection {...sectionProps} />
        <EventRoutes {...sectionProps} />
        <DigestSection {...sectionProps} />

        <SubmitRow saving={saving} dirty={dirty} />
      </form>

      <Deliveries resource={deliveries} />
    </>
  );
}
