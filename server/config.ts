import { tmpdir } from 'node:os';
import type { StepLimits } from '../engine/index';
import type { CopyLimits } from './cases/copyLimits';
import { join, resolve } from 'node:path';
import { DEFAULT_RETENTION, type Retention } from './housekeeping/prune';
import { parseAllowHosts } from './messages/channelAddress';
import { loadSsoProviders, type SsoProvider } from './sso/ssoProviders';

/** Server settings, from the environment with defaults that make `npm start` work anywhere. */
export interface Config {
  port: number;
  host: string;
  /** PostgreSQL URL; when absent the embedded PGlite database in `dataDir` is used. */
  databaseUrl?: string;
  /** How long new connections wait for a writable primary during a failover (DB_FAILOVER_SECONDS; default 30 with several hosts, else 0). */
  dbFailoverMs?: number;
  /** A read replica for dashboards, exports and lists (READ_DATABASE_URL; optional). */
  readDatabaseUrl?: string;
  /** The replica serves reads only while it lags less than this (READ_MAX_LAG_SECONDS, default 5). */
  readMaxLagMs: number;
  /** After a write, that user's reads come from the primary this long (READ_AFTER_WRITE_SECONDS, default 10). */
  readAfterWriteMs: number;
  /** PGlite data folder; `memory://` keeps everything in memory (tests). */
  dataDir: string;
  /** PostgreSQL schema to use (tests give each run its own). */
  dbSchema: string;
  /** Session lifetime in hours. */
  sessionHours: number;
  /** How long a server keeps a session it has read in memory (SESSION_CACHE_SECONDS, default 60; 0 reads it every request). */
  sessionCacheMs: number;
  /** Largest request body, in bytes. */
  bodyLimit: number;
  /** How often the scheduler looks for due timers, in ms (0 disables it). */
  timerIntervalMs: number;
  /** Set cookies with `Secure` (behind HTTPS). */
  secureCookies: boolean;
  logLevel: string;
  /**
   * Which proxies' X-Forwarded-For to believe for the client address (the login limit counts
   * per address): false (none, the default), a hop count, or addresses/CIDRs, comma-separated.
   */
  trustProxy: boolean | number | string;
  /** How often old idempotency records, sessions and refused-access rows are pruned, in ms (0 turns it off). */
  housekeepingIntervalMs: number;
  retention: Retention;
  /** The checkpoint signing key (Ed25519, PEM): kept outside the database; created on first use. */
  auditKeyFile: string;
  /** Where signed county checkpoints are written (one folder per county); give auditors a copy. */
  checkpointDir: string;
  /** How often every county's checkpoint is taken, in ms (0: only on demand). */
  checkpointIntervalMs: number;
  /** The largest file or photo one upload may be (UPLOAD_MAX_MB, default 20). */
  uploadMaxBytes: number;
  /** How long an upload may stay unfinished before housekeeping deletes it (UPLOAD_EXPIRE_HOURS, default 24). */
  uploadExpireMs: number;
  /** How many uploads one user may have open at once (UPLOAD_OPEN_MAX, default 20). */
  uploadOpenMax: number;
  /** How many bytes one user's open uploads may declare in all (UPLOAD_OPEN_MB, default 200). */
  uploadOpenBytes: number;
  /** Where files and photos are kept (FILES_DIR, default DATA_DIR/files): uploads in progress, then stored by content. */
  filesDir: string;
  /** An S3-compatible object store for files instead of the disk (FILES_S3_URL=https://KEY:SECRET@host/bucket[/prefix]). */
  filesS3Url?: string;
  /** The signing region of that store (FILES_S3_REGION, default us-east-1). */
  filesS3Region: string;
  /** How long before a step's deadline those who must act are reminded (DUE_SOON_HOURS, default 24). */
  dueSoonMs: number;
  /** Hosts channels may reach over plain http or on a private network (CHANNEL_ALLOW_HOSTS, comma-separated; default none). */
  channelAllowHosts: string[];
  /** Counties' OpenID Connect identity providers, from the JSON file OIDC_PROVIDERS names (default none). */
  ssoProviders: SsoProvider[];
  /** The address people open CountyFlow at (PUBLIC_URL, e.g. https://flow.example.gov.cn): the identity provider sends them back under it. */
  publicUrl?: string;
  /** What one step may store: its event's data in bytes (STEP_MAX_KB, default 512) and the rows of a list it appends to (LIST_MAX_ROWS, default 1000). */
  stepLimits: StepLimits;
  /** How many people one case may be copied to (COPY_MAX_PER_CASE, default 20) and one person may copy in 24 hours (COPY_MAX_PER_DAY, default 100). */
  copyLimits: CopyLimits;
  /** A bearer token that may read /metrics from any address (METRICS_TOKEN; unset: none). */
  metricsToken?: string;
  /** Addresses and CIDRs that may read /metrics without the token (METRICS_ALLOW, comma-separated; default loopback only). */
  metricsAllow: string[];
  /** Where the serving process puts its scheduled backups (BACKUP_DIR; unset: no schedule). */
  backupDir?: string;
  /** How often a scheduled backup is taken (BACKUP_EVERY: 24h, 30m, 7d; default 24h). */
  backupEveryMs: number;
  /** How many scheduled backups are kept, with the stored files they need (BACKUP_KEEP, default 7). */
  backupKeep: number;
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A length of time as an operator writes it: a whole number and s, m, h or d ("24h"). */
export function parseEvery(value: string, name: string): number {
  const m = /^([1-9]\d*)([smhd])$/.exec(value.trim());
  if (!m) throw new Error(`${name} 应为整数加单位 s、m、h 或 d（如 24h、30m、7d），现为「${value}」`);
  return Number(m[1]) * UNITS[m[2]!]!;
}

/** TRUST_PROXY: unset or "false" trusts none; "true" trusts any (only behind a proxy that overwrites the header); a number is a hop count; else addresses. */
function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === '' || value === 'false' || value === '0') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

