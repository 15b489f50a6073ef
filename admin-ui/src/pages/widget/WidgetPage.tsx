// Widget: the chat bubble's look and reach, the embed snippet, and a live preview of unsaved changes.
// GET/PUT /api/admin/widget/settings.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { useTitle } from '../../components/AdminLayout.js';
import { CopyButton } from '../../components/CopyButton.js';
import { ReadOnlyField } from '../../components/ReadOnlyField.js';
import { CheckboxField, Field, SelectField, TextareaField, TextField, fieldAria } from '../../components/Field.js';
import { Notice } from '../../components/Notice.js';
import { SubmitRow } from '../../components/SubmitRow.js';
import { PageLoadState } from '../../components/PageLoadState.js';
import { PublicAddressNotice, proxyHidesAddress, type AddressStatus } from '../../components/PublicAddressNotice.js';
import { useSettingsForm, type ServerErrorPlacement } from '../../components/useSettingsForm.js';
import { focusById } from '../../components/form-helpers.js';
import { formatDateTime, relativeTime } from '../../format.js';
import { useResource } from '../../hooks.js';
import { previewDocument, type PreviewConfig } from './preview.js';
import { CheckInstallation } from './CheckInstallation.js';
import { Postbox } from '../../components/Postbox.js';
import '../../components/chat-admin.css';

interface WidgetSettings {
  botName: string;
  avatarUrl: string | null;
  primaryColor: string;
  position: 'bottom-right' | 'bottom-left';
  welcomeMessage: string;
  suggestedQuestions: string[];
  disclosure: string;
  language: string;
  openOnLoad: boolean;
  allowedDomains: string[];
}

interface WidgetView {
  widget: WidgetSettings;
  snippet: string;
  lastSeen: { origin: string; at: string } | null;
}

interface Form {
  botName: string;
  avatarUrl: string;
  primaryColor: string;
  position: 'bottom-right' | 'bottom-left';
  welcomeMessage: string;
  suggestedQuestions: string[];
  disclosure: string;
  language: string;
  openOnLoad: boolean;
  /** One domain per line, as typed. */
  allowedDomains: string;
}

type FieldKey = keyof Form;
type Errors = Partial<Record<FieldKey, string>>;

const ORDER: FieldKey[] = [
  'botName',
  'avatarUrl',
  'primaryColor',
  'position',
  'language',
  'welcomeMessage',
  'suggestedQuestions',
  'disclosure',
  'openOnLoad',
  'allowedDomains',
];
const FIELD_IDS: Partial<Record<FieldKey, string>> = {
  position: 'position-bottom-right',
  primaryColor: 'w-primaryColor-hex',
  suggestedQuestions: 'suggested-0',
  openOnLoad: 'w-openOnLoad',
};
const fieldId = (k: FieldKey) => FIELD_IDS[k] ?? `w-${k}`;

const MAX_QUESTIONS = 6;
const HEX = /^#[0-9a-fA-F]{6}$/;
const DOMAIN = /^(https?:\/\/)?(\*\.)?[a-z0-9.-]+(:\d+)?\/?$/;
const DOMAIN_MESSAGE = 'Enter domains like example.com, *.example.com or https://shop.example.com.';
/** The widget's interface languages (widget/src/i18n.ts). */
const UI_LANGUAGES: [string, string][] = [
  ['en', 'English'],
  ['de', 'Deutsch (German)'],
  ['fr', 'Français (French)'],
  ['es', 'Español (Spanish)'],
];

function fromSettings(w: WidgetSettings): Form {
  return {
    botName: w.botName,
    avatarUrl: w.avatarUrl ?? '',
    primaryColor: w.primaryColor,
    position: w.position,
    welcomeMessage: w.welcomeMessage,
    suggestedQuestions: [...w.suggestedQuestions],
    disclosure: w.disclosure,
    language: w.language,
    openOnLoad: w.openOnLoad,
    allowedDomains: w.allowedDomains.join('\n'),
  };
}

const domainLines = (text: string) =>
  text
    .split(/[\n,]+/)
    .map((d) => d.trim())
    .filter(Boolean);

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && /^https?:\/\//i.test(v);
  } catch {
    return false;
  }
}

