// Maintenance of the storage as a whole: its size and a consistent copy of everything, for Database
// Management's backup download. How a snapshot is taken is the implementation's business (SQLite: the online
// backup API on a worker thread); what is done with the copy (where it goes, progress, cancelling, disk space
// checks, streaming it to the admin) is server/backup/'s.

/** The disk filled up while a copy was written. */
export class StorageFullError extends Error {
  constructor(message = 'The disk is full.') {
    super(message);
    this.name = 'StorageFullError';
  }
}

/** This storage cannot be copied into a file by Docent; the message says how to back it up instead. */
export class BackupUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupUnavailableError';
  }
}

export interface MaintenanceStore {
  /** Why this storage cannot be copied into a file by Docent, saying how to back it up instead; null when it can. */
  readonly backupUnavailable: string | null;
  /** How many bytes everything stored takes (what a copy needs), including writes not yet checkpointed. */
  sizeBytes(): Promise<number>;
  /**
   * Writes one consistent snapshot of everything stored into `file` (created beforehand, empty and private),
   * off the event loop, while Docent goes on reading and writing. The copy is complete on its own: it opens
   * without any other file. Rejects with StorageFullError when the disk fills up, and with BackupUnavailableError
   * when this storage cannot be copied into one file (PostgreSQL: the operator backs it up with its own tools).
   * When `signal` aborts, the copy stops and the promise rejects; it settles only once nothing writes to `file`
   * any more.
   */
  backupTo(file: string, options?: { signal?: AbortSignal }): Promise<void>;
}
