// "Talk to a person" and the pre-chat form: name, e-mail, (message), the admin's consent text, and a honeypot
// field no person sees. Posted to /api/widget/leads (server/leads). Everything typed stays text: Preact
// renders it as text nodes and attribute values, never as HTML.
import { useRef, useState } from 'preact/hooks';
import type { Strings } from '../i18n.js';
import type { Ctx } from '../types.js';

export interface LeadProps {
  ctx: Ctx;
  vid: string;
  s: Strings;
  /** pre: before the first question (no message); the chat continues after it. */
  pre?: boolean;
  cid: string | null;
  done(): void;
  back?(): void;
}

type Field = 'name' | 'email' | 'message' | 'consent';
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export function LeadForm({ ctx, vid, s, pre, cid, done, back }: LeadProps) {
  const consent = ctx.cfg.handoff?.consentText || '';
  const [v, setV] = useState({ name: '', email: '', message: '', website: '', consent: false });
  const [errs, setErrs] = useState<Partial<Record<Field | 'form', string>>>({});
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  const set = (k: keyof typeof v, x: string | boolean) => {
    setV({ ...v, [k]: x });
    if (errs[k as Field]) setErrs({ ...errs, [k]: undefined });
  };
  const focusFirst = (e: Partial<Record<string, string>>) =>
    setTimeout(() => form.current?.querySelector<HTMLElement>(`[name=${['name', 'email', 'message', 'consent'].find((k) => e[k])}]`)?.focus());

  const submit = async (ev: Event) => {
    ev.preventDefault();
    if (busy) return;
    const name = v.name.trim(),
      email = v.email.trim(),
      message = v.message.trim();
    const e: Partial<Record<Field | 'form', string>> = {};
    if (!name) e.name = s.noName;
    if (!EMAIL.test(email) || email.length > 254) e.email = s.badEmail;
    if (!pre && !message) e.message = s.noMessage;
    else if ([...message].length > 2000) e.message = s.tooLong;
    if (consent && !v.consent) e.consent = s.noConsent;
    setErrs(e);
    if (Object.keys(e).length) return focusFirst(e);
    setBusy(true);
    try {
      const r = await fetch(`${ctx.api}/api/widget/leads`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          visitorId: vid,
          conversationId: cid,
          kind: pre ? 'pre_chat' : 'talk',
          name,
          email,
          message,
          consent: v.consent,
          website: v.website,
        }),
      });
      if (r.ok) {
        if (pre) done();
        else setSent(true);
        return;
      }
      const j = await r.json().catch(() => ({}));
      // The server's field messages are the same rules in English; the visitor's language is used when known.
      const f: Record<string, string> = j.fields || {};
      const mine: Partial<Record<Field | 'form', string>> = {};
      for (const k of Object.keys(f))
        mine[k as Field] =
          (k == 'message' && /long/.test(f[k])
            ? s.tooLong
            : (s as any)[{ name: 'noName', email: 'badEmail', message: 'noMessage', consent: 'noConsent' }[k] || '']) || f[k];
      if (!Object.keys(mine).length) mine.form = r.status == 429 || r.status == 403 ? j.message || s.error : s.error;
      setErrs(mine);
      focusFirst(mine);
    } catch {
      setErrs({ form: s.offline });
    } finally {
      setBusy(false);
    }
  };

  if (sent)
    return (
      <div class="lf">
        <p class="ok" role="status">
          {s.thanks}
        </p>
        <button type="button" class="rt" ref={(b) => b?.focus()} onClick={back}>
          {s.back}
        </button>
      </div>
    );

  const field = (k: 'name' | 'email' | 'message', label: string, type: 'text' | 'email' = 'text', auto = '') => (
    <div class="fl">
      <label for={`lf-${k}`}>{label}</label>
      {k == 'message' ? (
        <textarea
          id="lf-message"
          name="message"
          rows={3}
          value={v.message}
          onInput={(e) => set(k, e.currentTarget.value)}
          aria-invalid={errs[k] ? 'true' : undefined}
          aria-describedby={errs[k] ? 'lf-message-e' : undefined}
        />
      ) : (
        <input
          id={`lf-${k}`}
          name={k}
          {...({ type } as object)}
          autoComplete={auto}
          value={v[k]}
          onInput={(e) => set(k, e.currentTarget.value)}
          aria-invalid={errs[k] ? 'true' : undefined}
          aria-describedby={errs[k] ? `lf-${k}-e` : undefined}
        />
      )}
      {errs[k] && (
        <p class="fe" id={`lf-${k}-e`}>
          {errs[k]}
        </p>
      )}
    </div>
  );

  return (
    <form class="lf" ref={form} onSubmit={submit} noValidate>
      {!pre && <h2>{s.talk}</h2>}
      <p>{pre ? s.preChat : s.talkIntro}</p>
      {field('name', s.name, 'text', 'name')}
      {field('email', s.email, 'email', 'email')}
      {!pre && field('message', s.message)}
      {/* The honeypot: off-screen, out of the tab order and hidden from assistive tech; only bots fill it. */}
      <div class="hp" aria-hidden="true">
        <input name="website" tabIndex={-1} autoComplete="off" value={v.website} onInput={(e) => set('website', e.currentTarget.value)} />
      </div>
      {consent && (
        <div class="fl">
          <label class="cn">
            <input
              type="checkbox"
              name="consent"
              checked={v.consent}
              onChange={(e) => set('consent', e.currentTarget.checked)}
              aria-invalid={errs.consent ? 'true' : undefined}
              aria-describedby={errs.consent ? 'lf-consent-e' : undefined}
            />
            <span>{consent}</span>
          </label>
          {errs.consent && (
            <p class="fe" id="lf-consent-e">
              {errs.consent}
            </p>
          )}
        </div>
      )}
      {errs.form && (
        <p class="fe" role="alert">
          {errs.form}
        </p>
      )}
      <div class="lb">
        <button type="submit" class="sb" disabled={busy}>
          {pre ? s.startChat : s.sendForm}
        </button>
        {back && (
          <button type="button" class="rt" onClick={back}>
            {s.back}
          </button>
        )}
      </div>
    </form>
  );
}
