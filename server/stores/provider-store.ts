// The provider (OpenRouter or an OpenAI-compatible endpoint), as Docent last saw it: the cached model
// catalogs, the saved key's status and the last balance read. Observations, not settings: none of it is
// exported with the settings, and a new key (another fingerprint) starts with none.

export type CatalogKind = 'chat' | 'embedding';

/** A cached catalog: the provider's model list as it sent it (parsed JSON), and when it was fetched (epoch ms). */
export interface CachedCatalog {
  fetchedAt: number;
  models: Array<Record<string, unknown>>;
}

/** The saved key's last known state, tied to one key on one endpoint by `fingerprint`. */
export interface StoredKeyStatus {
  fingerprint: string;
  /** ok | invalid_key | payment_required | rate_limited | unreachable (server/openrouter/key-status.ts). */
  state: string;
  /** Epoch ms the state began. */
  since: number;
  message: string | null;
  /** The kind of call that set the state (answer, embedding, key, funded, keyless). */
  call: string;
}

/** The last balance check of the saved key. */
export interface StoredBalanceCheck {
  fingerprint: string;
  /** Epoch ms of the last attempt. */
  checkedAt: number;
  /** USD the key can still spend; null when it could not be read. */
  amount: number | null;
  /** 'credits' (account balance) or 'key_limit' (the key's remaining limit). */
  source: string | null;
  /** Epoch ms when `amount` was read. */
  measuredAt: number | null;
}

export interface ProviderStore {
  /** One catalog, for one endpoint (`endpointKey`: which provider and base URL it came from). */
  readCatalog(kind: CatalogKind, endpointKey: string): Promise<CachedCatalog | null>;
  /** When that catalog was fetched (epoch ms), without reading the models; null when it never was. */
  catalogFetchedAt(kind: CatalogKind, endpointKey: string): Promise<number | null>;
  /** The newest fetch of a kind of catalog, whatever the endpoint. */
  newestCatalogFetch(kind: CatalogKind): Promise<number | null>;
  saveCatalog(kind: CatalogKind, endpointKey: string, catalog: CachedCatalog): Promise<void>;

  keyStatus(): Promise<StoredKeyStatus | null>;
  saveKeyStatus(status: StoredKeyStatus): Promise<void>;

  balanceCheck(): Promise<StoredBalanceCheck | null>;
  saveBalanceCheck(check: StoredBalanceCheck): Promise<void>;

  /** False once the storage is closed: a balance check still out when Docent stops then ends quietly. */
  isOpen(): Promise<boolean>;
}
