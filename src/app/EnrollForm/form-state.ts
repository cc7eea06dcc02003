/**
 * The enrollment form's state and what follows from it, as pure functions: the live ID check (birth
 * date and gender read from the number, under-16 refused), the record built for the outbox, and the
 * message to show on each control. The component only wires these to inputs.
 */
import { ageOn, idNumberProgress, type IdProgress, type IdType } from '../../shared/id-number';
import type { Lang, MessageKey } from '../../shared/i18n';
import { t } from '../../shared/i18n/catalogue';
import { normalizePhone, phoneProblem } from '../../shared/phone';
import { EMPTY_SELF_FORM, genderAsked, personOf, SELF_CONTROLS, type SelfForm } from '../../shared/person-check';
import { NOTICE_VERSION } from '../../shared/privacy-notice';
import { MIN_AGE, fieldErrors, type Enrollment, type Gender, type Occupation, type Service } from '../../shared/records';
import { localToday } from '../../shared/local-time';

/** What the staff has typed and ticked: the join page's form, and when the consents were given. */
export interface FormState extends SelfForm {
  /** When both consents were last given (ISO with offset), for `consent.at`. */
  consentAt: string | null;
}

/** An empty form. */
export const EMPTY_FORM: FormState = { ...EMPTY_SELF_FORM, consentAt: null };

/** The form filled from a queued record (a rejected one being fixed). */
export function formFromRecord(record: Enrollment): FormState {
  return {
    idType: record.person.idType,
    idNumber: record.person.idNumber,
    name: record.person.name,
    phone: record.person.phone,
    gender: record.person.gender,
    occupation: record.person.occupation,
    employer: record.person.employer ?? '',
    services: [...record.services],
    consentJoin: record.consent.join,
    consentSensitive: record.consent.sensitiveInfo,
    consentAt: record.consent.at,
  };
}

/** Has anything been entered? (An update is applied only over a pristine form.) */
export function isDirty(state: FormState, initial: FormState): boolean {
  return (Object.keys(state) as (keyof FormState)[]).some((k) =>
    k === 'consentAt' ? false : JSON.stringify(state[k]) !== JSON.stringify(initial[k]),
  );
}

/** The live reading of the ID number: progress, and the too-young refusal once a birth date is known. */
export interface IdCheck {
  progress: IdProgress;
  tooYoung: boolean;
}

/** Checks the ID number as typed. */
export function checkId(state: FormState, today: string = localToday()): IdCheck {
  const progress = idNumberProgress(state.idType, state.idNumber, today);
  const tooYoung = progress.state === 'valid' && !!progress.birthDate && ageOn(progress.birthDate, today) < MIN_AGE;
  return { progress, tooYoung };
}

/** Where the record being built sits: which stall, its id and time. */
export interface RecordMeta {
  id: string;
  stallId: string;
  createdAt: string;
  /** Kept from a record being fixed; the staff form never asks for it. */
  ethnicity?: string;
}

/** The record as the outbox will validate it (the shared schema normalizes and checks it). */
export function buildRecord(state: FormState, meta: RecordMeta) {
  return {
    kind: 'enrollment' as const,
    id: meta.id,
    stallId: meta.stallId,
    createdAt: meta.createdAt,
    channel: 'staff' as const,
    person: { ...personOf(state, meta.createdAt), ...(meta.ethnicity ? { ethnicity: meta.ethnicity } : {}) },
    services: state.services,
    consent: {
      join: state.consentJoin,
      sensitiveInfo: state.consentSensitive,
      noticeVersion: NOTICE_VERSION,
      at: state.consentAt ?? meta.createdAt,
    },
  };
}

/** The controls of the form, by record field path (also their `name` attributes): the stall, then the join page's. */
export const CONTROLS = ['stallId', ...SELF_CONTROLS] as const;
export type Control = (typeof CONTROLS)[number];

/**
 * The message per control, in form order: the shared schema's field errors, with birth date and
 * gender problems shown on the ID number (they are read from it) unless gender is asked separately.
 */
export function controlErrors(state: FormState, meta: RecordMeta, lang: Lang): Partial<Record<Control, string>> {
  const all = fieldErrors(buildRecord(state, meta), lang);
  const { progress, tooYoung } = checkId(state, meta.createdAt.slice(0, 10));
  const genderAsked = needsGender(progress);
  const out: Partial<Record<Control, string>> = {};
  if (all['stallId']) out.stallId = all['stallId'];
  const idMessage =
    progress.state === 'invalid'
      ? t(lang, `validation.${progress.code}`)
      : tooYoung
        ? t(lang, 'validation.too_young')
        : (all['person.idNumber'] ?? all['person.birthDate'] ?? (genderAsked ? undefined : all['person.gender']));
  if (all['person.idType']) out['person.idType'] = all['person.idType'];
  if (idMessage) out['person.idNumber'] = idMessage;
  if (genderAsked && all['person.gender']) out['person.gender'] = all['person.gender'];
  for (const c of ['person.name', 'person.phone', 'person.occupation', 'person.employer', 'services', 'consent.join', 'consent.sensitiveInfo'] as const) {
    if (all[c]) out[c] = all[c];
  }
  // The schema's one phone message states the whole rule; on the form, say which part is broken.
  const phone = out['person.phone'] ? phoneProblem(state.phone) : null;
  if (phone) {
    out['person.phone'] =
      phone.kind === 'length'
        ? t(lang, 'validation.phone_length', { n: phone.n })
        : phone.kind === 'second'
          ? t(lang, 'validation.phone_second', { digit: phone.digit })
          : t(lang, phone.kind === 'first' ? 'validation.phone_first' : 'validation.phone_chars');
  }
  if (!out['consent.sensitiveInfo'] && (all['consent.noticeVersion'] || all['consent.at'])) {
    out['consent.sensitiveInfo'] = all['consent.noticeVersion'] ?? all['consent.at'];
  }
  return out;
}

/** Gender is asked only for a complete number that does not carry it. */
export const needsGender = genderAsked;

/** The phone as it will be saved, when typing differs from it (`+86 138-1234-5678` → `13812345678`). */
export function normalizedPhoneHint(phone: string): string | null {
  const r = normalizePhone(phone);
  return r.ok && r.value !== phone.trim() ? r.value : null;
}

/** Which control a server reason's dotted field belongs to (birth date and gender live on the ID number). */
export function controlOfField(field: string | undefined): Control | null {
  if (!field) return null;
  if (field === 'person.birthDate' || field === 'person.gender') return 'person.idNumber';
  if (field.startsWith('consent.')) return field === 'consent.join' ? 'consent.join' : 'consent.sensitiveInfo';
  if (field.startsWith('services')) return 'services';
  return (CONTROLS as readonly string[]).includes(field) ? (field as Control) : null;
}

/** Message keys of the ID types, occupations, services, topics (typed once, used by several screens). */
export const labelKey = {
  idType: (v: IdType): MessageKey => `idType.${v}`,
  occupation: (v: Occupation): MessageKey => `occupation.${v}`,
  service: (v: Service): MessageKey => `service.${v}`,
  gender: (v: Gender): MessageKey => `gender.${v}`,
};
