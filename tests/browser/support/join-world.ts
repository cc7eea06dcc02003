/**
 * The world of a self-registration browser test: a real server with a known secret (so a test can
 * sign an expired link as the server would), the admin's set-up of a district, staff and today's
 * stall, and a fresh Chromium profile with service workers blocked, as in WeChat's in-app browser.
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { signJoinToken } from '../../../src/server/join-tokens';
import { deriveKeys } from '../../../src/server/secrets';
import { startServerProcess, type ServerProcess } from '../../support/server-process';
import { createServerStore, type ServerEngine } from '../../support/server-store';
import { api, serverToday, setUpStall, type StallSetup } from './api-setup';
import { launchBrowser, type BrowserSession } from './chromium';

const SECRET = 'join-browser-test-secret-0123456789abcdef';
const ADMIN_PASSWORD = 'join-admin-password-1';

/** Where screenshots go, to be looked at (not committed). */
export const SHOTS = path.join(os.tmpdir(), 'ruhui-shots');

export interface JoinWorld {
  server: ServerProcess;
  browser: BrowserSession;
  setup: StallSetup;
  /** The stall's join link on this server. */
  link: string;
  /** A genuine link of the same stall that expired yesterday. */
  expiredLink: string;
  /** The link with its signature tampered with. */
  forgedLink: string;
  newPage(): Promise<Page>;
  /** What the server counts for today's stall: self-registrations (new and existing members). */
  selfCounts(): Promise<{ enrolled: number; existing: number }>;
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startJoinWorld(options: { engine: ServerEngine; locale?: string; viewport?: { width: number; height: number } }): Promise<JoinWorld> {
  const store = await createServerStore(options.engine, 'ruhui-join-');
  const server = await startServerProcess({ ...store.env, RUHUI_ADMIN_PASSWORD: ADMIN_PASSWORD, RUHUI_SECRET: SECRET });
  const setup = await setUpStall(server.url, ADMIN_PASSWORD);
  const browser = await launchBrowser({ serviceWorkers: 'block', locale: options.locale, viewport: options.viewport });
  const token = setup.stall.joinToken;
  const expired = signJoinToken(deriveKeys(SECRET).joinToken, setup.stall.id, new Date(Date.now() - 86_400_000));
  const flip = token.slice(0, 40) + (token[40] === 'A' ? 'B' : 'A') + token.slice(41);
  fs.mkdirSync(SHOTS, { recursive: true });
  return {
    server,
    browser,
    setup,
    link: `${server.url}/join?t=${token}`,
    expiredLink: `${server.url}/join?t=${expired}`,
    forgedLink: `${server.url}/join?t=${flip}`,
    newPage: () => browser.context.newPage(),
    async selfCounts() {
      const day = serverToday();
      const stats = await api<{ rows: { channel: string; enrolled: number; existing: number }[] }>(
        server.url,
        `/api/stats?from=${day}&to=${day}&group=channel`,
        { token: setup.adminToken },
      );
      const self = stats.rows.find((r) => r.channel === 'self');
      return { enrolled: self?.enrolled ?? 0, existing: self?.existing ?? 0 };
    },
    async screenshot(page, name) {
      await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
    },
    async close() {
      await browser.close();
      await server.stop();
      await store.drop();
    },
  };
}
