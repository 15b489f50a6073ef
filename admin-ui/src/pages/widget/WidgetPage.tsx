// Widget: the chat bubble's look and reach, the embed snippet, and a live preview of unsaved changes.
// GET/PUT /api/admin/widget/settings.
import { useTitle } from '../../components/AdminLayout.js';
import { FormNotice } from '../../components/Notice.js';
import { PageLoadState } from '../../components/PageLoadState.js';
import { SubmitRow } from '../../components/SubmitRow.js';
import type { AddressStatus } from '../../components/PublicAddressNotice.js';
import { FieldBoxes } from '../../components/FieldRows.js';
import { focusById } from '../../components/form-helpers.js';
import { useSettingsForm } from '../../components/useSettingsForm.js';
import { useResource } from '../../hooks.js';
import { CheckInstallation } from './CheckInstallation.js';
import { EmbedBox } from './EmbedBox.js';
import { ORDER, domainLines, fieldId, fromSettings, placeServerErrors, toBody, validate, type WidgetView } from './form.js';
import { widgetBoxes } from './sections.js';
import { WidgetPreview } from './WidgetPreview.js';
import './widget.css';

export default function WidgetPage() {
  useTitle('Widget');
  const { form, errors, notice, noticeRef, saving, dirty, update, bind, onSave, dismissNotice, afterRender, saved, resource } = useSettingsForm({
    url: '/api/admin/widget/settings',
    fromView: (view: WidgetView) => fromSettings(view.widget),
    validate,
    toBody,
    order: ORDER,
    fieldId,
    savedMessage: 'Settings saved. Sites that embed the widget pick up the changes on their next page load.',
    placeServerErrors,
  });
  const address = useResource<AddressStatus>('/api/admin/widget/address');

  if (!saved || !form) {
    return <PageLoadState title="Widget" what="the widget settings" error={resource.error} onRetry={resource.reload} />;
  }
  /** "Add to Allowed domains" from Check installation: into the field, to be saved with the form. */
  function addAllowedDomain(entry: string) {
    const current = form!.allowedDomains.trimEnd();
    if (!domainLines(current).includes(entry)) update({ allowedDomains: current ? `${current}\n${entry}` : entry });
    afterRender(() => focusById('w-allowedDomains'));
  }
  const domainsUnsaved = domainLines(form.allowedDomains).join('\n') !== saved.widget.allowedDomains.join('\n');

  return (
    <div class="wrap chat-admin widget-page">
      <h1>Widget</h1>
      <p class="page-intro">The chat bubble your visitors see: how it looks, what it says first, and which sites may use it.</p>
      <FormNotice notice={notice} noticeRef={noticeRef} onDismiss={dismissNotice} />

      <div class="widget-layout">
        <div>
          <EmbedBox view={saved} address={address.data} />
          <CheckInstallation onAddDomain={addAllowedDomain} domainsUnsaved={domainsUnsaved} />
          <form class="widget-form" onSubmit={onSave} noValidate>
            <FieldBoxes boxes={widgetBoxes({ form, saved, errors, saving, update, bind, afterRender })} bind={bind} />

            <SubmitRow saving={saving} dirty={dirty} />
          </form>
        </div>

        <div class="widget-preview-column">
          <WidgetPreview form={form} />
        </div>
      </div>
    </div>
  );
}
