import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Strings } from '../i18n.js';
import type { Ctx, Panel, QaAnswer, Source } from '../types.js';
import { link, markdown, safeUrl } from './markdown.js';
import { HttpError, postSse, Timeout } from './sse.js';
import { LeadForm } from './LeadForm.js';

export const CID = 'docent.cid';
/** Set once the visitor has filled in the pre-chat form. */
const PC = 'docent.pc';

type Msg = {
  id: string;
  role: 'user' | 'assistant';
  text: string;
  sources: Source[];
  /** wait: no token yet (Thinking… shows) · stream: tokens arriving · then done | error | stopped */
  st?: 'wait' | 'stream' | 'done' | 'error' | 'stopped';
  mid?: string; // server messageId (feedback)
  fb?: 'up' | 'down' | null;
  err?: string;
  code?: string;
  q?: string; // the question, for "Try again"
  qa?: QaAnswer[]; // the admin's own answers, offered when the bot cannot answer
  help?: boolean; // no answer or a failure: offer the admin's contact
};

/** Phones: the open panel covers the viewport (panel.css), and is then a modal dialog. */
const PHONE = '(max-width: 639.9px)';

let seq = 0;
const key = () => `k${++seq}`;

const I = ({ d }: { d: string }) => (
  <svg viewBox="0 0 24 24" aria-hidden="true">
    <path d={d} />
  </svg>
);
const X = 'M6 6l12 12M18 6 6 18';
const NEW = 'M12 20h9M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4z';
const SEND = 'M12 19V5m-7 7 7-7 7 7';
const STOP = 'M7 7h10v10H7z';
const COPY = 'M9 9h11v11H9zM5 15H4V4h11v1';
const CHECK = 'm5 12 5 5L20 7';
const MAIL = 'M3 6h18v12H3zm0 1 9 6 9-6';
const OUT = 'M7 17 17 7M9 7h8v8';
const PERSON = 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-7 9a7 7 0 0 1 14 0';
const THUMB = 'M7 10v11H3V10h4l4-7a2 2 0 0 1 2 2v4h6a2 2 0 0 1 2 2.3l-1.4 8a2 2 0 0 1-2 1.7H7';

export interface Props {
  ctx: Ctx;
  vid: string;
  s: Strings;
  open: boolean;
  ctl: Partial<Panel>;
}

