/**
 * The record contract (DESIGN.md "Records" and the sync API) as zod/mini schemas: the form, the outbox
 * and the server all run these. Every issue we raise carries a stable code as its message, so
 * `validateRecord` and `fieldErrors` can turn it into a message in the user's language.
 */
import { z } from 'zod/mini';
import { addMessages, isMessageKey, t } from './i18n/catalogue';
import type { Lang } from './i18n/define';
import type { MessageKey } from './i18n/keys';
import { validation } from './i18n/validation';
import { ID_TYPES, ageOn, cleanIdInput, isCalendarDate, isIdType, parseIdNumber } from './id-number';
import { normalizeName } from './person-name';
import { normalizePhone } from './phone';
import { cleanText } from './text';

export { ID_TYPES, type IdType } from './id-number';
export { syncResultSchema, syncResponseSchema, type SyncResult, type SyncResponse } from './sync-response';

export {
  OCCUPATIONS, SERVICES, TOPICS, CHANNELS, GENDERS, SYNC_STATUSES, MIN_AGE, MAX_BATCH,
  type Occupation, type Service, type Topic, type Channel, type Gender, type SyncStatus,
} from './enums';
import { OCCUPATIONS, SERVICES, TOPICS, CHANNELS, GENDERS, MIN_AGE, MAX_BATCH } from './enums';

// Whoever validates records can name every problem (the browser loads this part with the schemas).
addMessages(validation);

type CodeOf<K> = K extends `validation.${infer C}` ? C : never;
/** Every code a validation problem can carry: exactly the `validation.*` keys of the catalogue, so each has a message. */
export type ValidationCode = CodeOf<MessageKey>;

/** A problem with one record, as the sync API reports it. */
export interface Reason {
  code: string;
  field?: string;
  message: string;
}

// ---------------------------------------------------------------------------------------------------
// Building blocks

/** Zod error option: our code, or `missing` when the field is absent. */
const err = (code: ValidationCode, missing: ValidationCode = code) => ({
  error: (iss: { input?: unknown }) => (iss.input === undefined ? missing : code),
});

type Normalizer = (raw: string) => { ok: true; value: string } | { ok: false; code: ValidationCode };

/** A string field normalized by one of our shared normalizers, failing with the normalizer's code (`notString` if absent or not a string). */
const normalized = (fn: Normalizer, notString: ValidationCode) =>
  z.pipe(
    z.string(err(notString)),
    z.transform((raw: string, ctx) => {
      const r = fn(raw);
      if (r.ok) return r.value;
      ctx.issues.push({ code: 'custom', message: r.code, input: raw });
      return z.NEVER;
    }),
  );

/** Optional free text (employer, ethnicity) by the free-text rule (src/shared/text.ts); empty means absent. */
const optionalText = (max: number, tooLong: ValidationCode) =>
  z.optional(
    z.pipe(
      normalized((raw) => {
        // Employer and ethnicity land in the roster spreadsheet: formula-looking text is refused there too.
        const res = cleanText(raw, { max, min: 0, noFormula: true });
        if (res.ok) return res;
        return { ok: false, code: res.problem === 'too_long' ? tooLong : res.problem === 'formula' ? 'text_formula' : 'text_invalid' };
      }, 'invalid_field'),
      z.transform((value: string) => value || undefined),
    ),
  );

const uuid = (code: ValidationCode) => z.uuid(err(code));
/** ISO-8601 date-time that states its offset (Z or ±hh:mm), so the local day is known. */
const dateTime = (code: ValidationCode) => z.iso.datetime({ offset: true, ...err(code) });

type Payload = { value: unknown; issues: { path?: PropertyKey[] }[] };
const hasIssueAt = (ctx: Payload, ...path: string[]) =>
  ctx.issues.some((i) => path.every((p, n) => i.path?.[n] === p));
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Runs a whole-object check even when other fields already failed (so the form sees every problem). */
const always = { when: () => true };

// ---------------------------------------------------------------------------------------------------
// Schemas

