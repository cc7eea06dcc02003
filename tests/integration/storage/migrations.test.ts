import { afterEach, expect, it } from 'vitest';
import { migrations } from '../../../src/server/storage/migrations';
import { openStorage, type Storage } from '../../../src/server/storage/open';
import { describeEachEngine, dropTestStore, testConfig } from '../support/engines';
import type { Config } from '../../../src/server/config';

describeEachEngine('migrations', (engine) => {
  const opened: Storage[] = [];
  let config: Config;
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close().catch(() => {});
    if (config) await dropTestStore(config);
  });

  const open = async () => {
    const s = await openStorage({ databaseUrl: config.databaseUrl, databaseSchema: config.databaseSchema, dataDir: config.dataDir });
    opened.push(s);
    return s;
  };

  it('applies every migration once, and a restart applies none again', async () => {
    config = testConfig(engine);
    const first = await open();
    const names = (await first.db.selectFrom('schema_migrations').select('name').orderBy('name').execute()).map((r) => r.name);
    expect(names).toEqual(migrations.map((m) => m.name));
    await first.close();
    opened.pop();
    const second = await open();
    const again = await second.db.selectFrom('schema_migrations').select('name').execute();
    expect(again).toHaveLength(migrations.length);
  });

  if (engine === 'postgres') {
    it('lets several servers start at once on one database (migrations under a lock)', async () => {
      config = testConfig(engine);
      const all = await Promise.all([open(), open(), open()]);
      const rows = await all[0]!.db.selectFrom('schema_migrations').select('name').execute();
      expect(rows).toHaveLength(migrations.length);
    });
  }
});
