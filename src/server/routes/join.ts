/**
 * The public self-registration routes (DESIGN.md flow 2), behind a stall's QR code:
 * - `GET /api/join/:token`: the stall behind the link, for the page's heading;
 * - `POST /api/join/:token`: one registration, stored like a synced enrollment with `channel: "self"`.
 *
 * The token is checked before anything else (404 unknown or forged, 410 expired): nothing else about
 * the server is reachable with a bad one. Then the body (415/400/413, nothing written), then the rate
 * limits (429 with Retry-After), then the stall's window: a link works from its stall's day until it
 * expires. A replay (the same id and content) answers exactly what the first request was answered.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod/mini';
import { t } from '../../shared/i18n';
import type { JoinResponse, JoinStall } from '../../shared/join';
import { maskName } from '../../shared/mask';
import { validateSelfRegistration } from '../../shared/records';
import type { AppDeps } from '../deps';
import { pseudonym } from '../audit';
import { clientAddress } from '../http/client-address';
import type { AppEnv } from '../http/env';
import { ApiError } from '../http/errors';
import { requireJoinToken } from '../http/join-token';
import { readJson } from '../http/validate';
import { DEFAULT_JOIN_LIMITS, countJoinRequest, type JoinLimits } from '../join/rate-limit';
import { receiptCode, registerSelf, stallWithUnion } from '../join/register';
import { log } from '../log';
import { inWindow, joinWindow } from '../sync/window';

/** A registration body is a few hundred bytes; anything near this is not one. */
const MAX_JOIN_BODY = 16 * 1024;

const anything = z.unknown();

/** The join routes; `limits` override the rate limits (tests). */
export function joinRoutes(deps: AppDeps & { joinLimits?: Partial<JoinLimits> }): Hono<AppEnv> {
  const { storage, keys, config } = deps;
  const limits = { ...DEFAULT_JOIN_LIMITS, ...deps.joinLimits };

  const stallOf = async (c: Context<AppEnv>) => {
    const token = requireJoinToken(keys.joinToken, c.req.param('token') ?? '');
    const stall = await stallWithUnion(storage.db, token.stallId);
    // A genuine token of a stall that is gone: as unknown as a forged one.
    if (!stall) throw new ApiError(404, 'join_unknown', 'join.unknown');
    return { token, stall };
  };

  return new Hono<AppEnv>()
    .get('/join/:token', async (c) => {
      const { token, stall } = await stallOf(c);
      const answer: JoinStall = {
        stallId: stall.id,
        name: stall.name,
        org: stall.org_name,
        date: stall.date,
        location: stall.location,
        expiresAt: token.expiresAt.toISOString(),
      };
      return c.json(answer);
    })
    .post(
      '/join/:token',
      // The token first: a bad link is refused before the body is even read.
      async (c, next) => {
        requireJoinToken(keys.joinToken, c.req.param('token') ?? '');
        await next();
      },
      bodyLimit({
        maxSize: MAX_JOIN_BODY,
        onError: () => {
          throw new ApiError(413, 'payload_too_large', 'error.payload_too_large');
        },
      }),
      async (c) => {
        const lang = c.get('lang');
        const checked = validateSelfRegistration(await readJson(c, anything), lang);
        if (!checked.ok) return c.json({ error: checked.reason }, 400);

        const { token, stall } = await stallOf(c);
        const address = clientAddress(c, config.trustProxyHops);
        const counted = await countJoinRequest(
          storage.db,
          [
            ...(address ? [{ key: `a:${pseudonym(keys.pseudonym, `address:${address}`)}`, max: limits.perAddress }] : []),
            { key: `t:${token.stallId}`, max: limits.perToken },
          ],
          limits.windowMs,
        );
        if (!counted.ok) {
          throw new ApiError(429, 'rate_limited', 'join.rate_limited', { 'Retry-After': String(counted.retryAfter) });
        }

        const now = new Date();
        if (!inWindow(now.getTime(), joinWindow(stall.date, token.expiresAt, config.timeZone))) {
          return c.json({ error: { code: 'out_of_window', field: 'createdAt', message: t(lang, 'join.out_of_window') } }, 400);
        }
        const result = await registerSelf({ storage, keys, timeZone: config.timeZone }, stall, checked.record, now);
        if (!result.ok) throw new ApiError(409, 'id_conflict', 'join.id_conflict');
        log.info('join', { stall: stall.id, outcome: result.outcome });
        const answer: JoinResponse = {
          id: checked.record.id,
          status: result.outcome,
          receipt: { code: receiptCode(checked.record.id), maskedName: maskName(checked.record.person.name), stall: stall.name, at: result.createdAt },
        };
        return c.json(answer);
      },
    );
}
