import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  CHANNELS,
  ID_TYPES,
  OCCUPATIONS,
  SERVICES,
  TOPICS,
  consultationSchema,
  enrollmentSchema,
  fieldErrors,
  recordSchema,
  syncRequestSchema,
  syncResponseSchema,
  validateRecord,
  validateSelfRegistration,
} from '../../../src/shared/records';
import { isMessageKey, t } from '../../../src/shared/i18n';
import { id18Arb, makeId18, residentPrefixArb } from './id-fixtures';
import { localToday } from '../../../src/shared/local-time';

const AT = '2024-05-01T12:30:00+08:00';

function enrollment(overrides: { person?: Record<string, unknown> } & Record<string, unknown> = {}) {
  const { person, ...rest } = overrides;
  return {
    kind: 'enrollment',
    id: '2f1c9a4e-8d4b-4c1e-9f0a-3b5d7e9a1c2d',
    stallId: '7a3e5c1b-2d4f-4a6b-8c9d-0e1f2a3b4c5d',
    createdAt: AT,
    channel: 'staff',
    person: {
      name: '张三',
      idType: 'resident',
      idNumber: '11010519491231002x',
      gender: 'female',
      birthDate: '1949-12-31',
      phone: '+86 138-1234-5678',
      occupation: 'courier',
      employer: ' 顺丰速运 ',
      ...person,
    },
    services: ['legal_aid', 'health_check'],
    consent: { join: true, sensitiveInfo: true, noticeVersion: '2024-05', at: AT },
    ...rest,
  };
}

const reasonOf = (input: unknown) => {
  const r = validateRecord(input, 'zh');
  if (r.ok) throw new Error('expected a rejection');
  return r.reason;
};

describe('enums', () => {
  it('match DESIGN.md', () => {
    expect(OCCUPATIONS).toHaveLength(12);
    expect(OCCUPATIONS[0]).toBe('courier');
    expect(OCCUPATIONS.at(-1)).toBe('other');
    expect(SERVICES).toHaveLength(5);
    expect(TOPICS).toHaveLength(5);
    expect(ID_TYPES).toEqual(['resident', 'hkmotw_permit', 'foreign_permanent']);
    expect(CHANNELS).toEqual(['staff', 'self']);
  });

  it('each have a label in both languages', () => {
    const keys = [
      ...OCCUPATIONS.map((o) => `occupation.${o}`),
      ...SERVICES.map((s) => `service.${s}`),
      ...TOPICS.map((s) => `topic.${s}`),
      ...ID_TYPES.map((s) => `idType.${s}`),
      ...CHANNELS.map((s) => `channel.${s}`),
      'gender.male',
      'gender.female',
    ];
    for (const key of keys) expect(isMessageKey(key), key).toBe(true);
    expect(t('zh', 'occupation.courier')).toBe('快递员');
  });
});

