/**
 * Random batches against a model: whatever mix of new records, returning people, replays, id
 * conflicts, invalid records and stalls out of scope a run sends, each result is what the model
 * predicts and the server's counters equal the model's, which it computes from the records alone.
 */
import crypto from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { OCCUPATIONS, TOPICS } from '../../../src/shared/records';
import { statsResponseSchema } from '../../../src/shared/stats';
import { consultation, enrollment } from '../../support/records';
import { describeEachEngine, startTestApp, type TestApp } from '../support/engines';
import { seedWorld, storeCounts, sync, type World } from './helpers';

const TIMES = [
  '2026-05-01T08:00:00+08:00',
  '2026-05-01T23:30:00+08:00',
  '2026-05-01T16:30:00Z',
  '2026-05-02T12:00:00+05:30',
  '2026-05-02T21:00:00-03:00',
  '2026-05-03T11:59:59.5+08:00',
];
const shanghaiDay = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);
/** The stalls' date (DAY, 1 May) in Beijing, 12 hours either side: 30 April 04:00Z to 2 May 04:00Z. */
const inStallWindow = (iso: string) => Date.parse(iso) >= Date.parse('2026-04-30T04:00:00Z') && Date.parse(iso) < Date.parse('2026-05-02T04:00:00Z');

type Op =
  | { t: 'enroll'; person: number; stall: number; time: number; self: boolean; occupation: number }
  | { t: 'consult'; stall: number; time: number; topic: number }
  | { t: 'invalid'; stall: number }
  | { t: 'unknownStall'; time: number }
  | { t: 'replay'; pick: number }
  | { t: 'conflict'; pick: number };

const stall = fc.nat(3);
const time = fc.nat(TIMES.length - 1);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ t: fc.constant('enroll' as const), person: fc.nat(24), stall, time, self: fc.boolean(), occupation: fc.nat(OCCUPATIONS.length - 1) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('consult' as const), stall, time, topic: fc.nat(TOPICS.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('invalid' as const), stall }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('unknownStall' as const), time }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('replay' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('conflict' as const), pick: fc.nat() }) },
);
const runArb = fc.array(fc.record({ sender: fc.constantFrom('city', 'jianwai'), ops: fc.array(opArb, { minLength: 1, maxLength: 30 }) }), {
  minLength: 1,
  maxLength: 3,
});

interface Sent {
  body: { id: string; stallId: string; createdAt: string; kind: string };
  person: number | null;
  occupation: string;
  channel: 'staff' | 'self';
}

describeEachEngine('sync against a model', (engine) => {
  let t: TestApp;
  let w: World;
  beforeAll(async () => {
    t = await startTestApp(engine);
    w = await seedWorld(t.storage);
  });
  afterAll(async () => t.close());

  it('answers and counts random batches exactly as the model does', async () => {
    const stalls = [w.stalls.jianwai, w.stalls.sanlitun, w.stalls.zhongguancun, w.stalls.haidianDistrict];
    // The model: what is stored (id → content), who is a member, and the counters.
    const stored = new Map<string, string>();
    /** What each stored record was the first time: a replay's `outcome`. */
    const firstOutcome = new Map<string, string>();
    const members = new Set<number>();
    const counters = new Map<string, { enrolled: number; existing: number; consultations: number }>();
    const history: Sent[] = [];

    const make = (op: Op): Sent | { invalid: unknown } => {
      switch (op.t) {
        case 'enroll': {
          const occupation = OCCUPATIONS[op.occupation]!;
          const channel = op.self ? 'self' : 'staff';
          const body = enrollment({ stallId: stalls[op.stall]!.id, n: op.person, createdAt: TIMES[op.time]!, occupation, channel });
          return { body, person: op.person, occupation, channel };
        }
        case 'consult':
          return { body: consultation({ stallId: stalls[op.stall]!.id, createdAt: TIMES[op.time]!, topic: TOPICS[op.topic]! }), person: null, occupation: '', channel: 'staff' };
        case 'unknownStall':
          return { body: consultation({ stallId: crypto.randomUUID(), createdAt: TIMES[op.time]! }), person: null, occupation: '', channel: 'staff' };
        case 'invalid':
          return { invalid: { ...consultation({ stallId: stalls[op.stall]!.id }), topic: 'weather' } };
        case 'replay':
        case 'conflict': {
          if (history.length === 0) return { invalid: { kind: 'consultation' } };
          const earlier = history[op.pick % history.length]!;
          if (op.t === 'replay') return earlier;
          const shifted = new Date(Date.parse(earlier.body.createdAt) + 1000).toISOString();
          return { ...earlier, body: { ...earlier.body, createdAt: shifted, ...('consent' in earlier.body ? { consent: { ...(earlier.body.consent as object), at: shifted } } : {}) } };
        }
      }
    };

    await fc.assert(
      fc.asyncProperty(runArb, async (run) => {
        for (const batch of run) {
          const auth = batch.sender === 'city' ? w.users.cityStaff.auth : w.users.jianwaiStaff.auth;
          const records: unknown[] = [];
          const expected: string[] = [];
          for (const op of batch.ops) {
            const r = make(op);
            if ('invalid' in r) {
              records.push(r.invalid);
              expected.push('rejected');
              continue;
            }
            records.push(r.body);
            history.push(r);
            const content = JSON.stringify(r.body);
            const known = stalls.find((s) => s.id === r.body.stallId);
            const inScope = known && (batch.sender === 'city' || known.id === w.stalls.jianwai.id);
            const before = stored.get(r.body.id);
            if (before !== undefined) {
              expected.push(before === content ? `duplicate:${firstOutcome.get(r.body.id)}` : 'rejected');
              continue;
            }
            // Outside the sender's scope; self-registrations only through the join route; off the stall's date.
            if (!inScope || r.channel === 'self' || !inStallWindow(r.body.createdAt)) {
              expected.push('rejected');
              continue;
            }
            stored.set(r.body.id, content);
            const key = `${shanghaiDay(r.body.createdAt)}|${r.body.stallId}|${r.occupation}|${r.channel}`;
            const c = counters.get(key) ?? { enrolled: 0, existing: 0, consultations: 0 };
            counters.set(key, c);
            let outcome: 'accepted' | 'existing_member' = 'accepted';
            if (r.person === null) c.consultations++;
            else if (members.has(r.person)) {
              c.existing++;
              outcome = 'existing_member';
            } else {
              members.add(r.person);
              c.enrolled++;
            }
            firstOutcome.set(r.body.id, outcome);
            expected.push(outcome);
          }
          const answer = await sync(t, auth, records);
          expect(answer.results.map((x) => (x.outcome ? `${x.status}:${x.outcome}` : x.status))).toEqual(expected);
        }

        const res = await t.app.request('/api/stats?from=2026-04-30&to=2026-05-05&group=day,stall,occupation,channel', { headers: w.users.admin.auth });
        const body = statsResponseSchema.parse(await res.json());
        const server = Object.fromEntries(
          body.rows.map((r) => [`${r.day}|${r.stallId}|${r.occupation ?? ''}|${r.channel}`, { enrolled: r.enrolled, existing: r.existing, consultations: r.consultations }]),
        );
        expect(server).toEqual(Object.fromEntries(counters));
        expect((await storeCounts(t.storage)).records).toBe(stored.size);
        expect((await storeCounts(t.storage)).members).toBe(members.size);
      }),
      { numRuns: 25, endOnFailure: true },
    );
  });
});
