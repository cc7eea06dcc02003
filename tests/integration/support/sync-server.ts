/**
 * A real server child process on a test store, for tests that kill it or read its logs: the store is
 * created and seeded in-process first (a city, a street, a stall, staff and a supervisor), closed,
 * then handed to the child through its environment, exactly as an operator would configure it.
 */
import type { Config } from '../../../src/server/config';
import { openStorage } from '../../../src/server/storage/open';
import { startServerProcess, type ServerProcess } from '../../support/server-process';
import { addOrg, addStall, addUser, rootOrg, type FixtureUser } from './fixtures';

export interface SeededStore {
  stallId: string;
  staff: FixtureUser;
  supervisor: FixtureUser;
}

/** Seeds a store for a server process; leaves it closed. */
export async function seedStore(config: Config): Promise<SeededStore> {
  const storage = await openStorage({ databaseUrl: config.databaseUrl, databaseSchema: config.databaseSchema, dataDir: config.dataDir });
  try {
    const city = await rootOrg(storage);
    const district = await addOrg(storage, city, 'district', '东城区总工会');
    const street = await addOrg(storage, district, 'street', '东华门街道总工会');
    const stall = await addStall(storage, street, '2026-05-01', '王府井摊位');
    return { stallId: stall.id, staff: await addUser(storage, street, 'staff'), supervisor: await addUser(storage, city, 'supervisor') };
  } finally {
    await storage.close();
  }
}

/** The environment that points a server process at a test config's store (its own PostgreSQL schema too). */
export function serverEnv(config: Config): Record<string, string> {
  let databaseUrl = '';
  if (config.databaseUrl) {
    const options = encodeURIComponent(`-c search_path=${config.databaseSchema}`);
    databaseUrl = `${config.databaseUrl}${config.databaseUrl.includes('?') ? '&' : '?'}options=${options}`;
  }
  return {
    RUHUI_DATA_DIR: config.dataDir,
    DATABASE_URL: databaseUrl,
    RUHUI_SECRET: config.secret ?? '',
    RUHUI_ADMIN_PASSWORD: config.adminPassword ?? '',
    RUHUI_STATIC_DIR: config.staticDir,
    RUHUI_TZ: config.timeZone,
  };
}

/** Starts a server process on the config's store. */
export function startOn(config: Config): Promise<ServerProcess> {
  return startServerProcess(serverEnv(config));
}
