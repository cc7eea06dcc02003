/**
 * The self-registration form's checks without the schema engine: the same shared validators the
 * record schema runs (ID numbers, names, phones, the age rule), called directly, so the join page can
 * check as the worker types while shipping no zod. The server still validates every body with
 * `selfRegistrationSchema`; a unit test holds the two to the same verdicts.
 */
import { MIN_AGE, OCCUPATIONS, SERVICES, type Gender, type Occupation, type Service } from './enums';
import { ageOn, idNumberProgress, type IdProgress, type IdType } from './id-number';
import { normalizeName } from './person-name';
import { normalizePhone } from './phone';
import { NOTICE_VERSION } from './privacy-notice';
import type { ValidationCode } from './records';
import { cleanText } from './text';

/** What the worker has typed and ticked. */
export interface SelfForm {
  idType: IdType;
  idNumber: string;
  name: string;
  phone: string;
  /** Asked only when the number does not carry it (the older foreign permanent residence ID). */
  gender: Gender | '';
  occupation: Occupation | '';
  employer: string;
  services: Service[];
  consentJoin: boolean;
  consentSensitive: boolean;
}

/** An empty form. */
export const EMPTY_SELF_FORM: SelfForm = {
  idType: 'resident',
  idNumber: '',
  name: '',
  phone: '',
  gender: '',
  occupation: '',
  employer: '',
  services: [],
  consentJoin: false,
  consentSensitive: false,
};

/** The form's controls by record field path (also their `name` attributes), in form order. */
export const SELF_CONTROLS = [
  'person.idType',
  'person.idNumber',
  'person.gender',
  'person.name',
  'person.phone',
  'person.occupation',
  'person.employer',
  'services',
  'consent.join',
  'consent.sensitiveInfo',
] as const;
export type SelfControl = (typeof SELF_CONTROLS)[number];

/** The longest employer name, in code points (as `personSchema`). */
export const EMPLOYER_MAX = 60;

/** Gender is asked only for a complete number that does not carry it. */
export function genderAsked(progress: IdProgress): boolean {
  return progress.state === 'valid' && !progress.gender;
}

/** The problem code per control, in form order; empty when the form can be sent. `today` is the local day. */
export function checkSelfForm(f: SelfForm, today: string): Partial<Record<SelfControl, ValidationCode>> {
  const out: Partial<Record<SelfControl, ValidationCode>> = {};
  const id = idNumberProgress(f.idType, f.idNumber, today);
  if (id.state === 'empty') out['person.idNumber'] = 'id_required';
  else if (id.state === 'incomplete') out['person.idNumber'] = 'id_format';
  else if (id.state === 'invalid') out['person.idNumber'] = id.code;
  else if (id.birthDate && ageOn(id.birthDate, today) < MIN_AGE) out['person.idNumber'] = 'too_young';
  if (genderAsked(id) && f.gender === '') out['person.gender'] = 'gender_required';
  const name = normalizeName(f.name);
  if (!name.ok) out['person.name'] = name.code;
  const phone = normalizePhone(f.phone);
  if (!phone.ok) out['person.phone'] = phone.code;
  if (!(OCCUPATIONS as readonly string[]).includes(f.occupation)) out['person.occupation'] = 'occupation_required';
  const employer = cleanText(f.employer, { max: EMPLOYER_MAX, min: 0, noFormula: true });
  if (!employer.ok) out['person.employer'] = employer.problem === 'too_long' ? 'employer_too_long' : employer.problem === 'formula' ? 'text_formula' : 'text_invalid';
  if (!f.services.every((s) => (SERVICES as readonly string[]).includes(s))) out.services = 'services_invalid';
  if (!f.consentJoin) out['consent.join'] = 'consent_required';
  if (!f.consentSensitive) out['consent.sensitiveInfo'] = 'consent_required';
  return out;
}

/**
 * The person as the form gives it, for a record made at `createdAt` (its day dates the ID check):
 * birth date and, where the number carries it, gender read from the ID number. The join page's body
 * and the staff form's record (src/app/EnrollForm/form-state.ts) both send this.
 */
export function personOf(f: SelfForm, createdAt: string) {
  const id = idNumberProgress(f.idType, f.idNumber, createdAt.slice(0, 10));
  const valid = id.state === 'valid' ? id : undefined;
  const gender = valid?.gender ?? (f.gender || undefined);
  const employer = f.employer.trim();
  return {
    name: f.name,
    idType: f.idType,
    idNumber: f.idNumber,
    ...(gender ? { gender } : {}),
    birthDate: valid?.birthDate ?? '',
    phone: f.phone,
    ...(f.occupation ? { occupation: f.occupation } : {}),
    ...(employer ? { employer } : {}),
  };
}

/** The body of `POST /api/join/:token` for the form, under a registration's id and time. */
export function selfRegistrationBody(f: SelfForm, meta: { id: string; createdAt: string }) {
  return {
    id: meta.id,
    createdAt: meta.createdAt,
    person: personOf(f, meta.createdAt),
    services: SERVICES.filter((s) => f.services.includes(s)),
    consent: { join: f.consentJoin, sensitiveInfo: f.consentSensitive, noticeVersion: NOTICE_VERSION, at: meta.createdAt },
  };
}
