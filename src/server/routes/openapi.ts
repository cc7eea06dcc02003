/** `GET /api/openapi.json` (anyone): the OpenAPI 3.1 document of this API, built once from the zod schemas (`openapi.ts`). */
import { Hono } from 'hono';
import type { AppEnv } from '../http/env';
import { openApiDocument } from '../openapi';

export function openApiRoutes(): Hono<AppEnv> {
  let document: string | undefined;
  return new Hono<AppEnv>().get('/openapi.json', (c) => {
    document ??= JSON.stringify(openApiDocument());
    c.header('Content-Type', 'application/json; charset=utf-8');
    return c.body(document);
  });
}
