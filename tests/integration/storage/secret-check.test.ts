import { afterEach, beforeEach, expect, it } from 'vitest';
import { checkSecretOpensStore, deriveKeys, loadSecret, SecretMismatchError } from '../../../src/server/secrets';
import { enrollment } from '../../support/records';
import { describeEachEngine, startTestApp, type TestApp } from '../support/engines';
import { addStall, rootOrg } from '../support/fixtures';
import { storeRecords } from '../support/store-records';

describeEachEngine("a store's records and its secret", (engine) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(engine);
  });
  afterEach(async () => t.close());

  it('refuses a missing or wrong secret once the store holds records, never making a new one', async () => {
    // An empty store: nothing to open yet, any secret will do (a first start makes one).
    await expect(checkSecretOpensStore(t.storage, deriveKeys('another-secret-another-secret-0123456789'))).resolves.toBeUndefined();
    const stall = await addStall(t.storage, await rootOrg(t.storage), '2026-05-01');
    await storeRecords(t, [enrollment({ stallId: stall.id, n: 7, createdAt: '2026-05-01T12:30:00+08:00' })]);

    await expect(checkSecretOpensStore(t.storage, t.keys)).resolves.toBeUndefined();
    const wrong = checkSecretOpensStore(t.storage, deriveKeys('another-secret-another-secret-0123456789'));
    await expect(wrong).rejects.toBeInstanceOf(SecretMismatchError);
    await expect(wrong).rejects.toThrow(/is not the one this store's records were sealed with/);
    // No secret configured, none kept with the data (a restored or moved store without it).
    await expect(loadSecret(undefined, t.storage, t.config.dataDir)).rejects.toThrow(/holds records, but its secret is missing/);
    expect(await t.storage.db.selectFrom('settings').select('key').where('key', '=', 'server_secret').execute()).toEqual([]);
  });
});
