/**
 * The data model, as Kysely sees it. One model for both engines: text ids (UUIDs), ISO-8601 text
 * timestamps, local days as 'YYYY-MM-DD' text (pg would turn a `date` into a UTC-midnight Date),
 * integers for counts, JSON as text.
 */
export interface SettingsTable {
  key: string;
  value: string;
}

export interface OrgsTable {
  id: string;
  parent_id: string | null;
  name: string;
  level: 'city' | 'district' | 'street';
  code: string;
  /** Materialized path of ids, '/root/district/street/': a subtree is one prefix scan. */
  path: string;
  created_at: string;
}

export interface UsersTable {
  id: string;
  username: string;
  password_hash: string;
  role: 'staff' | 'supervisor' | 'admin';
  org_id: string;
  created_at: string;
  /** Set when an admin disabled the account: no sign-in, every session ended, no request served. */
  disabled_at: string | null;
  /** Set when an admin gave a temporary password: until the user changes it, only that change is allowed. */
  password_reset_at: string | null;
}

export interface SessionsTable {
  /** SHA-256 of the bearer token: a leaked table cannot be replayed. */
  token_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  /** The session as its user and admins see it in a device list (a UUID; the hash never leaves the server). Null only for sessions older than the device list. */
  id: string | null;
  /** When a request last came with this session (written at most every few minutes). */
  last_seen_at: string | null;
  /** Browser and system of the signing-in device ("Chrome 120 · Android"), never the raw header. */
  user_agent: string | null;
}

export interface StallsTable {
  id: string;
  name: string;
  org_id: string;
  /** The stall's local day, 'YYYY-MM-DD'. */
  date: string;
  location: string | null;
  created_by: string;
  created_at: string;
}

export interface AuditTable {
  id: string;
  at: string;
  user_id: string | null;
  action: string;
  target: string | null;
}

export interface RecordsTable {
  id: string;
  kind: 'enrollment' | 'consultation';
  stall_id: string;
  org_id: string;
  channel: 'staff' | 'self';
  occupation: string | null;
  topic: string | null;
  /** What the record counted as when first stored; a replay answers the same. */
  outcome: 'accepted' | 'existing_member';
  /** Local day of created_at in the configured time zone, fixed at insert. */
  day: string;
  /** The record's time after clock correction. */
  created_at: string;
  /** The time as the device said it. */
  device_created_at: string;
  received_at: string;
  device_id: string | null;
  person_hash: string | null;
  /** The person, encrypted (AES-256-GCM). */
  person_enc: string | null;
  services: string | null;
  consent: string | null;
  /** Hash of the record's content: the same id with other content is an id conflict. */
  fingerprint: string;
}

export interface MembersTable {
  person_hash: string;
  record_id: string;
  joined_at: string;
}

export interface DailyCountsTable {
  day: string;
  stall_id: string;
  /** '' for consultations, which have no occupation. */
  occupation: string;
  channel: 'staff' | 'self';
  enrolled: number;
  existing: number;
  consultations: number;
}

/** A failed (or still running) sign-in, per throttle key; pruned once older than the window. */
export interface LoginAttemptsTable {
  /** Attempt id plus key suffix: one attempt writes one row per key it counts against. */
  id: string;
  /** `u:` + pseudonym of the username, or `a:` + pseudonym of the client address. */
  key: string;
  at: string;
}

/** Requests to the public join route per key (`a:` address pseudonym, `t:` stall) in one fixed window. */
export interface JoinLimitsTable {
  key: string;
  /** The window's start, ISO-8601. */
  window_start: string;
  hits: number;
}

/** Roster exports per admin (`u:` + user id) in one fixed window. */
export interface ExportLimitsTable {
  key: string;
  window_start: string;
  hits: number;
}

export interface SchemaMigrationsTable {
  name: string;
  applied_at: string;
}

export interface Database {
  settings: SettingsTable;
  orgs: OrgsTable;
  users: UsersTable;
  sessions: SessionsTable;
  stalls: StallsTable;
  audit: AuditTable;
  records: RecordsTable;
  members: MembersTable;
  daily_counts: DailyCountsTable;
  login_attempts: LoginAttemptsTable;
  join_limits: JoinLimitsTable;
  export_limits: ExportLimitsTable;
  schema_migrations: SchemaMigrationsTable;
}
