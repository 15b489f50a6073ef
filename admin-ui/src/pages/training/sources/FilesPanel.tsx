// Data Training → Sources → Files: drop or choose files, see each one's outcome, and the list of uploaded files.
import { useRef, useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../../api.js';
import { Icon } from '../../../components/Icon.js';
import { Postbox } from '../../../components/Postbox.js';
import { Spinner } from '../../../components/Spinner.js';
import { revealElement, speak } from '../../../components/announce.js';
import { useAfterRender } from '../../../components/form-helpers.js';
import { formatBytes, formatNumber, plural } from '../../../format.js';
import { useResource } from '../../../hooks.js';
import { API } from '../shared.js';
import type { FileResult, Source, UploadLimits } from '../types.js';
import { DocumentList, useDocuments } from './DocumentList.js';
import { ACCEPT, DEFAULT_LIMITS, uploadBatches, uploadSummary, withoutName } from './uploads.js';

export function FilesPanel({ source, onChanged }: { source: Source; onChanged: () => void }) {
  const docs = useDocuments(source);
  const limits = useResource<UploadLimits>(`${API}/files/limits`).data ?? DEFAULT_LIMITS;
  const [results, setResults] = useState<FileResult[]>([]);
  const [uploading, setUploading] = useState<{ count: number; fraction: number; batch: number; batches: number } | null>(null);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const resultsRef = useRef<HTMLDivElement>(null);
  const afterRender = useAfterRender();
  const dragDepth = useRef(0);

  async function uploadFiles(files: File[]) {
    if (!files.length || uploading) return;
    // Files over the limit are not sent at all; the server would say the same.
    const outcomes = new Map<File, FileResult[]>();
    const toSend: File[] = [];
    for (const f of files) {
      if (f.size > limits.maxFileBytes) {
        outcomes.set(f, [
          {
            fileName: f.name,
            ok: false,
            error: `${f.name}: the file is larger than ${formatBytes(limits.maxFileBytes)}, the limit for one file (MAX_UPLOAD_MB). Split it into smaller files, or raise MAX_UPLOAD_MB.`,
          },
        ]);
      } else toSend.push(f);
    }
    const ordered = () => files.flatMap((f) => outcomes.get(f) ?? []);
    setResults(ordered());
    const batches = uploadBatches(toSend, limits.maxFilesPerUpload);
    const totalBytes = toSend.reduce((n, f) => n + f.size, 0) || 1;
    let sentBytes = 0;
    try {
      for (const [i, batch] of batches.entries()) {
        const form = new FormData();
        for (const f of batch) form.append('files', f, f.name);
        const batchBytes = batch.reduce((n, f) => n + f.size, 0);
        const progress = (fraction: number) =>
          setUploading({ count: toSend.length, fraction: (sentBytes + fraction * batchBytes) / totalBytes, batch: i + 1, batches: batches.length });
        progress(0);
        try {
          const r = await api.upload<{ results: FileResult[] }>(`${API}/files`, form, progress);
          batch.forEach((f, k) => outcomes.set(f, r.results[k] ? [r.results[k]] : []));
        } catch (err) {
          if (err instanceof ApiError && err.status === 401) return;
          // The whole request failed (network, proxy limit): each of its files says so, the next batches go on.
          for (const f of batch) outcomes.set(f, [{ fileName: f.name, ok: false, error: `${f.name}: not uploaded. ${errorMessage(err)}` }]);
        }
        sentBytes += batchBytes;
        setResults(ordered());
      }
      docs.reload();
      onChanged();
      const all = ordered();
      speak(uploadSummary(all), all.every((r) => r.ok) ? 'polite' : 'assertive');
      afterRender(() => revealElement(resultsRef.current));
    } finally {
      setUploading(null);
      if (input.current) input.current.value = '';
    }
  }

  return (
    <Postbox id="add-files-title" title="Files" level={3} class="add-panel">
      <div
        class={`dropzone${dragging ? ' is-dragging' : ''}${uploading ? ' is-busy' : ''}`}
        onDragEnter={(e) => {
          e.preventDefault();
          dragDepth.current++;
          setDragging(true);
        }}
        onDragOver={(e) => {
          e.preventDefault();
          if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
        }}
        onDragLeave={() => {
          dragDepth.current = Math.max(0, dragDepth.current - 1);
          if (dragDepth.current === 0) setDragging(false);
        }}
        onDrop={(e) => {
          e.preventDefault();
          dragDepth.current = 0;
          setDragging(false);
          uploadFiles([...(e.dataTransfer?.files ?? [])]);
        }}
      >
        <Icon name="upload" size={32} class="dropzone-icon" />
        <p class="dropzone-text">
          Drop files here or{' '}
          <label for="file-input" class="button">
            Choose files
          </label>
        </p>
        <input
          id="file-input"
          ref={input}
          type="file"
          multiple
          accept={ACCEPT}
          class="screen-reader-text"
          aria-describedby="file-types"
          disabled={!!uploading}
          onChange={(e) => uploadFiles([...(e.currentTarget.files ?? [])])}
        />
        <p class="description" id="file-types">
          PDF, DOCX, Markdown, TXT, HTML, CSV or XML; up to {formatBytes(limits.maxFileBytes)} each, PDFs up to {formatNumber(limits.maxPdfPages)} pages. Choose
          as many as you like: they are sent {formatNumber(limits.maxFilesPerUpload)} at a time.
        </p>
      </div>
      {uploading && (
        <div class="upload-progress" role="status">
          <Spinner
            label={`${uploading.fraction < 1 ? `Uploading ${plural(uploading.count, 'file')}… ${Math.round(uploading.fraction * 100)}%` : `Reading ${plural(uploading.count, 'file')}…`}${uploading.batches > 1 ? ` (batch ${uploading.batch} of ${uploading.batches})` : ''}`}
          />
        </div>
      )}
      {results.length > 0 && (
        <div class="file-results-wrap" ref={resultsRef}>
          <p class="file-results-summary">{uploadSummary(results)}</p>
          <ul class="file-results" aria-label="Upload results">
            {results.map((r, i) => (
              <li key={`${r.fileName}-${i}`} class={r.ok ? 'is-ok' : 'is-error'}>
                <Icon name={r.ok ? 'check-circle' : 'error'} size={18} />
                <span class="file-name">{r.fileName}</span>
                <span class="file-detail">
                  {r.ok
                    ? `${r.status === 'unchanged' ? 'Already up to date' : r.status === 'updated' ? 'Updated' : 'Added'}: ${plural(r.chunks ?? 0, 'chunk')} (${formatNumber(r.tokens ?? 0)} tokens)`
                    : withoutName(r.error ?? '', r.fileName)}
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
      <h4 class="subheading">Uploaded files</h4>
      <DocumentList docs={docs} label="Uploaded files" empty="No files yet." onDeleted={onChanged} urlInList />
    </Postbox>
  );
}
