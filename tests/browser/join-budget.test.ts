/**
 * The join page's size budget, as a byte count of the build (not a timing): the JS and CSS that
 * join.html loads, at gzip -9, stay under the hard budget of 20 kB (the goal is 15 kB; `npm run bench
 * -- join-page` reports the figure). The page also loads nothing of the staff app's worker.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { expect, it } from 'vitest';

const HARD_BUDGET = 20_000;

it('join.html loads at most 20 kB of JS and CSS (gzip -9), and registers no service worker', () => {
  const dist = path.resolve('dist');
  const html = fs.readFileSync(path.join(dist, 'join.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  expect(refs.some((r) => r.endsWith('.js'))).toBe(true);
  const sizes = refs.map((r) => ({ r, gzip: zlib.gzipSync(fs.readFileSync(path.join(dist, r)), { level: 9 }).length }));
  const total = sizes.reduce((n, s) => n + s.gzip, 0);
  expect(total, JSON.stringify(sizes)).toBeLessThanOrEqual(HARD_BUDGET);
  const code = refs.filter((r) => r.endsWith('.js')).map((r) => fs.readFileSync(path.join(dist, r), 'utf8')).join('\n');
  expect(code).not.toContain('serviceWorker');
  expect(html).not.toContain('manifest');
});
