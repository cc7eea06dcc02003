import path from 'node:path';
import { z } from 'zod/mini';

/** Environment variables Ruhui reads, checked once at start so a typo fails loudly, not at 3 a.m. */
const envSchema = z.object({
  PORT: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(65535)), 8080),
  DATABASE_URL: z.optional(z.string().check(z.regex(/^postgres(ql)?:\/\//, 'must start with postgres://'))),
  RUHUI_DATA_DIR: z._default(z.string().check(z.minLength(1)), './data'),
  RUHUI_ADMIN_PASSWORD: z.optional(z.string().check(z.minLength(8, 'must be at least 8 characters'))),
  RUHUI_SECRET: z.optional(z.string().check(z.minLength(32, 'must be at least 32 characters'))),
  RUHUI_TZ: z._default(
    z.string().check(z.refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai')),
    'Asia/Shanghai',
  ),
  RUHUI_ROOT_ORG: z._default(z.string().check(z.minLength(1), z.maxLength(100)), '总工会'),
  RUHUI_JOIN_DAYS: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(366)), 7),
  PUBLIC_URL: z.optional(z.url()),
  RUHUI_STATIC_DIR: z._default(z.string(), './dist'),
  /** Proxies in front of the server that append to X-Forwarded-For (0: trust no header, use the socket). */
  RUHUI_TRUST_PROXY: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(10)), 0),
  /** Kill switch: serve a service worker that unregisters itself, retiring a bad one on every device. */
  RUHUI_RETIRE_SW: z._default(z.enum(['0', '1']), '0'),
});

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** What the server runs with. Built from the environment by `loadConfig`, or directly in tests. */
export interface Config {
  port: number;
  databaseUrl?: string;
  /** PostgreSQL schema to use instead of `public` (tests give each run its own). */
  databaseSchema?: string;
  dataDir: string;
  adminPassword?: string;
  secret?: string;
  timeZone: string;
  rootOrgName: string;
  joinDays: number;
  publicUrl?: string;
  staticDir: string;
  retireServiceWorker: boolean;
  /**
   * How many reverse proxies (load balancers) sit in front and append the client's address to
   * X-Forwarded-For. 0 (the default) ignores the header: anyone can write it.
   */
  trustProxyHops?: number;
}

/** Reads and checks the environment; throws one message naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Bad configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.RUHUI_DATA_DIR),
    adminPassword: e.RUHUI_ADMIN_PASSWORD,
    secret: e.RUHUI_SECRET,
    timeZone: e.RUHUI_TZ,
    rootOrgName: e.RUHUI_ROOT_ORG,
    joinDays: e.RUHUI_JOIN_DAYS,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    staticDir: path.resolve(e.RUHUI_STATIC_DIR),
    retireServiceWorker: e.RUHUI_RETIRE_SW === '1',
    trustProxyHops: e.RUHUI_TRUST_PROXY,
  };
}
