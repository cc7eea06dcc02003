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
}

export interface SessionsTable {
  /** SHA-256 of the bearer token: a leaked table cannot be replayed. */
  token_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
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
  schema_migrations: SchemaMigrationsTable;
}
