import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@app/event-store';
import { activeReadModelFile, rebuildReadModels } from '@app/read-models';
import { createTestApp, type TestApp } from '../support/test-app';

async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Blue/green rebuild: a new file is prepared while the service answers from the old one, then swapped in. */
describe('rebuilding the read models', () => {
  let dataDir: string;
  let t: TestApp;
  let secretariat: string;

  const raise = async (title: string) =>
    (
      await t
        .http()
        .post('/recommendations')
        .set('Authorization', secretariat)
        .send({ commune: 'tam-thanh', title, description: 'd', category: 'staffing' })
        .expect(201)
    ).body as {
      id: string;
      position: number;
    };
  const total = async (minPosition = 0) =>
    (await t.http().get(`/recommendations?minPosition=${minPosition}`).set('Authorization', secretariat).expect(200)).body
      .total as number;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fut-rebuild-'));
    t = await createTestApp({ dataDir });
    secretariat = `Bearer ${await t.token({ role: 'secretariat' })}`;
  });
  afterEach(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('swaps in a rebuilt file while the service keeps answering, then keeps projecting into it', async () => {
    for (let i = 0; i < 20; i++) await raise(`item ${i}`);
    const before = activeReadModelFile(dataDir);
    expect(await total((await raise('last before rebuild')).position)).toBe(21);

    // The CLI runs in its own process with its own connection; here, its own store instance.
    const store = new SqliteEventStore({ file: join(dataDir, 'events.sqlite') });
    const { file } = await rebuildReadModels(store, dataDir);
    await store.close();
    expect(file).not.toBe(before);
    expect(activeReadModelFile(dataDir)).toBe(file);
    expect(await total()).toBe(21);

    const after = await raise('after the switch');
    await eventually(
      () => total(after.position),
      (n) => n === 22,
    );
    const rebuilt = new Database(file, { readonly: true });
    const row = rebuilt.prepare('SELECT count(*) AS n FROM recommendations').get() as { n: number };
    rebuilt.close();
    expect(row.n).toBe(22);
  });

  it('a projection whose version changed is rebuilt at start', async () => {
    const last = await raise('kept across a version change');
    expect(await total(last.position)).toBe(1);
    await t.close();
    const db = new Database(activeReadModelFile(dataDir));
    db.prepare('UPDATE projection_checkpoints SET version = version - 1').run();
    db.prepare('DELETE FROM recommendations').run();
    db.close();
    const previous = activeReadModelFile(dataDir);

    t = await createTestApp({ dataDir });
    expect(activeReadModelFile(dataDir)).not.toBe(previous);
    expect(await total()).toBe(1);
  });
});
