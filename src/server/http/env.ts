import type { Lang } from '../../shared/i18n';

/** The signed-in caller, as every route sees it after authentication. */
export interface AuthUser {
  id: string;
  username: string;
  role: 'staff' | 'supervisor' | 'admin';
  orgId: string;
  /** The org's materialized path: the caller's scope is every org whose path starts with it. */
  orgPath: string;
  /** Signed in with a temporary password: every route but the password change answers 403 until it is changed. */
  mustChangePassword: boolean;
}

/** Per-request values set by middleware. */
export interface AppEnv {
  Variables: {
    lang: Lang;
    user: AuthUser | undefined;
    tokenHash: string | undefined;
  };
}