function validate(f: Form): Errors {
  const e: Errors = {};
  const name = f.botName.trim();
  if (!name) e.botName = 'Enter a name for the bot.';
  else if (name.length > 60) e.botName = 'Keep the name to 60 characters or fewer.';
  if (f.avatarUrl.trim() && !isHttpUrl(f.avatarUrl.trim())) e.avatarUrl = 'The avatar must be an http(s) image URL.';
  if (!HEX.test(f.primaryColor.trim())) e.primaryColor = 'Use a colour like #2271b1.';
  if (f.welcomeMessage.trim().length > 500) e.welcomeMessage = 'Keep the welcome message to 500 characters or fewer.';
  const questions = f.suggestedQuestions.map((q) => q.trim()).filter(Boolean);
  if (questions.some((q) => q.length > 120)) e.suggestedQuestions = 'Keep suggested questions under 120 characters.';
  else if (questions.length > MAX_QUESTIONS) e.suggestedQuestions = 'Offer at most 6 suggested questions.';
  if (f.disclosure.trim().length > 200) e.disclosure = 'Keep the disclosure line to 200 characters or fewer.';
  const domains = domainLines(f.allowedDomains);
  const bad = domains.find((d) => !DOMAIN.test(d.toLowerCase()));
  if (bad) e.allowedDomains = `"${bad}" is not a domain. ${DOMAIN_MESSAGE}`;
  else if (domains.length > 100) e.allowedDomains = 'List at most 100 domains.';
  return e;
}

