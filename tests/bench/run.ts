/**
 * `npm run bench`: runs every registered benchmark in turn and prints its report. Never part of
 * `npm test`. Register a benchmark by adding it to BENCHES; `npm run bench -- <name>` runs one.
 */
import { benchEnrollSave } from './enroll-save';
import { benchSyncClient } from './sync-client';
import { benchSyncServer } from './sync-server';

const BENCHES: Record<string, () => Promise<string>> = {
  'enroll-save': () => benchEnrollSave(),
  'sync-server': () => benchSyncServer(),
  'sync-client': () => benchSyncClient(),
};

const only = process.argv.slice(2);
for (const [name, run] of Object.entries(BENCHES)) {
  if (only.length > 0 && !only.includes(name)) continue;
  const started = Date.now();
  console.log(`\n▶ ${name}`);
  try {
    console.log(await run());
  } catch (error) {
    console.error(`${name} failed:`, error);
    process.exitCode = 1;
  }
  console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
