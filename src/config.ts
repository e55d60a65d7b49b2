import { isIP } from 'node:net';
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
  /** Interface to bind. Unset: 127.0.0.1 while demo data is on, else 0.0.0.0. */
  HOST: z.string().min(1).optional(),
  /** Let an install with demo accounts (whose password is published) listen beyond this machine. */
  DEMO_ALLOW_NETWORK: boolish.default(false),
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
  SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24 * 7),
  /** smtp://user:pass@host:port or smtps://… to send email; unset keeps email in the outbox. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, { message: 'must start with smtp:// or smtps://' })
    .optional(),
  /** From address on outgoing email. */
  MAIL_FROM: z.string().min(3).default('Waymark <no-reply@waymark.localhost>'),
  /** pino log level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Which proxies may set X-Forwarded-*: false, a number of hops (true means 1), or a comma-separated
   * list of proxy addresses and CIDR ranges (and loopback, linklocal, uniquelocal).
   */
  TRUST_PROXY: z
    .string()
    .transform((v, ctx) => {
      const parsed = parseTrustProxy(v);
      if (typeof parsed === 'string') {
        ctx.addIssue({ code: 'custom', message: parsed });
        return z.NEVER;
      }
      return parsed;
    })
    .default(false),
  /** Seed demo data on first start with an empty database (never in production). */
  DEMO: boolish.optional(),
  /** How often the background job runner looks for due jobs, in milliseconds. */
  JOBS_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  /** Run the background job runner in this process. */
  JOBS_WORKER: boolish.default(true),
  /** Failed sign-ins for one account before each further attempt must wait (1 s, doubling, at most a minute). */
  SIGN_IN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  /** Failed sign-ins from one network address (any accounts) before it is paused: a trust shares one address. */
  SIGN_IN_ADDRESS_MAX_FAILURES: z.coerce.number().int().min(1).max(100_000).default(50),
  /** Sign-in, registration and password-reset form posts allowed per minute from one address. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(20),
  /** The longest an address is paused after too many failed sign-ins (a minute first, doubling). */
  SIGN_IN_LOCK_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  /** Largest file a practitioner can attach to a piece of evidence, in megabytes. */
  ATTACHMENT_MAX_MB: z.coerce.number().min(0.01).max(100).default(10),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  isProduction: boolean;
  port: number;
  host: string;
  /** HOST was set, rather than chosen from whether demo data is on. */
  hostFromEnv: boolean;
  demoAllowNetwork: boolean;
  baseUrl: string;
  dataDir: string;
  databaseUrl?: string;
  databasePoolSize: number;
  sessionSecret?: string;
  sessionTtlHours: number;
  smtpUrl?: string;
  mailFrom: string;
  logLevel: Env['LOG_LEVEL'];
  /** Fastify's trustProxy: false, a hop count, or the trusted proxy addresses and ranges. */
  trustProxy: TrustProxy;
  demo: boolean;
  jobsPollMs: number;
  jobsWorker: boolean;
  signInMaxFailures: number;
  signInAddressMaxFailures: number;
  signInLockMinutes: number;
  rateLimitPerMinute: number;
  attachmentMaxBytes: number;
  /** Things worth saying at start (a setting that is allowed but probably not meant). */
  warnings: string[];
}

export type TrustProxy = false | number | string[];

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** One proxy entry: an address, an address/prefix range, or one of proxy-addr's named ranges. */
function isProxyEntry(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address ?? '');
  if (!family || rest.length) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY as Fastify's trustProxy. "true" once trusted every hop, so any client could name its own
 * address in X-Forwarded-For; it now means the one proxy in front (1 hop). Returns a message when invalid.
 */
export function parseTrustProxy(raw: string): TrustProxy | string {
  const v = raw.trim().toLowerCase();
  if (['false', '0', 'no'].includes(v)) return false;
  if (['true', 'yes'].includes(v)) return 1;
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    return hops <= 10 ? hops : 'must be at most 10 hops';
  }
  const entries = v
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const bad = entries.filter((e) => !isProxyEntry(e));
  if (!entries.length || bad.length) {
    return `must be false, a number of proxy hops (e.g. 1), or a comma-separated list of proxy addresses or ranges (e.g. 10.0.0.0/8); "${bad[0] ?? raw}" is none of these`;
  }
  return entries;
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
  const demo = e.DEMO ?? !isProduction;
  const warnings: string[] = [];
  if (/^\s*(true|yes)\s*$/i.test(cleaned.TRUST_PROXY ?? '')) {
    warnings.push(
      "TRUST_PROXY=true trusts one proxy hop (the address your proxy saw). Set the number of hops or the proxies' addresses to say so exactly.",
    );
  }
  return {
    env: e.NODE_ENV,
    isProduction,
    port: e.PORT,
    // The demo accounts' password is published: with demo data, only this machine can reach the app unless HOST says otherwise.
    host: e.HOST ?? (demo ? '127.0.0.1' : '0.0.0.0'),
    hostFromEnv: e.HOST !== undefined,
    demoAllowNetwork: e.DEMO_ALLOW_NETWORK,
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
    demo,
    jobsPollMs: e.JOBS_POLL_MS,
    jobsWorker: e.JOBS_WORKER,
    signInMaxFailures: e.SIGN_IN_MAX_FAILURES,
    signInAddressMaxFailures: e.SIGN_IN_ADDRESS_MAX_FAILURES,
    signInLockMinutes: e.SIGN_IN_LOCK_MINUTES,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    attachmentMaxBytes: Math.round(e.ATTACHMENT_MAX_MB * 1024 * 1024),
    warnings,
  };
}

/** TRUST_PROXY as Fastify takes it (its types lack the hop count it supports, so hops become its function form). */
export function fastifyTrustProxy(tp: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof tp === 'number' ? (_address, hop) => hop < tp : tp;
}

/** Is this listen address reachable only from this machine? */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1' || h === '::ffff:127.0.0.1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

export type ListenDecision = { ok: true; host: string; message: string } | { ok: false; message: string };

/**
 * Where `serve` may listen. Demo accounts have a published password, so an install that has them (or is
 * about to seed them) listens beyond this machine only when DEMO_ALLOW_NETWORK=true says so.
 */
export function decideListen(
  config: Pick<Config, 'host' | 'hostFromEnv' | 'demoAllowNetwork'>,
  demoAccounts: boolean,
): ListenDecision {
  const { host } = config;
  if (!demoAccounts) return { ok: true, host, message: `Listening on ${host}` };
  if (isLoopbackHost(host)) {
    return {
      ok: true,
      host,
      message: `Demo accounts are present, so Waymark listens on ${host} only: other machines cannot reach it.${config.hostFromEnv ? '' : ' Set HOST (and DEMO_ALLOW_NETWORK=true) to change this.'}`,
    };
  }
  if (config.demoAllowNetwork) {
    return {
      ok: true,
      host,
      message: `Demo accounts are present and DEMO_ALLOW_NETWORK=true: listening on ${host}, reachable from the network. Anyone who can reach it can sign in with the published demo password.`,
    };
  }
  return {
    ok: false,
    message: `HOST: refusing to listen on ${host} while demo accounts exist (their password is published). Listen on 127.0.0.1, remove the demo data (DEMO=false on a new database), or set DEMO_ALLOW_NETWORK=true if you mean it.`,
  };
}
