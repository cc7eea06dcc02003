import { Hono } from 'hono';
import type { Context } from 'hono';
import { createOrgBodySchema } from '../../shared/accounts';
import type { AppDeps } from '../deps';
import { currentUser, requireRole } from '../auth/middleware';
import type { AppEnv } from '../http/env';
import { ApiError, badRequest } from '../http/errors';
import { readJson } from '../http/validate';
import { createOrg, importOrgs, orgsInScope } from '../orgs/service';

const CSV_TYPE = /^(text\/csv|text\/plain)\s*(;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([\w-]+)"?/i;

/**
 * The body of a CSV upload as text. UTF-8 (with or without BOM) is the norm; a file Excel or WPS saved
 * in the Chinese ANSI code page arrives as GB18030 (or says so in its charset) and is read as such.
 */
async function readCsvText(c: Context<AppEnv>): Promise<string> {
  const type = c.req.header('content-type') ?? '';
  if (!CSV_TYPE.test(type)) throw new ApiError(415, 'unsupported_media_type', 'accounts.csv_media_type');
  const declared = CHARSET.exec(type)?.[1]?.toLowerCase();
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  const decode = (label: string) => new TextDecoder(label, { fatal: true }).decode(bytes);
  try {
    if (declared && ['gbk', 'gb2312', 'gb18030'].includes(declared)) return decode('gb18030');
    if (declared && !['utf-8', 'utf8', 'us-ascii'].includes(declared)) throw new Error('charset');
    try {
      return decode('utf-8');
    } catch {
      if (declared) throw new Error('not utf-8');
      return decode('gb18030');
    }
  } catch {
    throw badRequest('accounts.csv_encoding', 'csv_encoding');
  }
}

/** `GET /api/orgs` (the caller's subtree), `POST /api/orgs` and `POST /api/orgs/import` (admin). */
export function orgRoutes({ storage }: AppDeps): Hono<AppEnv> {
  const db = storage.db;
  return new Hono<AppEnv>()
    .get('/orgs', requireRole(), async (c) => c.json(await orgsInScope(db, currentUser(c))))
    .post('/orgs', requireRole('admin'), async (c) => {
      const user = currentUser(c);
      const body = await readJson(c, createOrgBodySchema);
      return c.json(await createOrg(db, user, body), 201);
    })
    .post('/orgs/import', requireRole('admin'), async (c) => {
      const user = currentUser(c);
      const text = await readCsvText(c);
      return c.json(await importOrgs(db, user, text, c.get('lang')));
    });
}
