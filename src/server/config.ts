import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod/mini';
import { cleanText } from '../shared/text';

/** Environment variables Ruhui reads, checked once at start so a typo fails loudly, not at 3 a.m. */
const envSchema = z.object({
  PORT: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(65535)), 8080),
  DATABASE_URL: z.optional(z.string().check(z.regex(/^postgres(ql)?:\/\//, 'must start with postgres://'))),
  RUHUI_DATA_DIR: z._default(z.string().check(z.minLength(1)), './data'),
  RUHUI_ADMIN_PASSWORD: z.optional(z.string().check(z.minLength(8, 'must be at least 8 characters'))),
  RUHUI_SECRET: z.optional(z.string().check(z.minLength(32, 'must be at least 32 characters'))),
  /** A file holding the secret (a mounted secret), outside the data folder; read once at start. */
  RUHUI_SECRET_FILE: z.optional(z.string().check(z.minLength(1))),
  RUHUI_TZ: z._default(
    z.string().check(z.refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai')),
    'Asia/Shanghai',
  ),
  RUHUI_ROOT_ORG: z._default(
    z.string().check(z.refine((v: string) => cleanText(v, { max: 100, noFormula: true }).ok, 'must be an org name: 1–100 characters, no control or format characters, not starting with = + - @')),
    '总工会',
  ),
  RUHUI_JOIN_DAYS: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(366)), 7),
  PUBLIC_URL: z.optional(z.url()),
  RUHUI_STATIC_DIR: z._default(z.string(), './dist'),
  /** Proxies in front of the server that append to X-Forwarded-For (0: trust no header, use the socket). */
  RUHUI_TRUST_PROXY: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(10)), 0),
  /** Kill switch: serve a service worker that unregisters itself, retiring a bad one on every device. */
  RUHUI_RETIRE_SW: z._default(z.enum(['0', '1']), '0'),
  /** PostgreSQL connections per app server, and how many requests may wait for one before 503. */
  RUHUI_PG_POOL: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(1000))),
  RUHUI_PG_QUEUE: z.optional(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(100_000))),
  /** Log lines as JSON (for a collector) or text; read by log.ts, checked here so a typo fails at start. */
  RUHUI_LOG_FORMAT: z.optional(z.enum(['json', 'text'])),
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
  /** PostgreSQL pool size per app server (default in storage/open.ts). */
  pgPoolSize?: number;
  /** Requests that may wait for a PostgreSQL connection; one more gets 503 at once. */
  pgPoolQueue?: number;
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
  const dataDir = path.resolve(e.RUHUI_DATA_DIR);
  let secret = e.RUHUI_SECRET;
  if (e.RUHUI_SECRET_FILE !== undefined) {
    const read = readSecretFile(e.RUHUI_SECRET_FILE, dataDir, e.RUHUI_SECRET !== undefined);
    if (!read.ok) throw new Error(`Bad configuration:\n  RUHUI_SECRET_FILE: ${read.problem}`);
    secret = read.secret;
  }
  return {
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    adminPassword: e.RUHUI_ADMIN_PASSWORD,
    secret,
    timeZone: e.RUHUI_TZ,
    rootOrgName: ((r) => (r.ok ? r.value : e.RUHUI_ROOT_ORG))(cleanText(e.RUHUI_ROOT_ORG, { max: 100 })),
    joinDays: e.RUHUI_JOIN_DAYS,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    staticDir: path.resolve(e.RUHUI_STATIC_DIR),
    retireServiceWorker: e.RUHUI_RETIRE_SW === '1',
    trustProxyHops: e.RUHUI_TRUST_PROXY,
    pgPoolSize: e.RUHUI_PG_POOL,
    pgPoolQueue: e.RUHUI_PG_QUEUE,
  };
}

/** Longest secret file accepted: a secret is a line, not a document (a wrong mount shows up here). */
const SECRET_FILE_MAX = 4096;
const SECRET_LINE = /^[\x21-\x7e]{32,1024}$/;

/**
 * Reads the secret from `file`: it must exist, be readable, lie outside the data folder (or a copy of
 * the folder would carry the key again), and hold one line of 32–1024 printable ASCII characters
 * without spaces (`openssl rand -base64 48` makes one). A problem names the file and what is wrong,
 * never the content.
 */
export function readSecretFile(file: string, dataDir: string, alsoSecret: boolean): { ok: true; secret: string } | { ok: false; problem: string } {
  const real = (p: string) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  const where = real(file);
  dataDir = real(dataDir);
  if (alsoSecret) return { ok: false, problem: 'set RUHUI_SECRET or RUHUI_SECRET_FILE, not both' };
  const inside = path.relative(dataDir, where);
  if (!inside.startsWith('..') && !path.isAbsolute(inside)) {
    return { ok: false, problem: `${where} is inside the data folder (${dataDir}); keep the secret apart from the data` };
  }
  let content: Buffer;
  try {
    const stat = fs.statSync(where);
    if (!stat.isFile()) return { ok: false, problem: `${where} is not a file` };
    if (stat.size > SECRET_FILE_MAX) return { ok: false, problem: `${where} is ${stat.size} bytes; a secret file holds one line of at most 1024 characters` };
    content = fs.readFileSync(where);
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? String(err.code) : 'unreadable';
    return { ok: false, problem: `cannot read ${where} (${code})` };
  }
  const text = content.toString('utf8').replace(/\r?\n$/, '');
  if (!SECRET_LINE.test(text)) {
    return {
      ok: false,
      problem: `${where} must hold one line of 32–1024 printable ASCII characters without spaces (it holds ${text.length} characters${/\s/.test(text) ? ', some of them spaces or line breaks' : ''})`,
    };
  }
  return { ok: true, secret: text };
}