function toBody(f: Form) {
  return {
    botName: f.botName.trim(),
    avatarUrl: f.avatarUrl.trim() || null,
    primaryColor: f.primaryColor.trim(),
    position: f.position,
    welcomeMessage: f.welcomeMessage.trim(),
    suggestedQuestions: f.suggestedQuestions.map((q) => q.trim()).filter(Boolean),
    disclosure: f.disclosure.trim(),
    language: f.language,
    openOnLoad: f.openOnLoad,
    allowedDomains: domainLines(f.allowedDomains),
  };
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** Server messages for fields on this form go on them; any other is listed in the notice. */
function placeServerErrors(fields: Record<string, string>): ServerErrorPlacement<FieldKey> {
  const known: Errors = {};
  const extra: string[] = [];
  for (const [k, v] of Object.entries(fields)) {
    if ((ORDER as string[]).includes(k)) known[k as FieldKey] = v;
    else extra.push(v);
  }
  return { fields: known, extra };
}

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

  function setQuestion(i: number, v: string) {
    const next = [...form!.suggestedQuestions];
    next[i] = v;
    update({ suggestedQuestions: next });
  }
  function addQuestion() {
    const i = form!.suggestedQuestions.length;
    update({ suggestedQuestions: [...form!.suggestedQuestions, ''] });
    afterRender(() => document.getElementById(`suggested-${i}`)?.focus());
  }
  function removeQuestion(i: number) {
    const next = form!.suggestedQuestions.filter((_, j) => j !== i);
    update({ suggestedQuestions: next });
    afterRender(() => (document.getElementById(`suggested-${Math.min(i, next.length - 1)}`) ?? document.getElementById('suggested-add'))?.focus());
  }

  const colorValid = HEX.test(form.primaryColor.trim());

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
      {notice && (
        <Notice type={notice.type} noticeRef={noticeRef} onDismiss={dismissNotice} live={false} class="settings-notice">
          <p>{notice.message}</p>
          {notice.extra && notice.extra.length > 0 && (
            <ul class="notice-list">
              {notice.extra.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          )}
        </Notice>
      )}

      <div class="widget-layout">
        <div class="widget-main">
          <EmbedBox view={saved} address={address.data} />
          <CheckInstallation onAddDomain={addAllowedDomain} domainsUnsaved={domainsUnsaved} />
          <form class="widget-form" onSubmit={onSave} noValidate>
            <Postbox id="appearance-title" title="Appearance" body="inside form-table">
              <TextField label="Bot name" {...bind('botName')} maxLength={60} help="Shown at the top of the chat window." />
              <TextField
                label="Avatar URL"
                {...bind('avatarUrl')}
                type="url"
                placeholder="https://example.com/logo.png"
                help="Optional. A small square image (your logo) shown next to the bot name. Leave empty for none."
              />
              <Field
                label="Primary colour"
                id="w-primaryColor-hex"
                describes="w-primaryColor"
                error={errors.primaryColor}
                help={"The launcher button, header and your visitors' messages use it. Text on it turns black or white, whichever reads better."}
              >
                <div class="color-field">
                  <input
                    type="color"
                    id="w-primaryColor"
                    class="color-swatch"
                    value={colorValid ? form.primaryColor.trim().toLowerCase() : saved.widget.primaryColor.toLowerCase()}
                    onInput={(e) => update({ primaryColor: e.currentTarget.value })}
                    aria-label="Pick the primary colour"
                    disabled={saving}
                  />
                  <input
                    id="w-primaryColor-hex"
                    type="text"
                    class="input code hex-input"
                    value={form.primaryColor}
                    maxLength={7}
                    spellcheck={false}
                    autoComplete="off"
                    onInput={(e) => update({ primaryColor: e.currentTarget.value })}
                    {...fieldAria('w-primaryColor', errors.primaryColor)}
                    disabled={saving}
                  />
                </div>
              </Field>
              <Field label="Position" labelId="position-label" describes="w-position" error={errors.position}>
                <fieldset class="radio-group radio-inline" aria-labelledby="position-label">
                  {(['bottom-right', 'bottom-left'] as const).map((p) => (
                    <label class="radio-option" key={p}>
                      <input
                        type="radio"
                        name="position"
                        id={`position-${p}`}
                        checked={form.position === p}
                        onChange={() => update({ position: p })}
                        disabled={saving}
                      />
                      <span class="radio-title">{p === 'bottom-right' ? 'Bottom right' : 'Bottom left'}</span>
                    </label>
                  ))}
                </fieldset>
              </Field>
              <SelectField
                label="Language"
                {...bind('language')}
                help={
                  <>
                    The language of the widget's buttons and labels; Automatic uses the visitor's browser language. The answers follow "Response language" on
                    the <a href="/admin/chatbot">Chatbot</a> screen.
                  </>
                }
              >
                <option value="auto">Automatic (the visitor's language)</option>
                {UI_LANGUAGES.map(([code, name]) => (
                  <option key={code} value={code}>
                    {name}
                  </option>
                ))}
              </SelectField>
            </Postbox>

            <Postbox id="messages-title" title="Messages" body="inside form-table">
              <TextareaField
                label="Welcome message"
                {...bind('welcomeMessage')}
                rows={3}
                help="The first message in the chat window, before the visitor asks anything. **Bold** and links work."
              />
              <Field
                label="Suggested questions"
                labelId="suggested-label"
                describes="w-suggestedQuestions"
                error={errors.suggestedQuestions}
                help={`Up to ${MAX_QUESTIONS}. Buttons under the welcome message: one click asks the question. Use the questions your visitors ask most.`}
              >
                <div
                  class="question-list"
                  role="group"
                  aria-labelledby="suggested-label"
                  aria-describedby={fieldAria('w-suggestedQuestions', errors.suggestedQuestions)['aria-describedby']}
                >
                  {form.suggestedQuestions.map((q, i) => (
                    <div class="question-item" key={i}>
                      <label class="screen-reader-text" for={`suggested-${i}`}>
                        Suggested question {i + 1}
                      </label>
                      <input
                        id={`suggested-${i}`}
                        type="text"
                        class="input regular-text"
                        value={q}
                        maxLength={120}
                        placeholder="e.g. What does shipping cost?"
                        onInput={(e) => setQuestion(i, e.currentTarget.value)}
                        aria-invalid={errors.suggestedQuestions ? 'true' : undefined}
                        disabled={saving}
                      />
                      <button
                        type="button"
                        class="button-link button-link-delete"
                        onClick={() => removeQuestion(i)}
                        aria-label={`Remove suggested question ${i + 1}`}
                        disabled={saving}
                      >
                        Remove
                      </button>
                    </div>
                  ))}
                  {form.suggestedQuestions.length < MAX_QUESTIONS && (
                    <button type="button" id="suggested-add" class="button" onClick={addQuestion} disabled={saving}>
                      Add question
                    </button>
                  )}
                </div>
              </Field>
              <TextField
                label="Disclosure line"
                {...bind('disclosure')}
                class="large-text"
                maxLength={200}
                help="Small print under the chat box, telling visitors they are talking to an AI. Leave empty to hide it."
              />
              <CheckboxField
                label="Open on load"
                labelId="open-label"
                {...bind('openOnLoad')}
                text="Open the chat window when a page loads"
                help="Only on screens wider than a phone; on phones the chat always starts closed. Most sites leave this off."
              />
            </Postbox>

            <Postbox id="domains-title" title="Where it may be used" body="inside form-table">
              <TextareaField
                label="Allowed domains"
                {...bind('allowedDomains')}
                class="code"
                rows={4}
                placeholder={'example.com\n*.example.com'}
                spellcheck={false}
                autoCapitalize="off"
                help={
                  <>
                    One per line. Leave empty to allow any site; once you add one, only those sites can use the widget (and your API credit).{' '}
                    <code>example.com</code> also covers <code>www.example.com</code>; <code>*.example.com</code> covers every subdomain. This admin's own
                    preview always works.
                  </>
                }
              />
            </Postbox>

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

/** Where the snippet's address comes from, and what to do when only this computer can reach it. */
function AddressLine({ status }: { status: AddressStatus }) {
  return (
    <>
      <p class="description snippet-address">
        The widget loads from <code>{status.address}</code>:{' '}
        {status.publicUrl ? (
          <>
            Docent's <code>PUBLIC_URL</code>.
          </>
        ) : (
          <>
            the address you opened Docent at, as <code>PUBLIC_URL</code> is not set.
          </>
        )}
      </p>
      {!status.mismatch && !proxyHidesAddress(status) && status.reach === 'local' && (
        <Notice type="warning" inline live={false}>
          <p>
            <code>{status.address}</code> only works on this computer, so the widget will not appear for your visitors. Open Docent at the address visitors use
            to reach it, or set <code>PUBLIC_URL</code> to that address and restart Docent.
          </p>
        </Notice>
      )}
    </>
  );
}

function EmbedBox({ view, address }: { view: WidgetView; address: AddressStatus | null }) {
  return (
    <Postbox id="embed-title" title="Embed on your website">
      <PublicAddressNotice status={address} inline />
      <p class="embed-help" id="snippet-description">
        Paste this line into your site's HTML, just before <code>&lt;/body&gt;</code>, on every page where the chat should appear. On WordPress, a "header and
        footer scripts" plugin or your theme's footer setting does this.
      </p>
      <div class="snippet-row">
        <label class="screen-reader-text" for="embed-snippet">
          Embed snippet
        </label>
        <ReadOnlyField id="embed-snippet" class="snippet-box" value={view.snippet} describedBy="snippet-description" />
        <CopyButton text={view.snippet} fallbackFieldId="embed-snippet" label="Copy" />
      </div>
      {address && <AddressLine status={address} />}
      <p class="last-seen">
        {view.lastSeen ? (
          <>
            <span class="status-dot is-ok" aria-hidden="true" />
            Last seen on <strong>{view.lastSeen.origin}</strong>{' '}
            <time dateTime={view.lastSeen.at} title={formatDateTime(view.lastSeen.at)}>
              {relativeTime(view.lastSeen.at)}
            </time>
          </>
        ) : (
          <>
            <span class="status-dot" aria-hidden="true" />
            Not seen on a website yet. It shows here after a visitor's first question.
          </>
        )}
      </p>
    </Postbox>
  );
}

/** Whether /widget.js is served here (it is missing when only the admin was built). */
function useWidgetScriptAvailable(): boolean | null {
  const [ok, setOk] = useState<boolean | null>(null);
  useEffect(() => {
    let cancelled = false;
    fetch('/widget.js', { method: 'HEAD', credentials: 'same-origin' })
      .then((r) => !cancelled && setOk(r.ok))
      .catch(() => !cancelled && setOk(false));
    return () => {
      cancelled = true;
    };
  }, []);
  return ok;
}

function WidgetPreview({ form }: { form: Form }) {
  const available = useWidgetScriptAvailable();
  const config: PreviewConfig = useMemo(() => {
    const b = toBody(form);
    return {
      botName: b.botName || 'Assistant',
      avatarUrl: b.avatarUrl && isHttpUrl(b.avatarUrl) ? b.avatarUrl : null,
      primaryColor: HEX.test(b.primaryColor) ? b.primaryColor : '#2271b1',
      position: b.position,
      welcomeMessage: b.welcomeMessage,
      suggestedQuestions: b.suggestedQuestions.slice(0, MAX_QUESTIONS),
      disclosure: b.disclosure,
      language: b.language,
      openOnLoad: b.openOnLoad,
      strings: {},
    };
  }, [form]);
  const key = JSON.stringify(config);
  const debouncedKey = useDebounced(key, 400);
  const srcdoc = useMemo(() => previewDocument(JSON.parse(debouncedKey) as PreviewConfig), [debouncedKey]);

  return (
    <Postbox id="preview-title" title="Live preview" class="widget-preview">
      <p class="description preview-help">
        Your unsaved changes, on a sample page at phone width. Click the chat button to try it: questions get real answers from your content (and use your API
        credit).
      </p>
      {available === false ? (
        <Notice type="warning" inline>
          <p>
            The widget script (<code>/widget.js</code>) is not built on this server, so there is nothing to preview. Run <code>npm run build</code> and restart
            Docent.
          </p>
        </Notice>
      ) : (
        <iframe class="preview-frame" title="Widget preview" srcdoc={srcdoc} />
      )}
    </Postbox>
  );
}
