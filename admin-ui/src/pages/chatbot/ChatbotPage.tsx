// Chatbot: how Docent answers (instructions, language, model knobs, retrieval, strict/relaxed),
// abuse and cost protection for the public widget, and privacy. GET/PUT /api/admin/chatbot/settings.
import { useTitle } from '../../components/AdminLayout.js';
import { FieldBoxes } from '../../components/FieldRows.js';
import { FormNotice } from '../../components/Notice.js';
import { PageLoadState } from '../../components/PageLoadState.js';
import { SubmitRow } from '../../components/SubmitRow.js';
import { useSettingsForm } from '../../components/useSettingsForm.js';
import { ORDER, fieldId, fromSettings, placeServerErrors, toBody, validate } from './form.js';
import { chatbotBoxes } from './sections.js';
import './chatbot.css';

export default function ChatbotPage() {
  useTitle('Chatbot');
  const { form, errors, sectionErrors, notice, noticeRef, saving, dirty, update, bind, onSave, dismissNotice, saved, resource } = useSettingsForm({
    url: '/api/admin/chatbot/settings',
    fromView: fromSettings,
    validate,
    toBody,
    order: ORDER,
    fieldId,
    savedMessage: 'Settings saved.',
    placeServerErrors,
  });

  if (!saved || !form) {
    return <PageLoadState title="Chatbot" what="the chatbot settings" error={resource.error} onRetry={resource.reload} />;
  }

  return (
    <div class="wrap chat-admin">
      <h1>Chatbot</h1>
      <p class="page-intro">How Docent answers your visitors, how much it may cost, and what it keeps.</p>
      <FormNotice notice={notice} noticeRef={noticeRef} onDismiss={dismissNotice} />
      <form onSubmit={onSave} noValidate>
        <FieldBoxes boxes={chatbotBoxes({ form, errors, sectionErrors, saving, update, bind })} bind={bind} />

        <SubmitRow saving={saving} dirty={dirty} />
      </form>
    </div>
  );
}
