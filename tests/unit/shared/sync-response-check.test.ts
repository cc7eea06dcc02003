/**
 * The worker's hand checks against the schemas they stand in for: on answers near the contract and
 * on anything at all, the hand check accepts exactly what the schema accepts, and returns what it parses.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SYNC_STATUSES } from '../../../src/shared/enums';
import { syncResponseSchema } from '../../../src/shared/sync-response';
import { checkSyncResponse } from '../../../src/shared/sync-response-check';
import { isToWorkerMessage, toWorkerMessage } from '../../../src/shared/sw-messages';

/** A value of the right type most of the time, anything now and then. */
const mostly = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ arbitrary: arb, weight: 6 }, { arbitrary: fc.anything(), weight: 1 });
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(mostly(arb), { nil: undefined });

const datetimeArb = fc.oneof(
  fc.date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc
    .tuple(
      fc.date({ noInvalidDate: true, min: new Date('2000-01-01'), max: new Date('2100-01-01') }),
      fc.constantFrom('+08:00', '+05:45', '-03:30', '+24:00', '+0800', 'Z', '', '+23:59'),
      fc.constantFrom('', '.1', '.123456', ':60'),
    )
    .map(([d, offset, fraction]) => `${d.toISOString().slice(0, 19)}${fraction}${offset}`),
  fc.constantFrom('2024-02-29T10:00:00Z', '2023-02-29T10:00:00Z', '2024-04-31T10:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T10:00Z', '2024-01-01 10:00:00Z'),
  fc.string(),
);

const reasonArb = fc.record(
  { code: mostly(fc.string()), field: optional(fc.string()), message: mostly(fc.string()), extra: fc.anything() },
  { requiredKeys: [] },
);

const resultArb = fc.record(
  {
    id: mostly(fc.uuid()),
    status: mostly(fc.constantFrom(...SYNC_STATUSES, 'sent', 'Accepted')),
    outcome: optional(fc.constantFrom('accepted', 'existing_member', 'duplicate')),
    reason: optional(reasonArb),
    extra: fc.anything(),
  },
  { requiredKeys: ['id', 'status'] },
);

const answerArb = fc.record(
  { serverTime: mostly(datetimeArb), results: mostly(fc.array(mostly(resultArb), { maxLength: 4 })), extra: fc.anything() },
  { requiredKeys: ['serverTime', 'results'] },
);

const schemaSays = (input: unknown) => {
  const parsed = syncResponseSchema.safeParse(input);
  return parsed.success ? parsed.data : undefined;
};

describe('checkSyncResponse, the service worker’s check of a sync answer', () => {
  it('accepts exactly what syncResponseSchema accepts, and returns what it parses', () => {
    fc.assert(
      fc.property(fc.oneof(answerArb, fc.anything()), (input) => {
        expect(checkSyncResponse(input)).toEqual(schemaSays(input));
      }),
      { numRuns: 3000 },
    );
  });

  it('takes a real answer and refuses a captive portal’s', () => {
    const answer = {
      serverTime: '2026-03-01T10:00:00.000+08:00',
      results: [{ id: 'a', status: 'rejected', reason: { code: 'forbidden_stall', field: 'stallId', message: '…', debug: 1 } }],
    };
    expect(checkSyncResponse(answer)).toEqual({ serverTime: answer.serverTime, results: [{ id: 'a', status: 'rejected', reason: { code: 'forbidden_stall', field: 'stallId', message: '…' } }] });
    expect(checkSyncResponse('<html>Sign in to the Wi-Fi</html>')).toBeUndefined();
    expect(checkSyncResponse({ ...answer, serverTime: '2026-03-01T10:00:00' })).toBeUndefined();
  });
});

describe('isToWorkerMessage, the service worker’s check of a page message', () => {
  it('accepts exactly what toWorkerMessage accepts', () => {
    const messageArb = fc.oneof(
      fc.record({ type: mostly(fc.constantFrom('skip-waiting', 'get-version', 'SKIP_WAITING')), extra: fc.anything() }, { requiredKeys: [] }),
      fc.constant([]),
      fc.anything(),
    );
    fc.assert(
      fc.property(messageArb, (input) => {
        expect(isToWorkerMessage(input)).toBe(toWorkerMessage.safeParse(input).success);
      }),
      { numRuns: 1000 },
    );
  });
});
