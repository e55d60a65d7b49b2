import path from 'node:path';
import { z } from 'zod';

/**
 * The one environment schema. Every variable is documented here, in
 * `.env.example` and in the README's configuration table.
 */
const boolish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Port the HTTP server listens on. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Interface to bind. */
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Public address of the app, used in links in emails. */
  BASE_URL: z.url({ message: 'must be an absolute URL such as https://waymark.example.nhs.uk' }).optional(),
  /** Where the embedded database and uploads live. */
  DATA_DIR: z.string().min(1).default('./data'),
  /** postgres://… to use PostgreSQL instead of the embedded database. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { message: 'must start with postgres:// or postgresql://' })
    .optional(),
  /** Connections in the PostgreSQL pool. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Secret for signing session cookies (≥ 32 characters). If unset, one is generated and kept in the database. */
  SESSION_SECRET: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
  /** Idle session lifetime in hours. */
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(24 * 7),
  /** smtp://user:pass@host:port or smtps://… to send email; unset keeps email in the outbox. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, { message: 'must start with smtp:// or smtps://' })
    .optional(),
  /** From address on outgoing email. */
  MAIL_FROM: z.string().min(3).default('Waymark <no-reply@waymark.localhost>'),
  /** pino log level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Trust X-Forwarded-* headers (set when behind a load balancer). */
  TRUST_PROXY: boolish.default(false),
  /** Seed demo data on first start with an empty database (never in production). */
  DEMO: boolish.optional(),
  /** How often the background job runner looks for due jobs, in milliseconds. */
  JOBS_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  /** Run the background job runner in this process. */
  JOBS_WORKER: boolish.default(true),
  /** Failed sign-ins before an account is locked. */
  SIGN_IN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  /** Sign-in, registration and password-reset form posts allowed per minute from one address. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(20),
  /** Minutes an account stays locked after too many failed sign-ins. */
  SIGN_IN_LOCK_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  /** Largest file a practitioner can attach to a piece of evidence, in megabytes. */
  ATTACHMENT_MAX_MB: z.coerce.number().min(0.01).max(100).default(10),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  isProduction: boolean;
  port: number;
  host: string;
  baseUrl: string;
  dataDir: string;
  databaseUrl?: string;
  databasePoolSize: number;
  sessionSecret?: string;
  sessionTtlHours: number;
  smtpUrl?: string;
  mailFrom: string;
  logLevel: Env['LOG_LEVEL'];
  trustProxy: boolean;
  demo: boolean;
  jobsPollMs: number;
  jobsWorker: boolean;
  signInMaxFailures: number;
  signInLockMinutes: number;
  rateLimitPerMinute: number;
  attachmentMaxBytes: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once; a bad value throws a ConfigError naming the variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  // Empty strings in .env files mean "unset".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  if (isProduction && e.DEMO) {
    throw new ConfigError(['DEMO: demo data is never seeded when NODE_ENV=production']);
  }
  return {
    env: e.NODE_ENV,
    isProduction,
    port: e.PORT,
    host: e.HOST,
    baseUrl: (e.BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    sessionSecret: e.SESSION_SECRET,
    sessionTtlHours: e.SESSION_TTL_HOURS,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    demo: e.DEMO ?? !isProduction,
    jobsPollMs: e.JOBS_POLL_MS,
    jobsWorker: e.JOBS_WORKER,
    signInMaxFailures: e.SIGN_IN_MAX_FAILURES,
    signInLockMinutes: e.SIGN_IN_LOCK_MINUTES,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    attachmentMaxBytes: Math.round(e.ATTACHMENT_MAX_MB * 1024 * 1024),
  };
}
