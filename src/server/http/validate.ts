/**
 * The one door for outside input: bodies, queries and params are parsed by a zod schema here, and
 * every failure becomes the same 400 with a reason. Handlers never cast input to a type.
 */
import type { Context } from 'hono';
import { validator } from 'hono/validator';
import type { z } from 'zod/mini';
import { isMessageKey, t, type Lang } from '../../shared/i18n';
import { ApiError, badRequest } from './errors';
import type { AppEnv } from './env';

type Schema = z.ZodMiniType;

type Params = Record<string, string | number>;
const paramsOf = (issue: z.core.$ZodIssue | undefined): Params => {
  const params: unknown = issue && 'params' in issue ? issue.params : undefined;
  return typeof params === 'object' && params !== null ? (params as Params) : {};
};

function describeIssues(error: z.core.$ZodError): { zh: string; en: string } {
  const first = error.issues[0];
  const params = paramsOf(first);
  const where = first && first.path.length > 0 ? first.path.join('.') : '';
  const raw = first?.message ?? 'invalid';
  // Schemas in src/shared carry message keys or bare validation codes; say them in each language.
  const key = isMessageKey(raw) ? raw : isMessageKey(`validation.${raw}`) ? `validation.${raw}` : undefined;
  const what = (lang: Lang) => (key && isMessageKey(key) ? t(lang, key, params) : raw);
  // An issue that names its own error code reads whole, without the field prefix.
  if (typeof params.code === 'string') return { zh: what('zh'), en: what('en') };
  return {
    zh: where ? `字段 ${where} 不正确：${what('zh')}` : `请求不正确：${what('zh')}`,
    en: where ? `Field ${where} is invalid: ${what('en')}` : `Invalid request: ${what('en')}`,
  };
}

/**
 * Checks a value against a schema, or throws a 400 naming the first bad field. An issue may carry
 * `params.code` (the API error code) and message parameters; otherwise the code is `invalid_input`.
 */
export function check<S extends Schema>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const code = paramsOf(result.error.issues[0]).code;
    throw badRequest(describeIssues(result.error), typeof code === 'string' ? code : 'invalid_input');
  }
  return result.data;
}

/** Reads a JSON body: the content type must say JSON, the text must parse, the shape must match. */
export async function readJson<S extends Schema>(c: Context<AppEnv>, schema: S): Promise<z.output<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new ApiError(415, 'unsupported_media_type', 'error.unsupported_media_type');
  }
  const text = await c.req.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw badRequest('error.invalid_json', 'invalid_json');
  }
  return check(schema, body);
}

/** Reads the query string (single values only) against a schema. */
export function readQuery<S extends Schema>(c: Context<AppEnv>, schema: S): z.output<S> {
  return check(schema, c.req.query());
}

/**
 * The query validator declared on a route (hono's `validator`): `prepare` may fill defaults that
 * depend on the server (today's date) into the raw strings first; the handler reads
 * `c.req.valid('query')`.
 */
export function validQuery<S extends Schema>(schema: S, prepare: (raw: Record<string, string>) => Record<string, string> = (raw) => raw) {
  return validator('query', (value) => {
    const raw: Record<string, string> = {};
    for (const [k, v] of Object.entries(value)) raw[k] = Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
    return check(schema, prepare(raw)) as z.output<S>;
  });
}
