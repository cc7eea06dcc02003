/**
 * The record's enumerations and limits, free of zod and of the message catalogue, so the join page can
 * list occupations and services without shipping the schema engine. `records.ts` re-exports them.
 */

/** Occupation codes, in the order the form lists them (DESIGN.md). */
export const OCCUPATIONS = [
  'courier',
  'food_delivery',
  'instant_delivery',
  'ride_hailing',
  'truck_driver',
  'designated_driver',
  'domestic_worker',
  'care_worker',
  'security_guard',
  'internet_marketer',
  'other_new_form',
  'other',
] as const;
/** Services a new member may ask for. */
export const SERVICES = ['mutual_aid_card', 'legal_aid', 'mutual_aid_insurance', 'health_check', 'training'] as const;
/** Topics of a consultation that did not end in enrollment. */
export const TOPICS = ['legal', 'mutual_aid', 'health', 'membership', 'other'] as const;
/** Who filled in an enrollment: staff at the stall, or the worker via the QR code. */
export const CHANNELS = ['staff', 'self'] as const;
/** Genders as the ID number encodes them. */
export const GENDERS = ['male', 'female'] as const;
/** Per-record outcomes of a sync. */
export const SYNC_STATUSES = ['accepted', 'duplicate', 'existing_member', 'rejected'] as const;
/** The youngest age at which a worker may join. */
export const MIN_AGE = 16;
/** Most records in one sync request. */
export const MAX_BATCH = 500;

export type Occupation = (typeof OCCUPATIONS)[number];
export type Service = (typeof SERVICES)[number];
export type Topic = (typeof TOPICS)[number];
export type Channel = (typeof CHANNELS)[number];
export type Gender = (typeof GENDERS)[number];
export type SyncStatus = (typeof SYNC_STATUSES)[number];
