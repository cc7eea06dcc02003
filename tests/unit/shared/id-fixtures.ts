/** Generators of valid ID numbers for the property tests. */
import fc from 'fast-check';
import { idCheckChar } from '../../../src/shared/id-number';
import { localToday } from '../../../src/shared/local-time';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `YYYY-MM-DD` of a Date, read in UTC (fast-check dates are UTC instants). */
export const isoDay = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;

/** Builds an 18-character ID: 6-character prefix, `YYYY-MM-DD` birth date, 3-digit sequence, computed check character. */
export function makeId18(prefix: string, birthDate: string, sequence: number): string {
  const first17 = prefix + birthDate.replaceAll('-', '') + pad(sequence, 3);
  return first17 + idCheckChar(first17);
}

const today = localToday();
const sixteenYearsAgo = `${Number(today.slice(0, 4)) - 16}${today.slice(4)}`;

/** Birth dates from 1940 to 16 years ago. */
export const birthDateArb = fc
  .date({ min: new Date('1940-01-01T00:00:00Z'), max: new Date(`${sixteenYearsAgo}T00:00:00Z`), noInvalidDate: true })
  .map(isoDay);

export const sequenceArb = fc.integer({ min: 0, max: 999 });
export const residentPrefixArb = fc.integer({ min: 100000, max: 699999 }).map(String);
export const permitPrefixArb = fc.constantFrom('810000', '820000', '830000');
export const foreignPrefixArb = fc.integer({ min: 0, max: 99999 }).map((n) => `9${pad(n, 5)}`);

/** An 18-character ID from prefix generator, with the birth date and gender it encodes. */
export const id18Arb = (prefixArb: fc.Arbitrary<string>) =>
  fc.tuple(prefixArb, birthDateArb, sequenceArb).map(([prefix, birthDate, seq]) => ({
    id: makeId18(prefix, birthDate, seq),
    birthDate,
    gender: seq % 2 === 1 ? ('male' as const) : ('female' as const),
  }));
