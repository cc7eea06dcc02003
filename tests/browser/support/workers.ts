/** Workers to enroll in browser tests and benchmarks, with valid ID numbers made by the shared check function. */
import { idCheckChar } from '../../../src/shared/id-number';
import type { Occupation, Service } from '../../../src/shared/records';

export interface Worker {
  name: string;
  idNumber: string;
  phone: string;
  /** The occupation's label on the form (zh). */
  occupation: Occupation;
  employer?: string;
  services?: Service[];
}

/** A valid 18-character resident ID: Beijing Chaoyang, born `birth` (YYYYMMDD), sequence `seq` (odd: male). */
export function residentId(seq: number, birth = '19900101'): string {
  const first17 = `110105${birth}${String(seq % 1000).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}

/** The same number with its check character replaced by a wrong one. */
export function withWrongCheckChar(id: string): string {
  const right = id[17];
  const wrong = right === '1' ? '2' : '1';
  return id.slice(0, 17) + wrong;
}

const NAMES = ['王建国', '李娜', '阿依古丽·买买提', '张伟', '欧阳娜娜', '𠮷田', '刘洋', '陈静'];
const OCCUPATIONS: Occupation[] = ['food_delivery', 'courier', 'ride_hailing', 'truck_driver', 'instant_delivery'];
const EMPLOYERS = ['美团', '顺丰', '滴滴', '货拉拉', '闪送'];

/** The `i`-th sample worker (distinct ID numbers; phones typed the way people type them). */
export function worker(i: number, birthYear = 1990): Worker {
  return {
    name: NAMES[i % NAMES.length]!,
    idNumber: residentId(100 + i, `${birthYear}0${(i % 9) + 1}1${i % 10}`),
    phone: i % 2 === 0 ? `+86 138-${String(1000 + i).padStart(4, '0')}-5678` : `139${String(10000000 + i).slice(-8)}`,
    occupation: OCCUPATIONS[i % OCCUPATIONS.length]!,
    employer: EMPLOYERS[i % EMPLOYERS.length]!,
    services: i % 2 === 0 ? ['legal_aid', 'mutual_aid_card'] : [],
  };
}
