/**
 * Running an account (DESIGN.md "HTTP API"): an admin disables or re-enables a user and sets a
 * temporary password; every user changes their own password and sees and ends their signed-in
 * devices. The password rule is the one of `accounts.ts`, so a new password is judged alike in the
 * form, at the admin's desk and on the server.
 */
import { z } from 'zod/mini';
import { PASSWORD_MAX, passwordSchema } from './accounts';
import type { MessageKey } from './i18n';

const msg = (key: MessageKey) => ({ error: key });

/** `POST /api/users/:id/password`: the temporary password the user must change at the next sign-in. */
export const temporaryPasswordBodySchema = z.object({ password: passwordSchema });

/**
 * `POST /api/me/password`. The current password is checked against the stored hash, not against the
 * rule (an old password may predate it); the new one must follow the rule and differ from it.
 */
export const changePasswordBodySchema = z
  .object({
    currentPassword: z
      .string(msg('account.invalid.current_password'))
      .check(
        z.minLength(1, msg('account.invalid.current_password')),
        z.maxLength(PASSWORD_MAX * 4, msg('account.invalid.current_password')),
        // No stored password holds these (the rule refuses them): no hash needs checking.
        z.refine((v: string) => !/[\p{Cc}\p{Cs}]/u.test(v), msg('account.invalid.current_password')),
      ),
    newPassword: passwordSchema,
  })
  .check(
    z.refine((b) => b.currentPassword !== b.newPassword, { error: 'account.password_same', path: ['newPassword'] }),
  );

/** One signed-in device (a live session) of a user. */
export const deviceViewSchema = z.object({
  id: z.string(),
  /** When the device signed in. */
  createdAt: z.string(),
  /** When it last made a request (to within a few minutes); null before its first request after sign-in. */
  lastSeenAt: z.nullable(z.string()),
  /** "Chrome 120 · Android"; null when the device did not say. */
  userAgent: z.nullable(z.string()),
  /** The session of the caller's own request. */
  current: z.boolean(),
});

/** `GET /api/me/devices`, `GET /api/users/:id/devices` → newest sign-in first. */
export const deviceListSchema = z.array(deviceViewSchema);

/** `POST /api/users/:id/disable` and `/enable` → the new state and how many sessions ended. */
export const accountStateSchema = z.object({ disabled: z.boolean(), revoked: z.number() });

/** `POST /api/me/password`, `POST /api/users/:id/password`, `POST …/devices/:id/revoke` → how many sessions ended. */
export const endedSessionsSchema = z.object({ revoked: z.number() });

export type TemporaryPasswordBody = z.output<typeof temporaryPasswordBodySchema>;
export type ChangePasswordBody = z.output<typeof changePasswordBodySchema>;
export type DeviceView = z.output<typeof deviceViewSchema>;
export type AccountState = z.output<typeof accountStateSchema>;
