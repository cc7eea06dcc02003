import { expect, it } from 'vitest';
import { app } from '../../../src/shared/i18n/app';
import { join } from '../../../src/shared/i18n/join';
import { receiptCode } from '../../../src/server/join/register';

it('the join page asks for the very consents the staff form asks for, word for word', () => {
  for (const lang of ['zh', 'en'] as const) {
    expect(join[lang]['join.consentJoin']).toBe(app[lang]['form.consentJoin']);
    expect(join[lang]['join.consentSensitive']).toBe(app[lang]['form.consentSensitive']);
  }
});

it('a receipt code is six unambiguous characters, fixed by the record id', () => {
  const id = '7d0c2b8e-3f57-4a3e-9d64-1b2a3c4d5e6f';
  expect(receiptCode(id)).toMatch(/^[0-9A-HJKMNP-TV-Z]{6}$/);
  expect(receiptCode(id)).toBe(receiptCode(id));
  expect(receiptCode(id)).not.toBe(receiptCode('7d0c2b8e-3f57-4a3e-9d64-1b2a3c4d5e70'));
});
