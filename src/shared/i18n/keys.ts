/** Every message key of every part (types only: naming a key never loads its part). */
import type { accountActions } from './account-actions';
import type { accounts } from './accounts';
import type { app } from './app';
import type { audit } from './audit';
import type { common } from './common';
import type { dashboard } from './dashboard';
import type { join } from './join';
import type { ownership } from './ownership';
import type { qr } from './qr';
import type { qrLink } from './qr-link';
import type { roles } from './roles';
import type { sync } from './sync';
import type { syncStatus } from './sync-status';
import type { validation } from './validation';

type Parts =
  | typeof accounts | typeof app | typeof audit | typeof common | typeof dashboard | typeof join | typeof ownership
  | typeof qr | typeof qrLink | typeof roles | typeof sync | typeof syncStatus | typeof validation | typeof accountActions;
type KeysOf<P> = P extends { zh: infer Z } ? keyof Z : never;

export type MessageKey = KeysOf<Parts> & string;
