// Settings → Export and import: every setting as one JSON file (no secrets), and an import that shows what
// it will change, or what is wrong with the file, before anything is saved.
import { useRef, useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../api.js';
import { Field } from '../../components/Field.js';
import { Notice } from '../../components/Notice.js';
import { Spinner } from '../../components/Spinner.js';
import { restoreFocus, revealElement, speak, useActionNotice } from '../../components/announce.js';
import { useAfterRender } from '../../components/form-helpers.js';
import { useUnsavedChanges } from '../../components/unsaved-changes.js';
import { plural } from '../../format.js';
import { Postbox } from '../../components/Postbox.js';
import './export-import.css';

const EXPORT_URL = '/api/admin/settings/export';
const IMPORT_URL = '/api/admin/settings/import';

interface SettingChange {
  path: string;
  section: string;
  setting: string;
  from: unknown;
  to: unknown;
}

interface ImportResult {
  applied: boolean;
  changes: SettingChange[];
  notes: string[];
}

/** What the file input led to; the outcome of a check or an import is the notice under it. */
type State =
  | { step: 'idle' }
  | { step: 'checking'; fileName: string }
  | { step: 'preview'; fileName: string; file: unknown; result: ImportResult }
  | { step: 'applying'; fileName: string; file: unknown; result: ImportResult };

/** A setting's value as text: on/off for switches, empty values named. */
function valueText(value: unknown): string {
  if (value === null || value === undefined || value === '') return '(none)';
  if (typeof value === 'boolean') return value ? 'On' : 'Off';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A setting's value; a list shows one item per line (its items may hold commas). */
function Value({ value }: { value: unknown }) {
  if (!Array.isArray(value) || value.length === 0) return <>{valueText(Array.isArray(value) ? null : value)}</>;
  return (
    <ul class="import-list">
      {value.map((item, i) => (
        <li key={i}>{valueText(item)}</li>
      ))}
    </ul>
  );
}

export default function ExportImport() {
  const [state, setState] = useState<State>({ step: 'idle' });
  /** The file the error notice is about, and its problems by setting path. */
  const [invalid, setInvalid] = useState<{ fileName: string; fields: Record<string, string> } | null>(null);
  const { notice, noticeRef, show: showNotice, clear: clearNotice } = useActionNotice();
  const fileInput = useRef<HTMLInputElement>(null);
  const previewRef = useRef<HTMLDivElement>(null);
  const afterRender = useAfterRender();
  // A checked file waiting for "Import" is work the admin would lose by leaving.
  useUnsavedChanges(state.step !== 'idle');

  function rejected(fileName: string, message: string, fields: Record<string, string> = {}) {
    setState({ step: 'idle' });
    setInvalid({ fileName, fields });
    showNotice({ type: 'error', message: `${fileName}: ${message}`, extra: Object.entries(fields).map(([path, m]) => `${path}: ${m}`) });
  }

  /** Back to choosing a file: the input forgets the one it had. */
  function backToIdle() {
    setState({ step: 'idle' });
    if (fileInput.current) fileInput.current.value = '';
  }

  async function chosen(input: HTMLInputElement) {
    const picked = input.files?.[0];
    if (!picked) return;
    const fileName = picked.name;
    clearNotice();
    setInvalid(null);
    setState({ step: 'checking', fileName });
    let file: unknown;
    try {
      file = JSON.parse(await picked.text());
    } catch {
      rejected(fileName, 'This file is not a Docent settings file: it is not valid JSON. Choose a file made with Export settings.');
      return;
    }
    try {
      const result = await api.post<ImportResult>(`${IMPORT_URL}/preview`, file);
      setState({ step: 'preview', fileName, file, result });
      // Focus stays on the file input; the preview comes next in the tab order. Say what it holds.
      speak(`${previewTitle(fileName, result)}. ${result.changes.length ? 'Check the changes, then choose Import.' : ''}`);
      afterRender(() => {
        restoreFocus(); // the file input was disabled while the file was checked
        revealElement(previewRef.current);
      });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      rejected(fileName, errorMessage(err), err instanceof ApiError ? err.fields : {});
    }
  }

  async function apply() {
    if (state.step !== 'preview') return;
    setState({ ...state, step: 'applying' });
    setInvalid(null);
    try {
      const result = await api.post<ImportResult>(IMPORT_URL, state.file);
      showNotice({ type: 'success', message: `Settings imported: ${plural(result.changes.length, 'setting')} changed.`, extra: result.notes });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      showNotice({ type: 'error', message: `Nothing was imported: ${errorMessage(err)}` });
    }
    backToIdle();
    // The Import button is gone with the preview: focus goes back to the file input, the start of the next import.
    afterRender(() => fileInput.current?.focus({ preventScroll: true }));
  }

  function cancel() {
    backToIdle();
    fileInput.current?.focus();
  }

  const busy = state.step === 'checking' || state.step === 'applying';
  return (
    <div class="export-import">
      <Postbox id="export-title" title="Export settings">
        <p>
          Download every setting as one JSON file, to copy them to another Docent or keep a record: API Configuration (provider, base URL, models, reasoning),
          the Chatbot and Widget screens, and chunking and retrieval.
        </p>
        <p class="description">
          Secrets are not in the file: the API key and the webhook token stay on this server. To keep everything, content included, download a backup on Data
          Training → Database Management.
        </p>
        <p>
          <a class="button" href={EXPORT_URL} download>
            Export settings
          </a>
        </p>
      </Postbox>

      <Postbox id="import-title" title="Import settings">
        <p>
          Choose a file made with Export settings. You see what it changes before anything is saved; settings the file leaves out keep their values here. The
          API key and the webhook token are never imported.
        </p>
        <div class="form-table">
          <Field label="Settings file" id="import-file">
            <input
              id="import-file"
              ref={fileInput}
              type="file"
              accept=".json,application/json"
              disabled={busy}
              aria-describedby="import-file-description"
              onChange={(e) => chosen(e.currentTarget)}
            />
            <p class="description" id="import-file-description">
              A <code>docent-settings-….json</code> file.
            </p>
          </Field>
        </div>

        {state.step === 'checking' && <Spinner label={`Reading ${state.fileName}…`} />}

        {notice && (
          <Notice type={notice.type} inline live={false} noticeRef={noticeRef} class="import-notice">
            {invalid ? (
              <p>
                <strong>{invalid.fileName}:</strong> {notice.message.slice(invalid.fileName.length + 2)}
              </p>
            ) : (
              <p>{notice.message}</p>
            )}
            {invalid && Object.keys(invalid.fields).length > 0 && (
              <ul class="notice-list import-errors">
                {Object.entries(invalid.fields).map(([path, message]) => (
                  <li key={path}>
                    <code>{path}</code>: {message}
                  </li>
                ))}
              </ul>
            )}
            {notice.type === 'success' && notice.extra && notice.extra.length > 0 && <Notes notes={notice.extra} />}
          </Notice>
        )}

        {(state.step === 'preview' || state.step === 'applying') && (
          <div ref={previewRef}>
            <Preview fileName={state.fileName} result={state.result} applying={state.step === 'applying'} onApply={apply} onCancel={cancel} />
          </div>
        )}
      </Postbox>
    </div>
  );
}

function previewTitle(fileName: string, result: ImportResult): string {
  return result.changes.length ? `${fileName} changes ${plural(result.changes.length, 'setting')}` : `${fileName} changes nothing`;
}

function Notes({ notes }: { notes: string[] }) {
  return (
    <ul class="notice-list">
      {notes.map((note) => (
        <li key={note}>{note}</li>
      ))}
    </ul>
  );
}

function Preview(props: { fileName: string; result: ImportResult; applying: boolean; onApply: () => void; onCancel: () => void }) {
  const { changes, notes } = props.result;
  return (
    <div class="import-preview">
      <h3 id="import-preview-title">{previewTitle(props.fileName, props.result)}</h3>
      {changes.length === 0 ? (
        <p>Every setting in this file already has the same value here.</p>
      ) : (
        <table class="import-changes stack-on-phone">
          <caption class="screen-reader-text">Settings the import changes</caption>
          <thead>
            <tr>
              <th scope="col">Setting</th>
              <th scope="col">Now</th>
              <th scope="col">After the import</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((c) => (
              <tr key={c.path}>
                <th scope="row">
                  {c.section} › {c.setting}
                  <span class="import-path">
                    <code>{c.path}</code>
                  </span>
                </th>
                <td class="import-value">
                  <Value value={c.from} />
                </td>
                <td class="import-value">
                  <Value value={c.to} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {notes.length > 0 && (
        <Notice type="warning" inline live={false}>
          <p>
            <strong>Good to know:</strong>
          </p>
          <Notes notes={notes} />
        </Notice>
      )}
      <div class="submit-row">
        {changes.length > 0 && (
          <button type="button" class="button button-primary" onClick={props.onApply} disabled={props.applying}>
            {`Import ${plural(changes.length, 'setting')}`}
          </button>
        )}
        <button type="button" class="button" onClick={props.onCancel} disabled={props.applying}>
          {changes.length ? 'Cancel' : 'Choose another file'}
        </button>
        {props.applying && <Spinner label="Importing…" />}
      </div>
    </div>
  );
}
