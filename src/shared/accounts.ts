/**
 * The accounts contract (DESIGN.md "HTTP API"): sign-in, users, the org tree, stalls and the audit
 * log, as zod/mini schemas of the request bodies and types of the answers. The server validates with
 * these; the admin pages and the stall app read the answers through these types. Every issue carries a
 * message key (`accounts.*`), so each side can say it in the user's language.
 */
import { z } from 'zod/mini';
import { isCalendarDate } from './id-number';
import type { MessageKey } from './i18n';
import { cleanText } from './text';

/** Roles, least to most powerful. */
export const ROLES = ['staff', 'supervisor', 'admin'] as const;
/** Org levels, top down: a city (the root), its districts, their streets and townships. */
export const ORG_LEVELS = ['city', 'district', 'street'] as const;
/** The level an org's parent must have: a street sits under a district, a district under the city. */
export const PARENT_LEVEL = { district: 'city', street: 'district' } as const;
/** Shortest password accepted for a new user. */
export const PASSWORD_MIN = 8;
/** Longest password accepted (scrypt takes any length; this only bounds the work one request asks for). */
export const PASSWORD_MAX = 256;

export type Role = (typeof ROLES)[number];
export type OrgLevel = (typeof ORG_LEVELS)[number];
/** Levels that can be created below the root. */
export type ChildLevel = keyof typeof PARENT_LEVEL;

const msg = (key: MessageKey) => ({ error: key });

/** Usernames as stored: NFC, trimmed, lower-case, so `Wang.Li` and `wang.li` are one account. */
export function normalizeUsername(raw: string): string {
  return raw.normalize('NFC').trim().toLowerCase();
}

const USERNAME = /^[\p{L}\p{N}][\p{L}\p{N}._@-]{2,63}$/u;
const CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** A new username: the free-text rule, then 3–64 letters, digits, `.`, `_`, `@` or `-`, starting with a letter or digit. */
export const usernameSchema = z.pipe(
  z.string(msg('accounts.invalid.username')),
  z.transform((raw: string) => normalizeUsername(raw)),
).check(z.refine((v: string) => cleanText(v, { max: 64 }).ok && USERNAME.test(v), msg('accounts.invalid.username')));

/**
 * A new password: 8–256 characters a person can type. Passwords are not free text (any spaces, any
 * script), but control characters and lone surrogates cannot be typed, and a lone surrogate does not
 * even survive UTF-8: two different ones would hash alike.
 */
export const passwordSchema = z
  .string(msg('accounts.invalid.password'))
  .check(
    z.minLength(PASSWORD_MIN, msg('accounts.invalid.password')),
    z.maxLength(PASSWORD_MAX, msg('accounts.invalid.password')),
    z.refine((v: string) => !/[\p{Cc}\p{Cs}]/u.test(v), msg('accounts.invalid.password')),
  );

/**
 * An org or stall name or a place, by the free-text rule (src/shared/text.ts), 1–`max` code points.
 * These are printed on posters and land in spreadsheets, and no real name starts with `=`, `+`, `-`
 * or `@`: such text is refused with its own message rather than silently altered, so what the admin
 * typed is exactly what everyone sees. (Exports still neutralize any cell, for the fields that allow it.)
 */
export const textSchema = (max: number, key: MessageKey) =>
  z.pipe(
    z.string(msg(key)),
    z.transform((raw: string, ctx) => {
      const res = cleanText(raw, { max, noFormula: true });
      if (res.ok) return res.value;
      ctx.issues.push({ code: 'custom', message: res.problem === 'formula' ? 'accounts.invalid.formula' : key, input: raw });
      return z.NEVER;
    }),
  );

/** An org code: 1–64 letters, digits, `_`, `.` or `-` (administrative codes such as `110105-01`). */
export const orgCodeSchema = z.string(msg('accounts.invalid.code')).check(z.regex(CODE, msg('accounts.invalid.code')));

/** A `YYYY-MM-DD` calendar day, years 1900–2999 (nothing Ruhui records falls outside them). */
export const daySchema = z
  .string(msg('accounts.invalid.date'))
  .check(z.refine((v: string) => isCalendarDate(v) && v >= '1900-01-01' && v <= '2999-12-31', msg('accounts.invalid.date')));

/** An entity id (a UUID). */
export const idSchema = (key: MessageKey = 'accounts.invalid.id') => z.uuid(msg(key));

/**
 * `POST /api/auth/login`. Any text is a possible username here (a wrong one is a 401, not a 400); text
 * that breaks the free-text rule (NUL, lone surrogates, bidi overrides) can be nobody's, so it is a 400
 * before anything is looked up or counted.
 */
