// Widget → Live preview: the unsaved settings in the real widget, on a sample page in an iframe.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Notice } from '../../components/Notice.js';
import { Postbox } from '../../components/Postbox.js';
import { DEFAULT_COLOR, HEX, MAX_QUESTIONS, isHttpUrl, toBody, type Form } from './form.js';
import { previewDocument, type PreviewConfig } from './preview.js';

/** `value`, once it has not changed for `ms`. */
function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function WidgetPreview({ form }: { form: Form }) {
  // Whether /widget.js is served here (it is missing when only the admin was built).
  const [available, setAvailable] = useState<boolean | null>(null);
  useEffect(() => {
    fetch('/widget.js', { method: 'HEAD', credentials: 'same-origin' }).then(
      (r) => setAvailable(r.ok),
      () => setAvailable(false),
    );
  }, []);
  const config: PreviewConfig = useMemo(() => {
    const { allowedDomains, ...b } = toBody(form);
    return {
      ...b,
      botName: b.botName || 'Assistant',
      avatarUrl: b.avatarUrl && isHttpUrl(b.avatarUrl) ? b.avatarUrl : null,
      primaryColor: HEX.test(b.primaryColor) ? b.primaryColor : DEFAULT_COLOR,
      suggestedQuestions: b.suggestedQuestions.slice(0, MAX_QUESTIONS),
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
