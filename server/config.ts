// Configuration comes only from the environment and is validated once at boot, so a typo fails fast
// with a message naming the variable instead of surfacing later as a strange runtime error.
import { z } from 'zod';
import path from 'node:path';
import { DEFAULT_INGEST_LIMITS, type IngestLimits } from './training/ingest/limits.js';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const MB = 1024 * 1024;
const wholeNumber = (min: number, max: number) =>
  z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);
const milliseconds = (min: number, fallback: number, why?: string) =>
  z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(min, `must be at least ${min} (${min / 1000} s)${why ? `: ${why}` : ''}`)
    .default(fallback);

const EnvSchema = z.object({
  PORT: z.coerce.number({ message: 'must be a number' }).int().min(0).max(65535, 'must be a port number (0-65535)').default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  OPENROUTER_BASE_URL: z.url({ message: 'must be a URL such as https://openrouter.ai/api/v1' }).default('https://openrouter.ai/api/v1'),
  PUBLIC_URL: z.url({ message: 'must be the URL visitors use to reach Docent, such as https://chat.example.com' }).optional(),
  ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
  SECRET_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes), e.g. from `openssl rand -hex 32`')
    .optional(),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'must be one of fatal, error, warn, info, debug, trace, silent' })
    .default('info'),
  TRUST_PROXY: booleanFlag.default(false),
  // Web sources that resolve to private or loopback addresses are refused unless this is set (SSRF guard).
  ALLOW_PRIVATE_URLS: booleanFlag.default(false),
  // Upstream chat stream limits: no data for this long, or a whole answer longer than the total, is cut off.
  CHAT_IDLE_TIMEOUT_MS: z.coerce.number({ message: 'must be a number of milliseconds' }).int().min(100).default(30_000),
  CHAT_TOTAL_TIMEOUT_MS: z.coerce.number({ message: 'must be a number of milliseconds' }).int().min(1000).default(120_000),
  // Widget chat messages per minute from one IP address (visitors also have their own limits).
  CHAT_RATE_LIMIT_PER_IP: z.coerce.number({ message: 'must be a number' }).int().min(1).default(30),
  // Bounds on reading one uploaded file or fetched page (see server/training/ingest/limits.ts).
  MAX_UPLOAD_MB: wholeNumber(1, 1024).default(DEFAULT_INGEST_LIMITS.maxFileBytes / MB),
  MAX_FILES_PER_UPLOAD: wholeNumber(1, 500).default(DEFAULT_INGEST_LIMITS.maxFilesPerUpload),
  MAX_PDF_PAGES: wholeNumber(1, 1_000_000).default(DEFAULT_INGEST_LIMITS.maxPdfPages),
  MAX_UNPACKED_MB: wholeNumber(1, 100_000).default(DEFAULT_INGEST_LIMITS.maxUnpackedBytes / MB),
  MAX_TEXT_CHARS: wholeNumber(1000, 1_000_000_000).default(DEFAULT_INGEST_LIMITS.maxTextChars),
  INGEST_MEMORY_MB: wholeNumber(128, 100_000).default(DEFAULT_INGEST_LIMITS.memoryMb),
  INGEST_TIMEOUT_MS: wholeNumber(1000, 86_400_000).default(DEFAULT_INGEST_LIMITS.timeoutMs),
  INGEST_WORKERS: wholeNumber(1, 64).default(DEFAULT_INGEST_LIMITS.workers),
  // Connection and request timeouts (server/security/request-timeouts.ts): slow or silent clients are cut off.
  HEADERS_TIMEOUT_MS: milliseconds(1000, 20_000),
  REQUEST_TIMEOUT_MS: milliseconds(1000, 300_000),
  // Streamed answers send a heartbeat every 15 s: a shorter idle timeout would cut them while the AI thinks.
  IDLE_TIMEOUT_MS: milliseconds(20_000, 60_000, 'streamed answers send a heartbeat every 15 s'),
  KEEP_ALIVE_TIMEOUT_MS: milliseconds(1000, 72_000),
  PUBLIC_BODY_TIMEOUT_MS: milliseconds(1000, 10_000),
  // How long a training job's claim lasts unless its process renews it (server/training/jobs.ts).
  JOB_LEASE_MS: milliseconds(300, 30_000),
  // On SIGTERM, how long answers in flight may take to finish before the process closes anyway.
  DRAIN_TIMEOUT_MS: milliseconds(0, 30_000),
  // Cluster mode: several nodes on one PostgreSQL database instead of the SQLite file in DATA_DIR.
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, 'must be a PostgreSQL URL such as postgres://docent:password@db.example.com:5432/docent')
    .optional(),
  // Connections each node opens at most; the database's max_connections must cover every node's pool.
  DATABASE_POOL_SIZE: wholeNumber(2, 1000).default(10),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databasePath: string;
  openRouterBaseUrl: string;
  /** PUBLIC_URL, or http://localhost:PORT when it is not set (see server/http/public-address.ts for who uses which). */
  publicUrl: string;
  /** Whether PUBLIC_URL was set: when not, the addresses shown to the admin follow the address they browse from. */
  publicUrlSet: boolean;
  adminPassword?: string;
  secretKeyHex?: string;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  trustProxy: boolean;
  allowPrivateUrls: boolean;
  chatIdleTimeoutMs: number;
  chatTotalTimeoutMs: number;
  chatRateLimitPerIp: number;
  ingest: IngestLimits;
  /** Request line and headers must arrive within this. */
  headersTimeoutMs: number;
  /** A whole request, body included, must arrive within this (routes may extend their own). */
  requestTimeoutMs: number;
  /** A connection silent both ways for this long is closed. */
  idleTimeoutMs: number;
  /** An idle kept-alive connection between requests is closed after this. */
  keepAliveTimeoutMs: number;
  /** Bodies of the routes anyone may call (widget API, setup, login, webhook) must arrive within this. */
  publicBodyTimeoutMs: number;
  /** A job's lease: a job whose process stops renewing it is taken over after this long. */
  jobLeaseMs: number;
  /** On SIGTERM: how long requests in flight (streamed answers) may take to finish. */
  drainTimeoutMs: number;
  /** Cluster mode: the PostgreSQL database every node shares (unset: the SQLite file at databasePath). */
  databaseUrl?: string;
  databasePoolSize: number;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings (e.g. `PUBLIC_URL=` in a compose file) mean "not set".
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${String(issue.path[0])} ${issue.message}`));
  }
  const e = parsed.data;
  const order = [
    e.HEADERS_TIMEOUT_MS > e.REQUEST_TIMEOUT_MS && 'HEADERS_TIMEOUT_MS must not be longer than REQUEST_TIMEOUT_MS (the headers are part of the request)',
    e.PUBLIC_BODY_TIMEOUT_MS > e.REQUEST_TIMEOUT_MS &&
      'PUBLIC_BODY_TIMEOUT_MS must not be longer than REQUEST_TIMEOUT_MS (it is the shorter limit for public routes)',
    // Every node must open the secrets the others sealed: a key generated into one node's DATA_DIR would not do.
    e.DATABASE_URL !== undefined &&
      e.SECRET_KEY === undefined &&
      'SECRET_KEY must be set when DATABASE_URL is (cluster mode): every node must use the same key, e.g. from `openssl rand -hex 32`',
  ].filter((problem): problem is string => !!problem);
  if (order.length) throw new ConfigError(order);
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databasePath: path.join(dataDir, 'docent.db'),
    openRouterBaseUrl: e.OPENROUTER_BASE_URL.replace(/\/+$/, ''),
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    publicUrlSet: e.PUBLIC_URL !== undefined,
    adminPassword: e.ADMIN_PASSWORD,
    secretKeyHex: e.SECRET_KEY,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    allowPrivateUrls: e.ALLOW_PRIVATE_URLS,
    chatIdleTimeoutMs: e.CHAT_IDLE_TIMEOUT_MS,
    chatTotalTimeoutMs: e.CHAT_TOTAL_TIMEOUT_MS,
    chatRateLimitPerIp: e.CHAT_RATE_LIMIT_PER_IP,
    ingest: {
      maxFileBytes: e.MAX_UPLOAD_MB * MB,
      maxFilesPerUpload: e.MAX_FILES_PER_UPLOAD,
      maxPdfPages: e.MAX_PDF_PAGES,
      maxUnpackedBytes: e.MAX_UNPACKED_MB * MB,
      maxTextChars: e.MAX_TEXT_CHARS,
      memoryMb: e.INGEST_MEMORY_MB,
      timeoutMs: e.INGEST_TIMEOUT_MS,
      workers: e.INGEST_WORKERS,
    },
    headersTimeoutMs: e.HEADERS_TIMEOUT_MS,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    idleTimeoutMs: e.IDLE_TIMEOUT_MS,
    keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_MS,
    publicBodyTimeoutMs: e.PUBLIC_BODY_TIMEOUT_MS,
    jobLeaseMs: e.JOB_LEASE_MS,
    drainTimeoutMs: e.DRAIN_TIMEOUT_MS,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
  };
}
