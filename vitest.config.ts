import { defineConfig } from 'vitest/config';

/**
 * Three projects, one per place the code runs:
 * - unit: pure functions and the IndexedDB layer on fake-indexeddb, in Node;
 * - integration: the Hono app in-process on SQLite, and on PostgreSQL too when DATABASE_URL is set;
 * - browser: the built app served by the real server, driven in real headless Chromium.
 */
export default defineConfig({
  test: {
    // In-process servers stay quiet; child server processes log (tests read their output).
    env: { RUHUI_LOG: 'silent' },
    // A log (CI, or any run not on a terminal) lists every suite and test, so it shows each suite ran
    // on SQLite (`[sqlite]`), on PostgreSQL (`[postgres]`) and in Chromium.
    reporters: process.env.CI || !process.stdout.isTTY ? ['tree'] : ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          // Property runs take a few hundred ms alone; room for a loaded machine, so time never fails a test.
          testTimeout: 30_000,
        },
      },
      // The unit suite again in the zones a "day" is hard in: the configured one (UTC+8), and a
      // +05:45 one (whole-hour arithmetic fails there); a UTC machine alone would pass trivially.
      ...(['Asia/Shanghai', 'Asia/Kathmandu'] as const).map((tz) => ({
        test: {
          name: `unit ${tz}`,
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          env: { TZ: tz },
          testTimeout: 30_000,
        },
      })),
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/browser/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
