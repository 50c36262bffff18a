import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdentityStore } from './identity-store';

describe('identity store: failed sign-ins', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fut-identity-'));
  const store = new IdentityStore(join(dir, 'identity.sqlite'));
  afterAll(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const policy = { limit: 5, windowMs: 900_000, lockMs: 900_000 };

  it('locks at the limit, and a guess already in flight then cannot lift the lock', () => {
    const now = 1_000_000;
    for (let i = 1; i < 5; i++) expect(store.recordFailure('Admin', now + i, policy)).toBe(0);
    const locked = store.recordFailure('admin', now + 5, policy);
    expect(locked).toBe(now + 5 + policy.lockMs);
    // Failures that were past the check when the lock was set count against the same lock.
    expect(store.recordFailure('ADMIN', now + 6, policy)).toBe(locked);
    expect(store.recordFailure('admin', now + 7, policy)).toBe(locked);
    expect(store.lockedUntil('admin')).toBe(locked);
  });

  it('counts again from one once the lock is over', () => {
    const later = 1_000_000 + 2 * 900_000;
    expect(store.recordFailure('admin', later, policy)).toBe(0);
    expect(store.lockedUntil('admin')).toBeLessThan(later);
  });
});
