import { afterEach, expect, it } from 'vitest';
import type { Config } from '../../../src/server/config';
import { StoreNewerError } from '../../../src/server/storage/migrations';
import { openStorage } from '../../../src/server/storage/open';
import { describeEachEngine, dropTestStore, testConfig } from '../support/engines';
import { startOn } from '../support/sync-server';

describeEachEngine('upgrades', (engine) => {
  let config: Config;
  afterEach(async () => dropTestStore(config));

  const open = () => openStorage({ databaseUrl: config.databaseUrl, databaseSchema: config.databaseSchema, dataDir: config.dataDir });

  /** A store as a newer version leaves it: one more migration than this version knows. */
  async function storeFromTheFuture(): Promise<void> {
    const storage = await open();
    await storage.db.insertInto('schema_migrations').values({ name: '999_from_a_newer_version', applied_at: new Date().toISOString() }).execute();
    await storage.close();
  }

  it('an older version refuses a newer store, naming the migration it does not know, and changes nothing', async () => {
    config = testConfig(engine);
    await storeFromTheFuture();
    const refused = await open().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(StoreNewerError);
    expect((refused as Error).message).toMatch(/upgraded by a newer Ruhui version.*999_from_a_newer_version/);
  });

  it('a server process on a newer store exits 1 with that message instead of serving', async () => {
    config = testConfig(engine);
    await storeFromTheFuture();
    const started = startOn(config);
    await expect(started).rejects.toThrow(/exited with 1 before listening[\s\S]*newer Ruhui version[\s\S]*999_from_a_newer_version/);
    // The newer version's mark is still there: this version still refuses it (it did not "repair" it).
    const storage = await openStorage({ databaseUrl: config.databaseUrl, databaseSchema: config.databaseSchema, dataDir: config.dataDir }).catch(
      (err: unknown) => err,
    );
    expect(storage).toBeInstanceOf(StoreNewerError);
  });
});