describe('enrollment', () => {
  it('accepts a valid enrollment and normalizes it', () => {
    const r = validateRecord(enrollment(), 'zh');
    expect(r.ok).toBe(true);
    if (!r.ok || r.record.kind !== 'enrollment') return;
    expect(r.record.person).toEqual({
      name: '张三',
      idType: 'resident',
      idNumber: '11010519491231002X',
      gender: 'female',
      birthDate: '1949-12-31',
      phone: '13812345678',
      occupation: 'courier',
      employer: '顺丰速运',
    });
  });

  it('accepts any generated valid person', () => {
    fc.assert(
      fc.property(id18Arb(residentPrefixArb), fc.constantFrom(...OCCUPATIONS), ({ id, birthDate, gender }, occupation) => {
        const createdAt = `${localToday()}T12:00:00+08:00`;
        const r = validateRecord(enrollment({ person: { idNumber: id, birthDate, gender, occupation }, createdAt }), 'en');
        expect(r).toMatchObject({ ok: true });
      }),
    );
  });

  it('requires both consents, on their own fields', () => {
    expect(reasonOf(enrollment({ consent: { join: false, sensitiveInfo: true, noticeVersion: 'v1', at: AT } }))).toMatchObject({
      code: 'consent_required',
      field: 'consent.join',
    });
    expect(reasonOf(enrollment({ consent: { join: true, sensitiveInfo: false, noticeVersion: 'v1', at: AT } }))).toMatchObject({
      code: 'consent_required',
      field: 'consent.sensitiveInfo',
    });
    expect(reasonOf(enrollment({ consent: { join: true, sensitiveInfo: true, noticeVersion: '', at: AT } }))).toMatchObject({
      code: 'notice_version_invalid',
      field: 'consent.noticeVersion',
    });
  });

  it('refuses a 15-year-old and accepts on the 16th birthday (the local day of createdAt)', () => {
    const person = (birthDate: string) => ({ idNumber: makeId18('110105', birthDate, 11), birthDate, gender: 'male' as const });
    expect(reasonOf(enrollment({ person: person('2008-05-02') }))).toMatchObject({ code: 'too_young', field: 'person.birthDate' });
    expect(validateRecord(enrollment({ person: person('2008-05-01') }), 'zh').ok).toBe(true);
    // 23:30 UTC on 30 April is already 1 May in Beijing: the date as written, with its offset, counts.
    const late = enrollment({ person: person('2008-05-01'), createdAt: '2024-04-30T23:30:00Z' });
    expect(reasonOf(late)).toMatchObject({ code: 'too_young' });
  });

  it('cross-checks gender and birth date with the ID number', () => {
    expect(reasonOf(enrollment({ person: { gender: 'male' } }))).toMatchObject({ code: 'gender_mismatch', field: 'person.gender' });
    expect(reasonOf(enrollment({ person: { birthDate: '1949-12-30' } }))).toMatchObject({
      code: 'birth_date_mismatch',
      field: 'person.birthDate',
    });
  });

  it('takes gender from the person for the older foreign ID, which carries none', () => {
    const person = { idType: 'foreign_permanent' as const, idNumber: 'usa123480010101', birthDate: '1980-01-01' };
    expect(validateRecord(enrollment({ person: { ...person, gender: 'male' } }), 'zh').ok).toBe(true);
    expect(validateRecord(enrollment({ person: { ...person, gender: 'female' } }), 'zh').ok).toBe(true);
  });

  it('reports ID number problems with their code, field and a message in the chosen language', () => {
    const r = validateRecord(enrollment({ person: { idNumber: '110105194912310021' } }), 'en');
    expect(r).toEqual({
      ok: false,
      reason: {
        code: 'id_checksum',
        field: 'person.idNumber',
        message: 'The check character does not match; please check every digit, especially the last character',
      },
    });
    expect(reasonOf(enrollment({ person: { idType: 'resident', idNumber: makeId18('810000', '1990-01-01', 1) } }))).toMatchObject({
      code: 'id_type_mismatch',
      field: 'person.idNumber',
    });
  });

  it('reports the first problem in form order', () => {
    const bad = enrollment({ person: { phone: '123', name: '张三3' }, consent: { join: false } });
    expect(reasonOf(bad)).toMatchObject({ code: 'name_chars', field: 'person.name' });
  });

  it('refuses other shape problems with a stable code', () => {
    expect(reasonOf(enrollment({ createdAt: '2024-05-01T12:30:00' }))).toMatchObject({ code: 'created_at_invalid', field: 'createdAt' });
    expect(reasonOf(enrollment({ id: 'not-a-uuid' }))).toMatchObject({ code: 'record_id_invalid', field: 'id' });
    expect(reasonOf(enrollment({ services: ['legal_aid', 'legal_aid'] }))).toMatchObject({ code: 'services_duplicate', field: 'services' });
    expect(reasonOf(enrollment({ services: ['massage'] }))).toMatchObject({ code: 'services_invalid', field: 'services' });
    expect(reasonOf(enrollment({ person: { occupation: 'pilot' } }))).toMatchObject({ code: 'occupation_required', field: 'person.occupation' });
    expect(reasonOf(enrollment({ person: { employer: 'x'.repeat(61) } }))).toMatchObject({ code: 'employer_too_long', field: 'person.employer' });
    expect(reasonOf(enrollment({ kind: 'membership' }))).toMatchObject({ code: 'invalid_kind', field: 'kind' });
    expect(reasonOf(enrollment({ channel: 'fax' }))).toMatchObject({ code: 'channel_invalid', field: 'channel' });
  });

  it('accepts its own output again unchanged (the outbox validates, then the server does)', () => {
    const first = validateRecord(enrollment(), 'zh');
    if (!first.ok) throw new Error('expected a valid record');
    const again = validateRecord(JSON.parse(JSON.stringify(first.record)), 'en');
    expect(again).toEqual(first);
  });

  it('drops an empty employer and unknown fields', () => {
    const r = enrollmentSchema.safeParse({ ...enrollment({ person: { employer: '  ' } }), education: 'college' });
    expect(r.success).toBe(true);
    expect(r.data?.person.employer).toBeUndefined();
    expect(r.data).not.toHaveProperty('education');
  });
});

