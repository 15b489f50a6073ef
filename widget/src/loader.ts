// Docent widget loader: the only script a site embeds (≤ 3 KB gzip, tested in widget/size.test.ts).
// It reads its own <script> tag, fetches the widget config, draws the launcher in a Shadow DOM and
// loads the Preact panel (a separate, hashed file next to widget.js) on first open.
// It defines exactly one global, `window.Docent`, and never throws into the host page.
import css from './launcher.css?inline';
import panelFile from 'virtual:docent-panel';
import { OPEN } from './i18n.js';
import type { Ctx, EventName, Mount, Panel, Store, WidgetConfig } from './types.js';

type Fn = (...a: any[]) => unknown;
type DocentFn = Fn & { q?: ArrayLike<unknown>[]; v?: number } & Record<string, unknown>;

const w = window as unknown as { Docent?: DocentFn };
const HEX = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;

try {
  const prev = w.Docent;
  if (!prev?.v) boot(prev?.q || []);
} catch {
  /* never break the host page */
}

function boot(queue: ArrayLike<unknown>[]) {
  const me = (document.currentScript || [...document.querySelectorAll<HTMLScriptElement>('script[src*="widget.js"]')].pop()) as HTMLScriptElement | undefined;
  if (!me?.src) return;
  const src = me.src;
  const ds = me.dataset;
  const api = new URL(src).origin;

  // localStorage may throw (privacy modes, sandboxed iframes, quota): fall back to memory.
  const mem: Record<string, string> = {};
  const store: Store = {
    get: (k) => {
      try {
        const v = localStorage.getItem(k);
        if (v != null) return v;
      } catch {}
      return mem[k] ?? null;
    },
    set: (k, v) => {
      mem[k] = v;
      try {
        localStorage.setItem(k, v);
      } catch {}
    },
    del: (k) => {
      delete mem[k];
      try {
        localStorage.removeItem(k);
      } catch {}
    },
  };

  const handlers: Record<string, Fn[]> = {};
  const emit = (name: EventName, data?: unknown) =>
    (handlers[name] || []).slice().forEach((f) => {
      try {
        f(data);
      } catch (e) {
        console.error(e);
      }
    });

  let ready = false;
  let isOpen = false;
  let btn: HTMLButtonElement;
  let root: ShadowRoot;
  let ctx: Ctx;
  let panel: Promise<Panel> | undefined;
  let register: ((m: Mount) => void) | undefined;
  const waiting: [string, unknown[]][] = [];
  const panelUrl = new URL(panelFile, src).href;

  const load = () =>
    (panel ||= new Promise<Mount>((resolve, reject) => {
      register = resolve;
      const s = document.createElement('script');
      s.src = panelUrl;
      s.async = true;
      s.onerror = s.onload = () => {
        s.remove();
        reject();
      }; // onload after a successful register is a no-op
      document.head.append(s);
    })
      .then((mount) => mount(ctx))
      .catch((e) => {
        panel = undefined;
        throw e;
      }));

  const open = (focus?: unknown) => {
    if (isOpen) return;
    isOpen = true;
    btn.setAttribute('aria-busy', 'true');
    load()
      .then(
        (p) => {
          if (!isOpen) return;
          btn.hidden = true;
          p.open(focus !== false);
          emit('open');
        },
        () => {
          isOpen = false;
          emit('error', { code: 'unavailable' });
        },
      )
      .finally(() => btn.removeAttribute('aria-busy'));
  };

  const close = () => {
    if (!isOpen) return;
    isOpen = false;
    panel?.then(
      (p) => {
        const hadFocus = !!root.activeElement;
        p.close();
        btn.hidden = false;
        if (hadFocus) btn.focus();
        emit('close');
      },
      () => {},
    );
  };

  const methods: Record<string, Fn> = {
    open,
    close,
    reset: () => {
      store.del('docent.cid');
      panel?.then(
        (p) => p.reset(),
        () => {},
      );
    },
    on: (name: string, f: Fn) => {
      if (typeof f == 'function') (handlers[name] ||= []).push(f);
      return () => {
        handlers[name] = (handlers[name] || []).filter((x) => x !== f);
      };
    },
    _panel: (m: Mount) => register?.(m),
  };

  const call = (m: unknown, args: unknown[]) => {
    try {
      const f = methods[m as string];
      if (!f) return;
      if (ready || m == 'on' || m == '_panel') return f(...args);
      waiting.push([m as string, args]);
    } catch {}
  };
  const D = ((m: unknown, ...args: unknown[]) => call(m, args)) as DocentFn;
  for (const k of ['open', 'close', 'reset', 'on']) D[k] = (...args: unknown[]) => call(k, args);
  D.v = 1;
  w.Docent = D;
  for (const a of [...queue]) call(a[0], [].slice.call(a, 1));

  const setup = (cfg: WidgetConfig) => {
    const color = HEX.test(ds.color || '') ? ds.color! : HEX.test(cfg.primaryColor) ? cfg.primaryColor : '#2271b1';
    const lang0 = (ds.lang || (cfg.language != 'auto' && cfg.language) || navigator.language || '').toLowerCase().slice(0, 2);
    const lang = OPEN[lang0] ? lang0 : 'en';
    const left = (ds.position || cfg.position) == 'bottom-left';
    const mobile = matchMedia('(max-width: 639.9px)').matches;
    const openAttr = ds.open;
    const autoOpen = openAttr == 'always' || ((openAttr ? openAttr == 'true' : cfg.openOnLoad) && !mobile);

    const host = document.createElement('docent-widget');
    host.style.cssText = 'all:initial!important;position:fixed!important;z-index:2147483647!important;width:0!important;height:0!important';
    root = host.attachShadow({ mode: 'open' });
    const addCss = (text: string) => {
      try {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(text); // constructed sheets also work under a strict style-src CSP
        root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
      } catch {
        const el = document.createElement('style');
        el.textContent = text;
        root.append(el);
      }
    };
    addCss(`${css}:host{--dp:${color};--don:${onColor(color)}}`);

    btn = document.createElement('button');
    btn.className = left ? 'l left' : 'l';
    btn.type = 'button';
    btn.setAttribute('aria-label', cfg.strings?.openChat || OPEN[lang]);
    const NS = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(NS, 'svg');
    const path = document.createElementNS(NS, 'path');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    path.setAttribute('d', 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z');
    svg.append(path);
    btn.append(svg);
    btn.onclick = () => open();
    root.append(btn);

    ctx = { api, cfg: { ...cfg, primaryColor: color }, lang, left, root, store, css: addCss, emit, close };
    (document.body || document.documentElement).append(host);
    ready = true;
    waiting.splice(0).forEach(([m, args]) => call(m, args));
    if (autoOpen) open(false);
    const prefetch = () => {
      const l = document.createElement('link');
      l.rel = 'prefetch';
      l.href = panelUrl;
      document.head.append(l);
    };
    'requestIdleCallback' in window ? requestIdleCallback(prefetch) : setTimeout(prefetch, 3000);
  };

  fetch(`${api}/api/widget/config`)
    .then((r) => {
      if (!r.ok) throw r.status;
      return r.json();
    })
    .then((cfg) => new Promise((r) => (document.body ? r(cfg) : addEventListener('DOMContentLoaded', () => r(cfg)))))
    .then((cfg) => setup(cfg as WidgetConfig))
    .catch(() => emit('error', { code: 'unavailable' })); // e.g. 403 (origin not allowed): no launcher, nothing thrown
}

/** Black or white text, whichever reads better on the primary colour (WCAG relative luminance). */
function onColor(hex: string) {
  const h = hex.length == 4 ? hex.replace(/\w/g, (c) => c + c) : hex;
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(h.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return 1.05 / (lum + 0.05) >= (lum + 0.05) / 0.05 ? '#fff' : '#111';
}
