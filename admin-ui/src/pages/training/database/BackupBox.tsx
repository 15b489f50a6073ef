// Database Management → Backup: downloads a copy of the whole database, made while Docent runs, and says
// what the admin must keep with it (the secret key) and how to restore it.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../../api.js';
import { ActionNoticeView, Notice } from '../../../components/Notice.js';
import { useActionNotice } from '../../../components/announce.js';
import { Spinner } from '../../../components/Spinner.js';
import { formatBytes } from '../../../format.js';
import { Postbox } from '../../../components/Postbox.js';

const BACKUP_URL = '/api/admin/backup';
const POLL_MS = 500;
/** How long to wait for the browser's download request to reach the server before giving up on following it. */
const START_TIMEOUT_MS = 15_000;
const SENDING = 'Your browser is downloading the backup…';

interface BackupStatus {
  running: { phase: 'copying' | 'sending'; percent: number; fileName: string } | null;
  started: number;
  last: { fileName: string; bytes: number | null; ok: boolean; message: string | null; finishedAt: string } | null;
  databaseBytes: number;
}

type Progress = { kind: 'waiting' } | { kind: 'copying'; percent: number } | { kind: 'sending' };

export default function BackupBox() {
  const [status, setStatus] = useState<BackupStatus | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const { notice, noticeRef, show: showNotice, clear: clearNotice } = useActionNotice();
  const following = useRef(false);

  useEffect(() => {
    api
      .get<BackupStatus>(`${BACKUP_URL}/status`)
      .then(setStatus)
      .catch(() => undefined);
    return () => {
      following.current = false;
    };
  }, []);

  async function download() {
    if (following.current) return;
    clearNotice();
    let before: BackupStatus;
    try {
      before = await api.get<BackupStatus>(`${BACKUP_URL}/status`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      showNotice({ type: 'error', message: `No backup made: ${errorMessage(err)}` });
      return;
    }
    setStatus(before);
    if (before.running) {
      showNotice({ type: 'info', message: 'A backup is being made right now (perhaps in another tab). Wait for it to finish, then try again.' });
      return;
    }
    // The browser downloads the file itself (it may be large: no copy in this page's memory); this page
    // follows the server's side of it, to show progress and any failure.
    const link = document.createElement('a');
    link.href = BACKUP_URL;
    link.download = '';
    link.click();
    following.current = true;
    setProgress({ kind: 'waiting' });
    const startedAt = Date.now();
    while (following.current) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      let now: BackupStatus;
      try {
        now = await api.get<BackupStatus>(`${BACKUP_URL}/status`);
      } catch {
        continue;
      }
      setStatus(now);
      if (now.started === before.started) {
        if (Date.now() - startedAt < START_TIMEOUT_MS) continue;
        showNotice({ type: 'warning', message: 'The backup did not start. Check your browser’s downloads, then try again.' });
        break;
      }
      if (now.running) {
        setProgress(now.running.phase === 'copying' ? { kind: 'copying', percent: now.running.percent } : { kind: 'sending' });
        continue;
      }
      const last = now.last!;
      showNotice(
        last.ok
          ? { type: 'success', message: `Backup downloaded: ${last.fileName} (${formatBytes(last.bytes ?? 0)}). Keep it somewhere safe, with your secret key.` }
          : { type: 'error', message: `No backup downloaded: ${last.message ?? 'it failed.'}` },
      );
      break;
    }
    following.current = false;
    setProgress(null);
  }

  const busy = progress !== null;
  return (
    <Postbox id="backup-title" title="Backup" class="backup-box">
      <p>
        Download a complete copy of Docent’s database: your content and its search index, every setting, stored conversations and the admin password (hashed).
        It is made while Docent runs: visitors can keep chatting and training carries on.
      </p>
      <Notice type="warning" inline live={false}>
        <p>
          <strong>Keep the secret key with your backups.</strong> The API key and the webhook token are in the backup encrypted with this server’s secret key,
          which is not in the file, so the file alone cannot reveal them. To restore on another server you need the same key: the <code>SECRET_KEY</code>{' '}
          environment variable, or the file <code>secret.key</code> in the data folder. Without it, Docent starts but you enter the API key again.
        </p>
      </Notice>
      <p class="description">Store backups where only you can read them: they hold your visitors’ conversations.</p>
      <div class="backup-action">
        <button type="button" class="button button-primary" onClick={download} disabled={busy}>
          Download backup
        </button>
        {status && !busy && <span class="description">The file will be about {formatBytes(status.databaseBytes)}.</span>}
        <span class="screen-reader-text" role="status">
          {progress?.kind === 'copying' ? 'Making the backup…' : progress?.kind === 'sending' ? SENDING : ''}
        </span>
        {progress && (
          <Spinner
            label={progress.kind === 'copying' ? `Making the backup… ${progress.percent}%` : progress.kind === 'sending' ? SENDING : 'Starting the backup…'}
          />
        )}
      </div>
      <ActionNoticeView notice={notice} noticeRef={noticeRef} />
      <details class="backup-restore">
        <summary>How to restore a backup</summary>
        <ol>
          <li>Stop Docent.</li>
          <li>
            In the data folder, replace <code>docent.db</code> with the backup file (renamed to <code>docent.db</code>) and delete <code>docent.db-wal</code>{' '}
            and <code>docent.db-shm</code> if they are there.
          </li>
          <li>
            Keep the same secret key: the same <code>SECRET_KEY</code>, or the old <code>secret.key</code> next to <code>docent.db</code>.
          </li>
          <li>Start Docent, and log in with the admin password the backup was made with.</li>
        </ol>
      </details>
    </Postbox>
  );
}