describe('consultation', () => {
  const consultation = { kind: 'consultation', id: '2f1c9a4e-8d4b-4c1e-9f0a-3b5d7e9a1c2d', stallId: '7a3e5c1b-2d4f-4a6b-8c9d-0e1f2a3b4c5d', createdAt: AT, topic: 'legal' };

  it('accepts a valid one and refuses an unknown topic', () => {
    expect(consultationSchema.safeParse(consultation).success).toBe(true);
    expect(recordSchema.safeParse(consultation).success).toBe(true);
    expect(reasonOf({ ...consultation, topic: 'weather' })).toMatchObject({ code: 'topic_required', field: 'topic' });
  });
});

describe('validateRecord on garbage', () => {
  it('never throws and always gives a code and a message', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true }), fc.constantFrom('zh' as const, 'en' as const), (input, lang) => {
        const r = validateRecord(input, lang);
        expect(r.ok).toBe(false);
        if (r.ok) return;
        expect(r.reason.code).toMatch(/^[a-z_]+$/);
        expect(r.reason.message.length).toBeGreaterThan(0);
      }),
    );
  });

  it('never throws on records with random values in every field', () => {
    const field = fc.oneof(fc.anything(), fc.string(), fc.constant(undefined));
    fc.assert(
      fc.property(fc.record({ name: field, idNumber: field, phone: field, gender: field, birthDate: field, services: field, createdAt: field }), (v) => {
        const input = enrollment({ person: { name: v.name, idNumber: v.idNumber, phone: v.phone, gender: v.gender, birthDate: v.birthDate }, services: v.services, createdAt: v.createdAt });
        const r = validateRecord(input, 'zh');
        if (!r.ok) expect(r.reason.message.length).toBeGreaterThan(0);
      }),
    );
  });
});

describe('fieldErrors', () => {
  it('lists every field with a problem', () => {
    const errors = fieldErrors(enrollment({ person: { phone: '123', gender: 'male', name: '' }, consent: { join: false, sensitiveInfo: false, noticeVersion: 'v', at: AT } }), 'zh');
    expect(Object.keys(errors).sort()).toEqual(['consent.join', 'consent.sensitiveInfo', 'person.gender', 'person.name', 'person.phone']);
    expect(errors['person.phone']).toBe(t('zh', 'validation.phone_format'));
  });

  it('is empty for a valid record', () => {
    expect(fieldErrors(enrollment(), 'en')).toEqual({});
  });
});

describe('self-registration', () => {
  it('accepts the body without kind, stallId and channel, and applies the same rules', () => {
    const { kind: _k, stallId: _s, channel: _c, ...body } = enrollment();
    expect(validateSelfRegistration(body, 'zh').ok).toBe(true);
    const young = { ...body, person: { ...body.person, idNumber: makeId18('110105', '2010-01-01', 2), birthDate: '2010-01-01' } };
    expect(validateSelfRegistration(young, 'zh')).toMatchObject({ ok: false, reason: { code: 'too_young' } });
  });
});

describe('sync', () => {
  it('accepts 1 to 500 records of any shape, and nothing else', () => {
    const req = (records: unknown[], deviceId = 'dev_1-A') => ({ deviceId, sentAt: AT, records });
    expect(syncRequestSchema.safeParse(req([{}, 5, null])).success).toBe(true);
    expect(syncRequestSchema.safeParse(req(Array.from({ length: 500 }, () => ({})))).success).toBe(true);
    expect(syncRequestSchema.safeParse(req([])).success).toBe(false);
    expect(syncRequestSchema.safeParse(req(Array.from({ length: 501 }, () => ({})))).success).toBe(false);
    expect(syncRequestSchema.safeParse(req([{}], 'bad id')).success).toBe(false);
    expect(syncRequestSchema.safeParse(req([{}], 'x'.repeat(65))).success).toBe(false);
    expect(syncRequestSchema.safeParse({ ...req([{}]), sentAt: '2024-05-01' }).success).toBe(false);
  });

  it('describes the response', () => {
    const response = {
      serverTime: '2024-05-01T04:30:00Z',
      results: [
        { id: 'a', status: 'accepted' },
        { id: 'b', status: 'rejected', reason: { code: 'id_checksum', field: 'person.idNumber', message: '…' } },
      ],
    };
    expect(syncResponseSchema.safeParse(response).success).toBe(true);
    expect(syncResponseSchema.safeParse({ ...response, results: [{ id: 'a', status: 'lost' }] }).success).toBe(false);
  });
});
