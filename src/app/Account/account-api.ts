/** The caller's own account: change the password, list and end signed-in devices (src/server/routes/account.ts). */
import { deviceListSchema, endedSessionsSchema } from '../../shared/account-actions';
import type { Lang } from '../../shared/i18n/define';
import { call } from '../http';

export function accountApi(token: string, lang: Lang) {
  return {
    changePassword: (currentPassword: string, newPassword: string) =>
      call(endedSessionsSchema, '/api/me/password', { method: 'POST', json: { currentPassword, newPassword }, token, lang }),
    devices: () => call(deviceListSchema, '/api/me/devices', { token, lang }),
    endDevice: (id: string) => call(endedSessionsSchema, `/api/me/devices/${encodeURIComponent(id)}/revoke`, { method: 'POST', token, lang }),
  };
}

export type AccountApi = ReturnType<typeof accountApi>;
