// The sample page shown in the Widget screen's live preview (an iframe srcdoc, same origin as the admin).
// It embeds the real /widget.js with data-* attributes from the form; preview-shim.js answers the widget's
// config request with the unsaved form values (see that file).
import shimUrl from './preview-shim.js?url&no-inline';
import type { WidgetSettings } from './form.js';

/** What the widget reads from its config request: the settings (not where it may run) and its texts. */
export type PreviewConfig = Omit<WidgetSettings, 'allowedDomains'> & { strings: Record<string, string> };

const attr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** JSON that is safe inside <script type="application/json">: no "</script>" or "<!--" can end it early. */
const scriptJson = (v: unknown) =>
  JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

export function previewDocument(cfg: PreviewConfig): string {
  const attrs = [
    `data-color="${attr(cfg.primaryColor)}"`,
    `data-position="${attr(cfg.position)}"`,
    cfg.language !== 'auto' ? `data-lang="${attr(cfg.language)}"` : '',
    cfg.openOnLoad ? 'data-open="true"' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const bars = (widths: number[]) => widths.map((w) => `<span class="bar" style="width:${w}%"></span>`).join('');
  // Same-origin referrer (the admin sends none by default): lets the widget API recognise this admin's own origin
  // from the Referer as well as the Origin header, so the preview keeps working once allowed domains are set.
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>Widget preview</title>
<style>
html, body { margin: 0; background: #fff; color: #50575e; font: 15px/1.5 -apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, sans-serif; }
header { display: flex; align-items: center; gap: 10px; padding: 14px 18px; border-bottom: 1px solid #e0e0e0; }
.logo { width: 28px; height: 28px; border-radius: 6px; background: #c3c4c7; }
.nav { display: flex; gap: 10px; margin-left: auto; }
.nav span { width: 44px; height: 8px; border-radius: 4px; background: #dcdcde; }
main { padding: 22px 18px 120px; }
h1 { margin: 0 0 6px; color: #1d2327; font-size: 22px; font-weight: 600; }
p.lead { margin: 0 0 18px; color: #646970; font-size: 14px; }
.bar { display: block; height: 10px; margin: 0 0 10px; border-radius: 5px; background: #ececec; }
.card { margin: 20px 0; padding: 14px; border: 1px solid #e5e5e5; border-radius: 8px; }
</style>
</head>
<body>
<header aria-label="Sample website"><span class="logo"></span><strong>Your website</strong><span class="nav"><span></span><span></span></span></header>
<main aria-label="Sample page">
<h1>Welcome to our site</h1>
<p class="lead">A sample page: the chat button sits in the corner, as on your site.</p>
${bars([100, 94, 97, 60])}
<div class="card">${bars([70, 90, 40])}</div>
${bars([96, 88, 92, 75, 50])}
</main>
<script type="application/json" id="docent-preview-config">${scriptJson(cfg)}</script>
<script src="${attr(shimUrl)}"></script>
<script src="/widget.js" async ${attrs}></script>
</body>
</html>`;
}