/** A worker: normalized on parse; birth date and gender must agree with the ID number where it carries them. */
export const personSchema = z
  .object({
    name: normalized(normalizeName, 'name_required'),
    idType: z.enum(ID_TYPES, err('id_type_required')),
    idNumber: z.string(err('id_format', 'id_required')).check(z.overwrite(cleanIdInput)),
    gender: z.enum(GENDERS, err('gender_required')),
    birthDate: z.string(err('birth_date_invalid')).check(z.refine(isCalendarDate, 'birth_date_invalid')),
    phone: normalized(normalizePhone, 'phone_required'),
    occupation: z.enum(OCCUPATIONS, err('occupation_required')),
    employer: optionalText(60, 'employer_too_long'),
    ethnicity: optionalText(20, 'ethnicity_too_long'),
  })
  .check(
    z.check((ctx) => {
      const p: unknown = ctx.value;
      if (!isObject(p) || hasIssueAt(ctx, 'idType') || hasIssueAt(ctx, 'idNumber')) return;
      if (typeof p.idNumber !== 'string' || !isIdType(p.idType)) return;
      const id = parseIdNumber(p.idType, p.idNumber);
      if (!id.ok) {
        ctx.issues.push({ code: 'custom', message: id.code, input: p.idNumber, path: ['idNumber'] });
        return;
      }
      if (id.gender && p.gender !== id.gender && !hasIssueAt(ctx, 'gender')) {
        ctx.issues.push({ code: 'custom', message: 'gender_mismatch', input: p.gender, path: ['gender'] });
      }
      if (id.birthDate && p.birthDate !== id.birthDate && !hasIssueAt(ctx, 'birthDate')) {
        ctx.issues.push({ code: 'custom', message: 'birth_date_mismatch', input: p.birthDate, path: ['birthDate'] });
      }
    }, always),
  );

/** Services asked for: known values, each at most once, possibly none. */
export const servicesSchema = z
  .array(z.enum(SERVICES, err('services_invalid')), err('services_invalid'))
  .check(z.refine((list) => new Set(list).size === list.length, 'services_duplicate'));

/** Both consents are required and name the privacy notice that was shown. */
export const consentSchema = z.object(
  {
    join: z.literal(true, err('consent_required')),
    sensitiveInfo: z.literal(true, err('consent_required')),
    noticeVersion: normalized((raw) => {
      const res = cleanText(raw, { max: 32, noFormula: true });
      return res.ok ? res : { ok: false, code: 'notice_version_invalid' };
    }, 'notice_version_invalid'),
    at: dateTime('consent_at_invalid'),
  },
  err('consent_required'),
);

/** Age 16 or over on the local day of `createdAt` (its date part as written, offset included). */
const oldEnough = z.check<{ createdAt: string; person: { birthDate: string } }>((ctx) => {
  const v: unknown = ctx.value;
  if (!isObject(v) || !isObject(v.person) || hasIssueAt(ctx, 'createdAt') || hasIssueAt(ctx, 'person', 'birthDate')) return;
  const { createdAt } = v;
  const { birthDate } = v.person;
  if (typeof createdAt !== 'string' || typeof birthDate !== 'string') return;
  if (ageOn(birthDate, createdAt.slice(0, 10)) < MIN_AGE) {
    ctx.issues.push({ code: 'custom', message: 'too_young', input: birthDate, path: ['person', 'birthDate'] });
  }
}, always);

/** One enrollment, as queued on a device and sent to the server. */
export const enrollmentSchema = z
  .object({
    kind: z.literal('enrollment'),
    id: uuid('record_id_invalid'),
    stallId: uuid('stall_id_invalid'),
    createdAt: dateTime('created_at_invalid'),
    channel: z.enum(CHANNELS, err('channel_invalid')),
    person: personSchema,
    services: servicesSchema,
    consent: consentSchema,
  })
  .check(oldEnough);

/** A consultation that did not end in enrollment. */
export const consultationSchema = z.object({
  kind: z.literal('consultation'),
  id: uuid('record_id_invalid'),
  stallId: uuid('stall_id_invalid'),
  createdAt: dateTime('created_at_invalid'),
  topic: z.enum(TOPICS, err('topic_required')),
});

/** Any record the outbox holds and the sync API accepts. */
export const recordSchema = z.discriminatedUnion('kind', [enrollmentSchema, consultationSchema], {
  error: (iss: { code?: string }) => (iss.code === 'invalid_union' ? 'invalid_kind' : 'invalid_record'),
});

/** The body of POST /api/join/:token: an enrollment without what the join token and server supply. */
export const selfRegistrationSchema = z
  .object({
    id: uuid('record_id_invalid'),
    createdAt: dateTime('created_at_invalid'),
    person: personSchema,
    services: servicesSchema,
    consent: consentSchema,
  })
  .check(oldEnough);

