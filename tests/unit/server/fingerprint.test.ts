import crypto from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateRecord, type RecordT } from '../../../src/shared/records';
import { canonicalJson, recordFingerprint, recordJson } from '../../../src/server/sync/fingerprint';
import { consultation, enrollment } from '../../support/records';

const valid = (input: unknown): RecordT => {
  const r = validateRecord(input, 'en');
  if (!r.ok) throw new Error(r.reason.code);
  return r.record;
};

describe('canonicalJson', () => {
  it('is the same text whatever the key order, and parses back to the value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const shuffled = JSON.parse(JSON.stringify(value), (_k, v: unknown) =>
          v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
        ) as unknown;
        expect(canonicalJson(shuffled)).toBe(canonicalJson(value));
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});

describe('recordFingerprint', () => {
  const key = crypto.randomBytes(32);
  const base = enrollment({ stallId: crypto.randomUUID(), n: 3, createdAt: '2026-05-01T12:00:00+08:00' });

  it('ignores formatting the validator normalizes away, and sees every change of content', () => {
    const fp = recordFingerprint(key, valid(base));
    expect(recordFingerprint(key, valid({ ...base, person: { ...base.person, phone: `+86 ${base.person.phone}` } }))).toBe(fp);
    expect(recordFingerprint(key, valid({ ...base, person: { ...base.person, name: ` ${base.person.name} ` } }))).toBe(fp);
    expect(recordFingerprint(key, valid({ ...base, channel: 'self' }))).not.toBe(fp);
    expect(recordFingerprint(key, valid({ ...base, createdAt: '2026-05-01T12:00:01+08:00' }))).not.toBe(fp);
    expect(recordFingerprint(key, valid({ ...base, consent: { ...base.consent, noticeVersion: 'v4' } }))).not.toBe(fp);
    expect(recordFingerprint(crypto.randomBytes(32), valid(base))).not.toBe(fp);
  });
});

describe('recordJson', () => {
  const KEYS = ['at', 'channel', 'consent', 'createdAt', 'id', 'idNumber', 'kind', 'name', 'person', 'phone', 'services', 'stallId', 'topic'];
  it('writes exactly canonicalJson\'s text, for records and for any other value', () => {
    const known = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 0 }), fc.array(tie('value')), tie('object')),
      object: fc.dictionary(fc.constantFrom(...KEYS), tie('value')),
    }));
    fc.assert(fc.property(fc.oneof(known.value, fc.jsonValue()), (value) => {
      expect(recordJson(value)).toBe(canonicalJson(value));
    }));
    for (let n = 0; n < 50; n++) {
      const r = valid(enrollment({ stallId: crypto.randomUUID(), n, createdAt: '2026-05-01T12:00:00+08:00' }));
      expect(recordJson(r)).toBe(canonicalJson(r));
      const c = valid(consultation({ stallId: crypto.randomUUID(), createdAt: '2026-05-01T12:00:00+08:00' }));
      expect(recordJson(c)).toBe(canonicalJson(c));
    }
    const extra = { ...valid(enrollment({ stallId: crypto.randomUUID(), n: 1, createdAt: '2026-05-01T12:00:00+08:00' })), note: 'x' };
    expect(recordJson(extra)).toBe(canonicalJson(extra));
  });
});
