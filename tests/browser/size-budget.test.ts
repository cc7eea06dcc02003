/**
 * The staff app's size budgets, as byte counts of the build (deterministic, not timings): what
 * index.html loads up front (script, module preloads, stylesheets and their static imports) stays
 * within 50 kB of JS + CSS at gzip -9, and the service worker within 20 kB. `npm run bench` prints
 * every size (tests/support/build-sizes.ts). In the browser project because it reads the build.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { accounts } from '../../src/shared/i18n/accounts';
import { common } from '../../src/shared/i18n/common';
import { dashboard } from '../../src/shared/i18n/dashboard';
import { qr } from '../../src/shared/i18n/qr';
import { buildSizes } from '../support/build-sizes';

const STAFF_UP_FRONT_BUDGET = 50_000;
const SERVICE_WORKER_BUDGET = 20_000;

const sizes = buildSizes();
const list = (files: { file: string; gzip: number }[]) => files.map((f) => `${f.file} ${f.gzip}`).join(', ');

it('the staff app loads at most 50 kB of JS and CSS up front (gzip -9)', () => {
  expect(sizes.staffUpFront.files.some((f) => f.file.endsWith('.js'))).toBe(true);
  expect(sizes.staffUpFront.gzip, list(sizes.staffUpFront.files)).toBeLessThanOrEqual(STAFF_UP_FRONT_BUDGET);
});

it('the first screen carries none of the admin, dashboard or QR screens, nor their words', () => {
  const code = sizes.staffUpFront.files.map((f) => fs.readFileSync(path.resolve('dist', f.file), 'utf8')).join('\n');
  /** Keys of `part` whose table entry (`"key":"text"`) is in the up-front code. */
  const defined = (part: { zh: Record<string, string> }) =>
    Object.keys(part.zh).filter((key) => new RegExp(`["'\`]${key.replace(/\./g, '\\.')}["'\`]\\s*:\\s*["'\`]`).test(code));
  expect(code.includes('Invalid QR Code version'), 'the qrcode encoder is up front').toBe(false);
  expect([...defined(accounts), ...defined(dashboard), ...defined(qr)]).toEqual([]);
  // The check can fail: the shell's own table is there.
  expect(defined(common)).toEqual(Object.keys(common.zh));
});

it('sw.js is at most 20 kB (gzip -9)', () => {
  expect(sizes.serviceWorker.gzip).toBeLessThanOrEqual(SERVICE_WORKER_BUDGET);
});