/** Reads the configuration from environment variables. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const config: Config = {
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '0.0.0.0',
    dataDir: env.DATA_DIR ?? resolve(process.cwd(), 'data'),
    dbSchema: env.DB_SCHEMA ?? 'public',
    sessionHours: Number(env.SESSION_HOURS ?? 12),
    sessionCacheMs: Number(env.SESSION_CACHE_SECONDS ?? 60) * 1000,
    bodyLimit: Number(env.BODY_LIMIT ?? 2 * 1024 * 1024),
    timerIntervalMs: Number(env.TIMER_INTERVAL_MS ?? 1000),
    secureCookies: env.SECURE_COOKIES === '1',
    logLevel: env.LOG_LEVEL ?? 'info',
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    housekeepingIntervalMs: Number(env.HOUSEKEEPING_INTERVAL_MS ?? 3_600_000),
    retention: {
      idempotencyDays: Number(env.IDEMPOTENCY_DAYS ?? DEFAULT_RETENTION.idempotencyDays),
      sessionDays: Number(env.SESSION_KEEP_DAYS ?? DEFAULT_RETENTION.sessionDays),
      authFailureDays: Number(env.AUTH_FAILURE_DAYS ?? DEFAULT_RETENTION.authFailureDays),
    },
    auditKeyFile: resolve(env.AUDIT_KEY_FILE ?? resolve(process.cwd(), 'audit', 'signing-key.pem')),
    checkpointDir: resolve(env.AUDIT_CHECKPOINT_DIR ?? resolve(process.cwd(), 'audit', 'checkpoints')),
    checkpointIntervalMs: Number(env.AUDIT_CHECKPOINT_INTERVAL_MS ?? 86_400_000),
    uploadMaxBytes: Math.round(Number(env.UPLOAD_MAX_MB ?? 20) * 1024 * 1024),
    uploadExpireMs: Number(env.UPLOAD_EXPIRE_HOURS ?? 24) * 3_600_000,
    uploadOpenMax: Number(env.UPLOAD_OPEN_MAX ?? 20),
    uploadOpenBytes: Math.round(Number(env.UPLOAD_OPEN_MB ?? 200) * 1024 * 1024),
    filesDir: '',
    readMaxLagMs: Number(env.READ_MAX_LAG_SECONDS ?? 5) * 1000,
    readAfterWriteMs: Number(env.READ_AFTER_WRITE_SECONDS ?? 10) * 1000,
    filesS3Region: env.FILES_S3_REGION ?? 'us-east-1',
    dueSoonMs: Number(env.DUE_SOON_HOURS ?? 24) * 3_600_000,
    channelAllowHosts: parseAllowHosts(env.CHANNEL_ALLOW_HOSTS),
    ssoProviders: loadSsoProviders(env.OIDC_PROVIDERS),
    copyLimits: { perCase: Number(env.COPY_MAX_PER_CASE ?? 20), perDay: Number(env.COPY_MAX_PER_DAY ?? 100) },
    stepLimits: { bytes: Math.round(Number(env.STEP_MAX_KB ?? 512) * 1024), listRows: Number(env.LIST_MAX_ROWS ?? 1000) },
    backupEveryMs: parseEvery(env.BACKUP_EVERY ?? '24h', 'BACKUP_EVERY'),
    backupKeep: Number(env.BACKUP_KEEP ?? 7),
    metricsAllow: (env.METRICS_ALLOW ?? '127.0.0.0/8,::1').split(',').map((a) => a.trim()).filter(Boolean),
  };
  config.filesDir = resolve(env.FILES_DIR ?? join(config.dataDir.startsWith('memory://') ? tmpdir() : config.dataDir, 'files'));
  if (env.FILES_S3_URL) config.filesS3Url = env.FILES_S3_URL;
  if (env.BACKUP_DIR) config.backupDir = resolve(env.BACKUP_DIR);
  if (!Number.isInteger(config.backupKeep) || config.backupKeep < 1) throw new Error(`BACKUP_KEEP 应为正整数，现为「${env.BACKUP_KEEP}」`);
  if (env.METRICS_TOKEN) config.metricsToken = env.METRICS_TOKEN;
  if (env.DATABASE_URL) config.databaseUrl = env.DATABASE_URL;
  if (env.READ_DATABASE_URL) config.readDatabaseUrl = env.READ_DATABASE_URL;
  if (env.PUBLIC_URL) config.publicUrl = env.PUBLIC_URL.replace(/\/+$/, '');
  if (config.ssoProviders.length && !config.publicUrl) throw new Error('OIDC_PROVIDERS 需要同时设置 PUBLIC_URL（用户打开本系统的地址，如 https://flow.example.gov.cn）');
  if (env.DB_FAILOVER_SECONDS) config.dbFailoverMs = Number(env.DB_FAILOVER_SECONDS) * 1000;
  return config;
}
