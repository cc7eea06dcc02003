/**
 * `GET /api/stalls/:id/today`: one stall's counts for today from the server, all devices together,
 * for the stall screen's tally beside this device's own. An object, so more counts can join it.
 */
import { z } from 'zod/mini';

export const stallTodaySchema = z.object({
  stallId: z.string(),
  /** Today in the server's time zone (`YYYY-MM-DD`). */
  day: z.string(),
  /** New members signed up by staff at this stall today. */
  enrolled: z.number(),
  /** Sign-ups by staff of people who were already members. */
  existing: z.number(),
  consultations: z.number(),
  /** Self-registrations through the stall's join link (new and existing members). */
  self: z.number(),
});

export type StallToday = z.output<typeof stallTodaySchema>;
