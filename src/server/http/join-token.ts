import { verifyJoinToken } from '../join-tokens';
import { ApiError } from './errors';

/** For the join routes: the token's stall, or a 404 (unknown or forged) / 410 (expired) ApiError. */
export function requireJoinToken(key: Buffer, token: string, now: Date = new Date()): { stallId: string; expiresAt: Date } {
  const check = verifyJoinToken(key, token, now);
  if (check.ok) return { stallId: check.stallId, expiresAt: check.expiresAt };
  if (check.reason === 'expired') throw new ApiError(410, 'join_expired', 'join.expired');
  throw new ApiError(404, 'join_unknown', 'join.unknown');
}
