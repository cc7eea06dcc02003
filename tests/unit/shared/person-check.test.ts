import fc from 'fast-check';
import { expect, it } from 'vitest';
import { EMPTY_SELF_FORM, checkSelfForm, selfRegistrationBody, type SelfForm } from '../../../src/shared/person-check';
import { fieldErrors, selfRegistrationSchema } from '../../../src/shared/records';
import { makeId18 } from './id-fixtures';

const TODAY = '2026-12-03';
const META = { id: '7d0c2b8e-3f57-4a3e-9d64-1b2a3c4d5e6f', createdAt: `${TODAY}T12:00:00+08:00` };

const good: SelfForm = {
  ...EMPTY_SELF_FORM,
  idNumber: makeId18('110105', '1990-07-16', 123),
  name: '阿依古丽·买买提',
  phone: '+86 138-0013-8000',
  occupation: 'courier',
  employer: '顺丰',
  services: ['legal_aid'],
  consentJoin: true,
  consentSensitive: true,
};

/** The controls the schema finds a problem on, with birth date and gender read as the ID number. */
function schemaVerdict(f: SelfForm): string[] {
  const errors = fieldErrors(selfRegistrationBody(f, META), 'zh', selfRegistrationSchema);
  const fields = Object.keys(errors).map((k) => (k === 'person.birthDate' || (k === 'person.gender' && f.idType !== 'foreign_permanent') ? 'person.idNumber' : k));
  return [...new Set(fields)].sort();
}

it('a complete form passes both the page’s checks and the server’s schema', () => {
  expect(checkSelfForm(good, TODAY)).toEqual({});
  expect(schemaVerdict(good)).toEqual([]);
});

it('finds a problem on the same fields as the schema, for forms with fields broken at random', () => {
  const broken = fc.record({
    idNumber: fc.constantFrom(good.idNumber, '', '11010519900716123', good.idNumber.slice(0, 17) + 'Y', makeId18('110105', '2015-01-01', 5)),
    name: fc.constantFrom(good.name, '', '张三3', 'x'.repeat(51), ' 李 四 ', '张\u0000三', '张' + '\u0301'.repeat(9)),
    phone: fc.constantFrom(good.phone, '', '12345', '8613800138000'),
    occupation: fc.constantFrom('courier', '', 'astronaut'),
    employer: fc.constantFrom('', '美团', 'x'.repeat(61), 'a\u0007b', '=SUM(A1)', 'a\u202Eb', '  顺丰  速运 ', 'a' + '\u0301'.repeat(9)),
    consentJoin: fc.boolean(),
    consentSensitive: fc.boolean(),
  });
  fc.assert(
    fc.property(broken, (parts) => {
      const f = { ...good, ...parts } as SelfForm;
      expect(Object.keys(checkSelfForm(f, TODAY)).sort()).toEqual(schemaVerdict(f));
    }),
    { numRuns: 300 },
  );
});
