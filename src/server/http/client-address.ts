import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

/**
 * The caller's network address, for throttling: the socket's peer, or, behind `trustProxyHops`
 * reverse proxies (RUHUI_TRUST_PROXY), the address the outermost of them saw, read from the right end
 * of X-Forwarded-For (entries further left are whatever the client wrote). Undefined when there is no
 * socket (in-process requests in tests).
 */
export function clientAddress(c: Context, trustProxyHops = 0): string | undefined {
  let peer: string | undefined;
  try {
    peer = getConnInfo(c).remote.address;
  } catch {
    peer = undefined;
  }
  if (trustProxyHops > 0) {
    const forwarded = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (forwarded.length > 0) return forwarded[Math.max(0, forwarded.length - trustProxyHops)];
  }
  return peer;
}
