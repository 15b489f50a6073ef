// Panel entry, built as its own IIFE (panel-<hash>.js) and loaded by the loader on first open.
// It registers through the one global the loader owns: Docent('_panel', mount).
import { render } from 'preact';
import { T } from '../i18n.js';
import type { Ctx, Panel } from '../types.js';
import { App } from './App.js';
import css from './panel.css?inline';

const VID = 'docent.vid';

function randomId() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => (x | 256).toString(16).slice(1)).join('');
}

function mount(ctx: Ctx): Panel {
  ctx.css(css);
  let vid = ctx.store.get(VID) || '';
  if (!/^[\w-]{8,64}$/.test(vid)) ctx.store.set(VID, (vid = randomId()));
  const s = { ...T.en, ...T[ctx.lang], ...ctx.cfg.strings } as any;
  const el = document.createElement('div');
  ctx.root.append(el);
  const ctl: Partial<Panel> = {};
  let open = false;
  const draw = () => render(<App ctx={ctx} vid={vid} s={s} open={open} ctl={ctl} />, el);
  draw();
  return {
    open(focus) {
      open = true;
      draw();
      if (focus) el.querySelector<HTMLElement>('#lf-name,textarea')?.focus(); // the pre-chat form's first field, or the question
    },
    close() {
      open = false;
      draw();
    },
    reset: () => ctl.reset?.(),
  };
}

try {
  (window as any).Docent('_panel', mount);
} catch {}