export const loginBodySchema = z.object({
  username: z.string(msg('accounts.invalid.username')).check(
    z.maxLength(200, msg('accounts.invalid.username')),
    z.refine((v: string) => cleanText(v, { max: 200 }).ok, msg('accounts.invalid.username')),
  ),
  password: z.string(msg('accounts.invalid.password')).check(z.minLength(1, msg('accounts.invalid.password')), z.maxLength(1024, msg('accounts.invalid.password'))),
});

/** `POST /api/users`. */
export const createUserBodySchema = z.object({
  username: usernameSchema,
  password: passwordSchema,
  role: z.enum(ROLES, msg('accounts.invalid.role')),
  orgId: idSchema('accounts.invalid.org'),
});

/** `POST /api/orgs`: a district under the city or a street under a district (the city exists from the first start). */
export const createOrgBodySchema = z.object({
  parentId: idSchema('accounts.invalid.org'),
  name: textSchema(100, 'accounts.invalid.name'),
  level: z.enum(['district', 'street'], msg('accounts.invalid.level')),
  code: orgCodeSchema,
});

/** A stall's day: a calendar day this century (its join link's expiry must stay representable). */
export const stallDaySchema = daySchema.check(
  z.refine((v: string) => v >= '2000-01-01' && v <= '2099-12-31', msg('accounts.invalid.date')),
);

/** `POST /api/stalls`. */
export const createStallBodySchema = z.object({
  name: textSchema(100, 'accounts.invalid.name'),
  orgId: idSchema('accounts.invalid.org'),
  date: stallDaySchema,
  location: z.optional(z.nullable(textSchema(200, 'accounts.invalid.location'))),
});

/** `?from=&to=` of list routes: inclusive local days, both optional. */
export const dayRangeQuerySchema = z
  .object({ from: z.optional(daySchema), to: z.optional(daySchema) })
  .check(z.refine((q) => !q.from || !q.to || q.from <= q.to, { error: 'accounts.invalid.range', path: ['to'] }));

/** A user as the API shows one (never the password hash). */
export const userViewSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: z.enum(ROLES),
  orgId: z.string(),
});

/** An org as the API shows one. */
export const orgViewSchema = z.object({
  id: z.string(),
  parentId: z.nullable(z.string()),
  name: z.string(),
  level: z.enum(ORG_LEVELS),
  code: z.string(),
});

/** A stall with its join link: the QR code encodes `joinUrl`. */
export const stallViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  orgId: z.string(),
  date: z.string(),
  location: z.nullable(z.string()),
  joinUrl: z.string(),
  joinToken: z.string(),
  /** When the join link stops working (ISO-8601): the end of the stall's date plus RUHUI_JOIN_DAYS. */
  joinExpiresAt: z.string(),
});

/** `POST /api/auth/login` → the session; `mustChangePassword` when signed in with a temporary password. */
export const loginResponseSchema = z.object({ token: z.string(), user: userViewSchema, mustChangePassword: z.optional(z.boolean()) });

/** `GET /api/me` → the caller, their org and its stalls from today on. */
export const meResponseSchema = z.object({ user: userViewSchema, org: orgViewSchema, stalls: z.array(stallViewSchema) });

/** `POST /api/orgs/import` → what happened, line by line for the lines that failed. */
export const importResultSchema = z.object({
  created: z.number(),
  skipped: z.number(),
  errors: z.array(z.object({ line: z.number(), message: z.string() })),
});

/** One line of `GET /api/audit`. */
export const auditEntrySchema = z.object({
  at: z.string(),
  userId: z.nullable(z.string()),
  action: z.string(),
  target: z.nullable(z.string()),
});

/** A user in `GET /api/users` (admin). */
export const userListItemSchema = z.extend(userViewSchema, {
  createdAt: z.string(),
  /** Disabled by an admin: cannot sign in. */
  disabled: z.optional(z.boolean()),
  /** Has a temporary password not yet changed. */
  mustChangePassword: z.optional(z.boolean()),
});

/** `POST /api/users/:id/revoke` → how many sessions ended. */
export const revokeResultSchema = z.object({ revoked: z.number() });

export type UserView = z.output<typeof userViewSchema>;
export type CreateOrgBody = z.output<typeof createOrgBodySchema>;
export type CreateUserBody = z.output<typeof createUserBodySchema>;
export type CreateStallBody = z.output<typeof createStallBodySchema>;
export type OrgView = z.output<typeof orgViewSchema>;
export type StallView = z.output<typeof stallViewSchema>;
export type LoginResponse = z.output<typeof loginResponseSchema>;
export type MeResponse = z.output<typeof meResponseSchema>;
export type ImportResult = z.output<typeof importResultSchema>;
export type AuditEntry = z.output<typeof auditEntrySchema>;
export type UserListItem = z.output<typeof userListItemSchema>;
