/**
 * Records as a device sends them, for sync tests, fault tests and the benchmark: valid by default,
 * each person a distinct, valid ID number and phone derived from a number `n`, so a test can make
 * "the same person again" on purpose and never by accident.
 */
import crypto from 'node:crypto';
import { OCCUPATIONS, SERVICES, TOPICS, syncResponseSchema, type Channel, type Occupation, type SyncResponse, type Topic } from '../../src/shared/records';
import { makeId18 } from '../unit/shared/id-fixtures';

const NAMES = ['张伟', '王芳', '李娜', '刘洋', '陈静', '杨帆', '赵磊', '黄晓明', '周杰', '吴敏', '阿依古丽·买买提', '欧阳娜娜', '司马光明', '扎西顿珠'];
const EMPLOYERS = [
  '北京三快在线科技有限公司（美团外卖）朝阳区望京站点',
  '拉扎斯网络科技（上海）有限公司北京分公司（饿了么）',
  '顺丰速运有限公司北京朝阳区三里屯营业部',
  '北京京东世纪贸易有限公司（京东物流）海淀区中关村配送站',
  '滴滴出行科技有限公司北京分公司（网约车）',
  '北京货拉拉科技有限公司（同城货运）',
];

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** The `n`th test person: a valid resident ID (born 1970 onward), its birth date and gender, and a phone. */
export function testPerson(n: number) {
  const birth = new Date(Date.UTC(1970, 0, 1) + Math.floor(n / 1000) * 86_400_000).toISOString().slice(0, 10);
  const sequence = n % 1000;
  return {
    name: NAMES[n % NAMES.length]!,
    idType: 'resident' as const,
    idNumber: makeId18('110105', birth, sequence),
    gender: sequence % 2 === 1 ? ('male' as const) : ('female' as const),
    birthDate: birth,
    phone: `139${pad(n % 100_000_000, 8)}`,
    occupation: OCCUPATIONS[n % OCCUPATIONS.length]!,
    employer: EMPLOYERS[n % EMPLOYERS.length]!,
    ethnicity: n % 7 === 0 ? '回族' : '汉族',
  };
}

export interface EnrollmentOptions {
  stallId: string;
  /** Which person (see `testPerson`). */
  n: number;
  id?: string;
  createdAt?: string;
  channel?: Channel;
  occupation?: Occupation;
  person?: Record<string, unknown>;
}

/** An enrollment as the device queues it. */
export function enrollment(o: EnrollmentOptions) {
  const createdAt = o.createdAt ?? new Date().toISOString();
  const person = { ...testPerson(o.n), ...(o.occupation ? { occupation: o.occupation } : {}), ...o.person };
  return {
    kind: 'enrollment' as const,
    id: o.id ?? crypto.randomUUID(),
    stallId: o.stallId,
    createdAt,
    channel: o.channel ?? ('staff' as Channel),
    person,
    services: SERVICES.filter((_, i) => (o.n >> i) % 2 === 1),
    consent: { join: true, sensitiveInfo: true, noticeVersion: '2026-05-v3', at: createdAt },
  };
}

/** A consultation as the device queues it. */
export function consultation(o: { stallId: string; id?: string; createdAt?: string; topic?: Topic }) {
  return {
    kind: 'consultation' as const,
    id: o.id ?? crypto.randomUUID(),
    stallId: o.stallId,
    createdAt: o.createdAt ?? new Date().toISOString(),
    topic: o.topic ?? TOPICS[0],
  };
}

/** A POST /api/sync body. */
export function syncBody(records: unknown[], o: { sentAt?: string; deviceId?: string } = {}) {
  return { deviceId: o.deviceId ?? 'test-device-1', sentAt: o.sentAt ?? new Date().toISOString(), records };
}

/** The fetch init of a POST /api/sync (works with `app.request` and with `fetch`). */
export function syncInit(body: unknown, auth: { Authorization: string }, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...auth, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/** POST /api/sync to a server process at `baseUrl`; throws with the answer's text unless it is 200, then reads it by the schema. */
export async function postSync(baseUrl: string, auth: { Authorization: string }, records: unknown[]): Promise<SyncResponse> {
  const res = await fetch(`${baseUrl}/api/sync`, syncInit(syncBody(records), auth));
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST /api/sync answered ${res.status}: ${text}`);
  return syncResponseSchema.parse(JSON.parse(text));
}
