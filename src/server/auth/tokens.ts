import crypto from 'node:crypto';

/** A bearer token: 256 random bits, URL-safe. Only its hash is ever stored. */
export function newToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/** The stored form of a token: SHA-256, hex. A fast hash is right here: the token has 256 bits of entropy. */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}
