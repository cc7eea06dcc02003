import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  EMPTY_FORM,
  buildRecord,
  checkId,
  controlErrors,
  controlOfField,
  formFromRecord,
  isDirty,
  needsGender,
  normalizedPhoneHint,
  type FormState,
} from '../../../src/app/EnrollForm/form-state';
import { validateRecord, type Enrollment } from '../../../src/shared/records';
import { NOTICE_VERSION } from '../../../src/shared/privacy-notice';
import { id18Arb, makeId18, residentPrefixArb } from '../shared/id-fixtures';
import { localIsoWithOffset } from '../../../src/shared/local-time';

// Records are made now: the ID generators make people who are 16 or over today.
const META = { id: '2f1c9a4e-8d4b-4c1e-9f0a-3b5d7e9a1c2d', stallId: '7a3e5c1b-2d4f-4a6b-8c9d-0e1f2a3b4c5d', createdAt: localIsoWithOffset() };
const TODAY = META.createdAt.slice(0, 10);

const filled = (over: Partial<FormState> = {}): FormState => ({
  ...EMPTY_FORM,
  idNumber: '11010519491231002x',
  name: ' 张三 ',
  phone: '+86 138-1234-5678',
  occupation: 'courier',
  employer: '顺丰',
  services: ['legal_aid'],
  consentJoin: true,
  consentSensitive: true,
  consentAt: META.createdAt,
  ...over,
});

describe('the live ID check', () => {
  it('reads birth date and gender from a complete number, and counts an incomplete one', () => {
    expect(checkId(filled(), TODAY).progress).toMatchObject({ state: 'valid', birthDate: '1949-12-31', gender: 'female' });
    expect(checkId(filled({ idNumber: '1101051949' }), TODAY).progress.state).toBe('incomplete');
    expect(checkId(filled({ idNumber: '110105194912310021' }), TODAY).progress).toMatchObject({ state: 'invalid', code: 'id_checksum' });
  });

  it('refuses under-16s with the reason on the ID number', () => {
    const young = makeId18('110105', `${Number(TODAY.slice(0, 4)) - 10}-03-01`, 11);
    expect(checkId(filled({ idNumber: young }), TODAY).tooYoung).toBe(true);
    expect(controlErrors(filled({ idNumber: young }), META, 'zh')['person.idNumber']).toBe('未满 16 周岁，暂不能入会');
    const sixteenToday = makeId18('110105', `${Number(TODAY.slice(0, 4)) - 16}${TODAY.slice(4)}`, 11);
    expect(checkId(filled({ idNumber: sixteenToday }), TODAY).tooYoung).toBe(false);
  });

  it('asks gender only for the older foreign ID, which does not carry it', () => {
    const old = filled({ idType: 'foreign_permanent', idNumber: 'USA110085061501' });
    expect(needsGender(checkId(old, TODAY).progress)).toBe(true);
    expect(controlErrors(old, META, 'zh')['person.gender']).toBe('请选择性别');
    expect(validateRecord(buildRecord({ ...old, gender: 'male' }, META), 'zh').ok).toBe(true);
    expect(needsGender(checkId(filled(), TODAY).progress)).toBe(false);
  });
});

describe('the record the form builds', () => {
  it('passes the shared schema for any valid resident ID (property)', () => {
    fc.assert(
      fc.property(id18Arb(residentPrefixArb), ({ id, birthDate, gender }) => {
        const r = validateRecord(buildRecord(filled({ idNumber: id }), META), 'zh');
        expect(r.ok).toBe(true);
        if (r.ok && r.record.kind === 'enrollment') {
          expect(r.record.person).toMatchObject({ birthDate, gender, phone: '13812345678', name: '张三' });
          expect(r.record.consent).toMatchObject({ join: true, sensitiveInfo: true, noticeVersion: NOTICE_VERSION });
        }
      }),
    );
  });

  it('has a message for every missing field, in form order, in the chosen language', () => {
    const errors = controlErrors(EMPTY_FORM, META, 'zh');
    expect(Object.keys(errors)).toEqual(['person.idNumber', 'person.name', 'person.phone', 'person.occupation', 'consent.join', 'consent.sensitiveInfo']);
    expect(errors['person.idNumber']).toBe('请填写证件号码');
    expect(controlErrors(EMPTY_FORM, META, 'en')['person.phone']).toBe('Please enter the mobile number');
  });

  it('no consent, no record: each consent is required on its own', () => {
    expect(controlErrors(filled({ consentSensitive: false }), META, 'zh')).toEqual({ 'consent.sensitiveInfo': '需要本人同意后才能提交，请勾选' });
    expect(Object.keys(controlErrors(filled({ consentJoin: false }), META, 'zh'))).toEqual(['consent.join']);
    expect(controlErrors(filled(), META, 'zh')).toEqual({});
  });

  it('round-trips a queued record (a rejected one opens with what was saved)', () => {
    const r = validateRecord(buildRecord(filled(), META), 'zh');
    if (!r.ok || r.record.kind !== 'enrollment') throw new Error('expected a valid enrollment');
    const again = validateRecord(buildRecord(formFromRecord(r.record as Enrollment), META), 'zh');
    expect(again).toEqual(r);
  });
});

describe('small helpers', () => {
  it('shows the phone as it will be saved only when it differs', () => {
    expect(normalizedPhoneHint('+86 138-1234-5678')).toBe('13812345678');
    expect(normalizedPhoneHint('13812345678')).toBeNull();
    expect(normalizedPhoneHint('12345')).toBeNull();
  });

  it('knows a pristine form from a started one', () => {
    expect(isDirty(EMPTY_FORM, EMPTY_FORM)).toBe(false);
    expect(isDirty({ ...EMPTY_FORM, consentAt: 'x' }, EMPTY_FORM)).toBe(false);
    expect(isDirty({ ...EMPTY_FORM, idNumber: '1' }, EMPTY_FORM)).toBe(true);
    expect(isDirty({ ...EMPTY_FORM, services: ['training'] }, EMPTY_FORM)).toBe(true);
  });

  it('puts a server reason on the control that can fix it', () => {
    expect(controlOfField('person.birthDate')).toBe('person.idNumber');
    expect(controlOfField('person.gender')).toBe('person.idNumber');
    expect(controlOfField('consent.noticeVersion')).toBe('consent.sensitiveInfo');
    expect(controlOfField('services.2')).toBe('services');
    expect(controlOfField('stallId')).toBe('stallId');
    expect(controlOfField('createdAt')).toBeNull();
    expect(controlOfField(undefined)).toBeNull();
  });
});
