import crypto from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/server/http/errors';
import { requireJoinToken } from '../../../src/server/http/join-token';
import { joinTokenExpiry, joinUrl, signJoinToken, verifyJoinToken } from '../../../src/server/join-tokens';
import { deriveKeys } from '../../../src/server/secrets';

const key = deriveKeys('unit-test-secret-unit-test-secret-0000').joinToken;
const otherKey = deriveKeys('another-secret-another-secret-another-1').joinToken;
const stallId = '3b241101-e2bb-4255-8caf-4136c566a962';
const expiry = new Date('2030-05-09T00:00:00+08:00');

describe('join tokens', () => {
  it('round-trips a stall id and expiry, in 50 URL-safe characters', () => {
    const token = signJoinToken(key, stallId, expiry);
    expect(token).toMatch(/^[A-Za-z0-9_-]{50}$/);
    expect(verifyJoinToken(key, token, new Date('2030-05-01T12:00:00+08:00'))).toEqual({ ok: true, stallId, expiresAt: expiry });
    expect(signJoinToken(key, stallId, expiry)).toBe(token);
  });

  it('expires at the end of the stall’s date plus RUHUI_JOIN_DAYS, in the configured time zone', () => {
    expect(joinTokenExpiry('2030-05-01', 7, 'Asia/Shanghai').toISOString()).toBe('2030-05-08T16:00:00.000Z');
    expect(joinTokenExpiry('2030-12-31', 1, 'Asia/Shanghai').toISOString()).toBe('2031-01-01T16:00:00.000Z');
    // Across a DST change (New York springs forward on 2030-03-10): midnight local, not a UTC guess.
    expect(joinTokenExpiry('2030-03-09', 1, 'America/New_York').toISOString()).toBe('2030-03-11T04:00:00.000Z');
    const token = signJoinToken(key, stallId, joinTokenExpiry('2030-05-01', 7, 'Asia/Shanghai'));
    expect(verifyJoinToken(key, token, new Date('2030-05-08T23:59:59+08:00')).ok).toBe(true);
    expect(verifyJoinToken(key, token, new Date('2030-05-09T00:00:00+08:00'))).toEqual({ ok: false, reason: 'expired' });
  });

  it('tells expired (410) from forged or unknown (404)', () => {
    const token = signJoinToken(key, stallId, expiry);
    const after = new Date(expiry.getTime() + 1000);
    expect(verifyJoinToken(key, token, after)).toEqual({ ok: false, reason: 'expired' });
    expect(() => requireJoinToken(key, token, after)).toThrow(expect.objectContaining({ status: 410, code: 'join_expired' }));
    expect(verifyJoinToken(otherKey, token, new Date('2030-01-01'))).toEqual({ ok: false, reason: 'invalid' });
    // A forged token, even one claiming an expired time, is "unknown": it learns nothing about time.
    expect(verifyJoinToken(otherKey, token, after)).toEqual({ ok: false, reason: 'invalid' });
    const err = (() => {
      try {
        requireJoinToken(otherKey, token);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 404, code: 'join_unknown' });
  });

  it('cannot be extended or moved to another stall: any changed byte is refused', () => {
    const token = signJoinToken(key, stallId, expiry);
    const bytes = Buffer.from(token, 'base64url');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, x) => {
        const changed = Buffer.from(bytes);
        changed[i]! ^= x;
        expect(verifyJoinToken(key, changed.toString('base64url'), new Date('2030-01-01'))).toEqual({ ok: false, reason: 'invalid' });
      }),
    );
    // A later expiry signed with a guessed key is still refused.
    const extended = signJoinToken(otherKey, stallId, new Date('2031-01-01'));
    expect(verifyJoinToken(key, extended, new Date('2030-01-01')).ok).toBe(false);
  });

  it('refuses any other string without throwing', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.base64String(), fc.stringMatching(/^[A-Za-z0-9_-]{50}$/)), (s) => {
        expect(verifyJoinToken(key, s).ok).toBe(false);
      }),
    );
    const token = signJoinToken(key, stallId, expiry);
    // The same bytes spelled with different spare bits in the last character are not the token.
    const last = token.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = token.slice(0, -1) + alphabet[alphabet.indexOf(last) ^ 1];
    expect(Buffer.from(sibling, 'base64url').equals(Buffer.from(token, 'base64url'))).toBe(true);
    expect(verifyJoinToken(key, sibling, new Date('2030-01-01')).ok).toBe(false);
    expect(verifyJoinToken(key, `${token}=`).ok).toBe(false);
    expect(verifyJoinToken(key, ` ${token}`).ok).toBe(false);
  });

  it('signs only UUID stall ids and representable expiries', () => {
    expect(() => signJoinToken(key, 'stall-1', expiry)).toThrow();
    expect(() => signJoinToken(key, crypto.randomUUID(), new Date('2200-01-01'))).toThrow();
  });

  it('builds the join link from a base URL', () => {
    expect(joinUrl('https://ruhui.example.org/', 'abc')).toBe('https://ruhui.example.org/join?t=abc');
  });
});
