// Config and secrets: the settings sections (JSON documents validated by the settings service) and the
// sealed secrets (encrypted by the secret box before they reach a store; a store never sees a clear secret).

/** A secret to save in the same transaction as a section: sealed text and its masked hint, or null to delete it. */
export interface SecretWrite {
  name: string;
  sealed: string | null;
  hint?: string;
}

export interface ConfigStore {
  /** A section's stored JSON text, or undefined when it was never saved. */
  readSection(section: string): Promise<string | undefined>;
  writeSection(section: string, json: string): Promise<void>;
  /**
   * Read-modify-write of one section in one transaction: `change` (synchronous: nothing may wait inside a
   * transaction) gets the stored JSON text and returns the new text and any secrets to write with it.
   */
  updateSection(section: string, change: (json: string | undefined) => { json: string; secrets?: SecretWrite[] }): Promise<void>;

  saveSecret(name: string, sealed: string, hint: string): Promise<void>;
  /** The sealed value, or null when none is stored. */
  readSealedSecret(name: string): Promise<string | null>;
  /** What a masked display may show, or null when no secret is stored. */
  secretHint(name: string): Promise<string | null>;
  deleteSecret(name: string): Promise<void>;
}
