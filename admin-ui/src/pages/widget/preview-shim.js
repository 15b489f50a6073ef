// Loaded only inside the Widget screen's live preview (an iframe whose page the admin screen writes).
// It answers the widget's GET /api/widget/config with the admin's unsaved form values, kept in the
// <script type="application/json" id="docent-preview-config"> element, so changes show before saving.
// Everything else (the chat itself) goes to the real API. A file, not an inline script: the admin's
// Content-Security-Policy (script-src 'self') also applies to the preview.
(() => {
  var el = document.getElementById('docent-preview-config');
  if (!el || !window.fetch || !window.Response) return;
  var config = el.textContent || '{}';
  var realFetch = window.fetch;
  window.fetch = function (input, init, ...rest) {
    var url = typeof input === 'string' ? input : input?.url ? input.url : String(input);
    if (/\/api\/widget\/config(\?|$)/.test(url) && (!init?.method || init.method === 'GET')) {
      return Promise.resolve(new Response(config, { status: 200, headers: { 'Content-Type': 'application/json' } }));
    }
    return realFetch.call(this, input, init, ...rest);
  };
})();