export function App({ ctx, vid, s, open, ctl }: Props) {
  const { api, cfg, store } = ctx;
  const [msgs, setMsgs] = useState<Msg[]>([]);
  const [busy, setBusy] = useState(false);
  const [text, setText] = useState('');
  const [live, setLive] = useState(false);
  const [copied, setCopied] = useState('');
  const [modal, setModal] = useState(false);
  const ho = cfg.handoff;
  const talkMode = ho?.talkToPerson || 'never';
  // chat, the "Talk to a person" form, or the pre-chat form (until filled in, unless a conversation is under way).
  const [view, setView] = useState<'chat' | 'talk' | 'pre'>(ho?.preChatForm && !store.get(PC) && !store.get(CID) ? 'pre' : 'chat');
  const ac = useRef<AbortController | null>(null);
  const busyRef = useRef(false);
  const stick = useRef(true);
  const list = useRef<HTMLDivElement>(null);
  const ta = useRef<HTMLTextAreaElement>(null);
  const stopBtn = useRef<HTMLButtonElement>(null);

  const post = (path: string, body: unknown) =>
    fetch(`${api}/api/widget/${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  const patch = (id: string, p: Partial<Msg>) => setMsgs((ms) => ms.map((m) => (m.id == id ? { ...m, ...p } : m)));
  const focusInput = () => {
    if (ctx.root.activeElement) ta.current?.focus();
  };
  // From a form the visitor just used (its button is gone now): on to the question box.
  const toChat = () => {
    setView('chat');
    setTimeout(() => ta.current?.focus());
  };
  const talk = () => {
    setView('talk');
    setTimeout(() => ctx.root.querySelector<HTMLElement>('#lf-name')?.focus());
  };

  // Restore the stored conversation; live announcements start only after it has rendered.
  useEffect(() => {
    const cid = store.get(CID);
    const ready = () => setTimeout(() => setLive(true), 100);
    if (!cid) return void ready();
    fetch(`${api}/api/widget/history?visitorId=${encodeURIComponent(vid)}&conversationId=${encodeURIComponent(cid)}`)
      .then((r) => {
        if (r.ok) return r.json();
        if (r.status < 500) store.del(CID);
        throw r.status;
      })
      .then(
        (d) =>
          store.get(CID) == cid &&
          setMsgs((ms) =>
            ms.length
              ? ms
              : (d.messages || []).map(
                  (m: any): Msg => ({
                    id: key(),
                    mid: m.id,
                    role: m.role == 'user' ? 'user' : 'assistant',
                    text: m.text || '',
                    sources: m.sources || [],
                    fb: m.feedback,
                    st: 'done',
                    help: m.answered === false,
                  }),
                ),
          ),
      )
      .catch(() => {})
      .finally(ready);
  }, []);

  // Mobile full-screen sheet: follow the visual viewport so the on-screen keyboard never covers the input.
  useEffect(() => {
    const vv = window.visualViewport;
    const mq = matchMedia(PHONE);
    const fit = () => {
      const p = list.current?.parentElement;
      if (!p || !vv) return;
      p.style.height = mq.matches ? `${vv.height}px` : '';
      p.style.top = mq.matches ? `${vv.offsetTop}px` : '';
    };
    vv?.addEventListener('resize', fit);
    vv?.addEventListener('scroll', fit);
    fit();
  }, []);

  // Open on a phone, the panel covers the page: the page is made inert (not focusable, hidden from assistive
  // tech) until it closes or the viewport widens. Only the attributes set here are removed again. A layout
  // effect: the page is never left inert behind a closed panel, not even for a frame.
  useLayoutEffect(() => {
    const mq = matchMedia(PHONE);
    const host = ctx.root.host;
    let marked: Element[] = [];
    const release = () => {
      marked.forEach((el) => el.removeAttribute('inert'));
      marked = [];
    };
    const apply = () => {
      const on = open && mq.matches;
      release();
      if (on)
        for (const el of host.parentElement?.children || []) {
          if (el != host && !el.hasAttribute('inert')) {
            el.setAttribute('inert', '');
            marked.push(el);
          }
        }
      setModal(on);
    };
    apply();
    mq.addEventListener('change', apply);
    return () => {
      mq.removeEventListener('change', apply);
      release();
    };
  }, [open]);

  useLayoutEffect(() => {
    const l = list.current;
    if (l && stick.current) l.scrollTop = l.scrollHeight;
  }, [msgs, open]);

  useLayoutEffect(() => {
    // textarea grows with its content (measured only while visible)
    const t = ta.current;
    if (t && open) {
      t.style.height = '';
      t.style.height = `${Math.min(t.scrollHeight + 2, 140)}px`;
    }
  }, [text, open]);

  const send = async (question: string, retryOf?: string) => {
    const q = question.trim();
    if (!q || busyRef.current) return;
    busyRef.current = true;
    setBusy(true);
    stick.current = true;
    const c = (ac.current = new AbortController());
    const id = key();
    const cid = store.get(CID);
    let txt = '';
    let srcs: Source[] = [];
    let qa: QaAnswer[] = [];
    let mid: string | undefined;
    let end = false;
    setMsgs((ms) => [
      ...ms.filter((m) => m.id != retryOf),
      ...(retryOf ? [] : [{ id: key(), role: 'user', text: q, sources: [] } as Msg]),
      { id, role: 'assistant', text: '', sources: [], st: 'wait', q },
    ]);
    if (!retryOf) {
      setText('');
      ctx.emit('message', { role: 'user', text: q });
    }
    focusInput();
    const fail = (err: string, code = 'unavailable', help = true) => {
      patch(id, { st: 'error', err, code, sources: srcs, qa, help });
      ctx.emit('error', { code, message: err });
    };
    try {
      await postSse(`${api}/api/widget/chat`, { visitorId: vid, conversationId: cid, message: q }, c.signal, (ev, d) => {
        if (c.signal.aborted) return;
        if (ev == 'start') {
          if (d.conversationId) store.set(CID, String(d.conversationId));
          mid = d.messageId;
        } else if (ev == 'token') {
          txt += d.text || '';
          patch(id, { text: txt, st: 'stream' });
        } else if (ev == 'sources') {
          srcs = d.sources || [];
          patch(id, { sources: srcs });
        } else if (ev == 'done') {
          end = true;
          mid = d.messageId || mid;
          patch(id, { st: 'done', mid, help: d.answered === false });
          ctx.emit('message', { role: 'assistant', text: txt, messageId: mid, sources: srcs, answered: d.answered });
        } else if (ev == 'error') {
          end = true;
          if (d.sources?.length) srcs = d.sources;
          qa = d.answers || [];
          fail(d.message || s.error, d.code);
        }
        // 'thinking': the "Thinking…" indicator already shows until the first token; reasoning text is never sent.
      });
      if (!end) fail(s.error); // stream closed without done/error
    } catch (e) {
      if (c.signal.aborted) patch(id, { st: 'stopped' });
      else if (e instanceof Timeout) fail(s.timeout);
      else if (e instanceof HttpError) {
        if (e.status == 404 && cid) store.del(CID); // conversation gone: "Try again" starts a new one
        e.status == 429 || e.status == 413
          ? fail(e.said || s.rateLimited, e.status == 429 ? 'rate_limited' : 'bad_request', false)
          : fail(s.error, e.status == 400 ? 'bad_request' : undefined);
      } else fail(s.offline);
    } finally {
      if (ctx.root.activeElement == stopBtn.current) ta.current?.focus(); // the Stop button is about to vanish
      busyRef.current = false;
      setBusy(false);
      if (ac.current == c) ac.current = null;
    }
  };

  ctl.reset = () => {
    ac.current?.abort();
    if (view == 'talk') setView('chat');
    store.del(CID);
    setMsgs([]);
    setText('');
    focusInput();
  };

  const copy = (m: Msg) => {
    const done = () => {
      setCopied(m.id);
      setTimeout(() => setCopied(''), 1500);
    };
    if (navigator.clipboard) return navigator.clipboard.writeText(m.text).then(done, () => {});
    const t = document.createElement('textarea'); // http:// pages have no Clipboard API
    t.value = m.text;
    ctx.root.append(t);
    t.select();
    if (document.execCommand('copy')) done();
    t.remove();
    ta.current?.focus();
  };

  const vote = (m: Msg, v: 'up' | 'down') => {
    const value = m.fb == v ? null : v;
    patch(m.id, { fb: value });
    post('feedback', { visitorId: vid, messageId: m.mid, value }).catch(() => {});
  };

  const name = cfg.botName || 'Docent';
  const avatar = safeUrl(cfg.avatarUrl, api);
  const qs = (cfg.suggestedQuestions || []).filter(Boolean);
  const ct = cfg.contact;
  const ctHref = ct && safeUrl(ct.email ? `mailto:${ct.email}` : ct.url);

  const answer = (m: Msg) => {
    const seen = new Set<string>();
    // Only sources with a public (safe) URL are shown, each once, as links.
    const sources = m.sources.map((x) => [safeUrl(x?.url, api), x?.title] as const).filter(([u]) => u && !seen.has(u) && seen.add(u)) as [
      string,
      string | undefined,
    ][];
    return (
      // A new key when the answer finishes: the finished answer is *added* to the live region and
      // announced once, while the streaming copy is hidden from assistive tech (no token-by-token chatter).
      <div class="m b" key={m.id + (m.st == 'wait' ? 'w' : m.st == 'stream' ? 's' : '')} aria-hidden={m.st == 'stream' ? 'true' : undefined}>
        <div class="bu">
          {m.st == 'wait' ? (
            <span class="th">
              <span class="dots">
                <i />
                <i />
                <i />
              </span>
              {s.thinking}
            </span>
          ) : (
            markdown(m.text)
          )}
          {m.st == 'stopped' && <p class="nt">{s.stopped}</p>}
          {m.st == 'error' && <p class="er">{m.err}</p>}
          {m.qa?.map((x) => (
            <div class="qa">
              <p>
                <strong>{x.question}</strong>
              </p>
              {markdown(x.answer)}
            </div>
          ))}
          {sources.length > 0 && (
            <div class="src">
              <b>{s.sources}</b>
              <ul>
                {sources.map(([u, t]) => (
                  <li>{link(u, t || new URL(u).hostname)}</li>
                ))}
              </ul>
            </div>
          )}
          {m.help && ctHref && (
            <a class="ct" href={ctHref} target={ct!.email ? undefined : '_blank'} rel="noopener noreferrer">
              <I d={ct!.email ? MAIL : OUT} />
              {ct!.label || ct!.email || s.contact}
            </a>
          )}
          {m.help && talkMode != 'never' && (
            <button type="button" class="ct" onClick={talk}>
              <I d={PERSON} />
              {s.talk}
            </button>
          )}
        </div>
        {m.st == 'error' && m.q && m.code != 'limit_reached' && (
          <button type="button" class="rt" onClick={() => send(m.q!, m.id)}>
            {s.retry}
          </button>
        )}
        {m.st == 'done' && (
          <div class="ac">
            <button type="button" class="ib" aria-label={copied == m.id ? s.copied : s.copy} title={s.copy} onClick={() => copy(m)}>
              <I d={copied == m.id ? CHECK : COPY} />
            </button>
            {m.mid && [
              <button type="button" class="ib" aria-label={s.helpful} title={s.helpful} aria-pressed={m.fb == 'up'} onClick={() => vote(m, 'up')}>
                <I d={THUMB} />
              </button>,
              <button type="button" class="ib dn" aria-label={s.notHelpful} title={s.notHelpful} aria-pressed={m.fb == 'down'} onClick={() => vote(m, 'down')}>
                <I d={THUMB} />
              </button>,
            ]}
          </div>
        )}
      </div>
    );
  };

  return (
    <div
      class={ctx.left ? 'p left' : 'p'}
      role="dialog"
      aria-label={name}
      aria-modal={modal ? 'true' : undefined}
      lang={ctx.lang}
      hidden={!open}
      onKeyDown={(e) => {
        if (e.key == 'Escape') {
          e.stopPropagation();
          ctx.close();
        }
        // Modal: Tab and Shift+Tab wrap around inside the panel (the page behind is inert as well).
        if (e.key == 'Tab' && modal) {
          const f = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('button,textarea,input,a[href]')].filter(
            (x) => !x.disabled && x.tabIndex >= 0 && x.getClientRects().length,
          );
          const at = ctx.root.activeElement;
          if (e.shiftKey ? at == f[0] : at == f[f.length - 1]) {
            e.preventDefault();
            f[e.shiftKey ? f.length - 1 : 0]?.focus();
          }
        }
      }}
    >
      <div class="hd">
        <span class="av" aria-hidden="true">
          {avatar ? <img src={avatar} alt="" /> : name.trim().charAt(0).toUpperCase()}
        </span>
        <div class="nm">{name}</div>
        {talkMode == 'always' && view == 'chat' && (
          <button type="button" class="ib" aria-label={s.talk} title={s.talk} onClick={talk}>
            <I d={PERSON} />
          </button>
        )}
        {view != 'pre' && (
          <button type="button" class="ib" aria-label={s.newChat} title={s.newChat} onClick={ctl.reset}>
            <I d={NEW} />
          </button>
        )}
        <button type="button" class="ib" aria-label={s.closeChat} title={s.closeChat} onClick={ctx.close}>
          <I d={X} />
        </button>
      </div>
      {view != 'chat' && (
        <div class="ms">
          <LeadForm
            ctx={ctx}
            vid={vid}
            s={s}
            cid={store.get(CID)}
            pre={view == 'pre'}
            done={() => {
              store.set(PC, '1');
              toChat();
            }}
            back={view == 'talk' ? toChat : undefined}
          />
        </div>
      )}
      <div
        class="ms"
        ref={list}
        aria-live={live ? 'polite' : 'off'}
        hidden={view != 'chat'}
        onScroll={(e) => {
          const l = e.currentTarget;
          stick.current = l.scrollHeight - l.scrollTop - l.clientHeight < 40;
        }}
      >
        {cfg.welcomeMessage && (
          <div class="m b">
            <div class="bu">{markdown(cfg.welcomeMessage)}</div>
          </div>
        )}
        {!msgs.length && qs.length > 0 && (
          <div class="qs" role="group" aria-label={s.suggestions}>
            {qs.map((q) => (
              <button type="button" class="q" onClick={() => send(q)}>
                {q}
              </button>
            ))}
          </div>
        )}
        {msgs.map((m) =>
          m.role == 'user' ? (
            <div class="m u" key={m.id}>
              <div class="bu">{m.text}</div>
            </div>
          ) : (
            answer(m)
          ),
        )}
      </div>
      <form
        class="f"
        hidden={view != 'chat'}
        onSubmit={(e) => {
          e.preventDefault();
          send(text);
        }}
      >
        <textarea
          ref={ta}
          rows={1}
          value={text}
          aria-label={s.inputLabel}
          placeholder={s.placeholder}
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key == 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode != 229) {
              e.preventDefault();
              send(e.currentTarget.value);
            }
          }}
        />
        {busy ? (
          <button type="button" key="stop" class="ib go stop" ref={stopBtn} aria-label={s.stop} title={s.stop} onClick={() => ac.current?.abort()}>
            <I d={STOP} />
          </button>
        ) : (
          <button type="submit" key="send" class="ib go" aria-label={s.send} title={s.send} disabled={!text.trim()}>
            <I d={SEND} />
          </button>
        )}
      </form>
      {cfg.disclosure && <p class="dc">{cfg.disclosure}</p>}
    </div>
  );
}