/** The body of POST /api/sync. Records stay unknown here: each is validated on its own, so one bad record never sinks the batch. */
export const syncRequestSchema = z.object({
  deviceId: z.string(err('device_id_invalid')).check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'device_id_invalid')),
  sentAt: dateTime('sent_at_invalid'),
  records: z
    .array(z.unknown(), err('records_count'))
    .check(z.minLength(1, 'records_count'), z.maxLength(MAX_BATCH, 'records_count')),
});

export type Person = z.output<typeof personSchema>;
export type Enrollment = z.output<typeof enrollmentSchema>;
export type EnrollmentInput = z.input<typeof enrollmentSchema>;
export type Consultation = z.output<typeof consultationSchema>;
export type RecordT = z.output<typeof recordSchema>;
export type SelfRegistration = z.output<typeof selfRegistrationSchema>;
export type SyncRequest = z.output<typeof syncRequestSchema>;

// ---------------------------------------------------------------------------------------------------
// Turning issues into reasons

/** The order fields appear in the form: the "first" problem is the first in this order. */
const FIELD_ORDER = [
  'kind', 'id', 'stallId', 'createdAt', 'channel', 'topic',
  'person.name', 'person.idType', 'person.idNumber', 'person.gender', 'person.birthDate', 'person.phone',
  'person.occupation', 'person.employer', 'person.ethnicity', 'services',
  'consent.join', 'consent.sensitiveInfo', 'consent.noticeVersion', 'consent.at',
];

interface Problem {
  code: ValidationCode;
  field: string;
}

/** Dotted path of an issue, without array indexes (`services.2` is the `services` control). */
const fieldOf = (path: readonly PropertyKey[]) => path.filter((p) => typeof p === 'string').join('.');

const isCode = (s: string): s is ValidationCode => isMessageKey(`validation.${s}`);

/** Every problem of `input` against `schema`, in form order; empty when valid. Never throws. */
function problems(schema: z.ZodMiniType, input: unknown): { ok: true; value: unknown } | { ok: false; list: Problem[] } {
  let result: ReturnType<typeof schema.safeParse>;
  try {
    result = schema.safeParse(input);
  } catch {
    return { ok: false, list: [{ code: 'invalid_record', field: '' }] };
  }
  if (result.success) return { ok: true, value: result.data };
  const rank = (f: string) => {
    const i = FIELD_ORDER.findIndex((o) => f === o || f.startsWith(`${o}.`) || o.startsWith(`${f}.`));
    return i < 0 ? FIELD_ORDER.length : i;
  };
  const list = result.error.issues
    .map((i): Problem => ({ code: isCode(i.message) ? i.message : 'invalid_field', field: fieldOf(i.path) }))
    .sort((a, b) => rank(a.field) - rank(b.field));
  return { ok: false, list };
}

const toReason = ({ code, field }: Problem, lang: Lang): Reason => ({
  code,
  ...(field ? { field } : {}),
  message: t(lang, `validation.${code}`),
});

/** Validates one record; on failure, the first problem in form order with a dotted `field` and a message in `lang`. Never throws. */
export function validateRecord(input: unknown, lang: Lang): { ok: true; record: RecordT } | { ok: false; reason: Reason } {
  const r = problems(recordSchema, input);
  return r.ok ? { ok: true, record: r.value as RecordT } : { ok: false, reason: toReason(r.list[0]!, lang) };
}

/** Validates a self-registration body (POST /api/join/:token) the same way as `validateRecord`. */
export function validateSelfRegistration(
  input: unknown,
  lang: Lang,
): { ok: true; record: SelfRegistration } | { ok: false; reason: Reason } {
  const r = problems(selfRegistrationSchema, input);
  return r.ok ? { ok: true, record: r.value as SelfRegistration } : { ok: false, reason: toReason(r.list[0]!, lang) };
}

/** For the form: dotted field path → message for every field with a problem (the first per field); `''` for the record as a whole. */
export function fieldErrors(input: unknown, lang: Lang, schema: z.ZodMiniType = recordSchema): Record<string, string> {
  const r = problems(schema, input);
  const out: Record<string, string> = {};
  if (r.ok) return out;
  for (const p of r.list) out[p.field] ??= t(lang, `validation.${p.code}`);
  return out;
}
