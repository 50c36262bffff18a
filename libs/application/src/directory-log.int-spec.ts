import { Directory, ManualClock } from '@app/common';
import type { Actor } from '@app/recommendations';
import { tempSqliteStore } from '../../../test/support/temp-sqlite-store';
import { DirectoryLog } from './directory-log';

const admin: Actor = { sub: 'admin-1', name: 'Quản trị viên', role: 'admin' };

describe('the directory log, read by two processes', () => {
  it('folds each event once even when reads overlap (a command and the follower at the same time)', async () => {
    const { store, cleanup } = await tempSqliteStore();
    try {
      const clock = new ManualClock(new Date('2026-03-02T02:00:00Z'));
      const seed = Directory.load();
      const here = new DirectoryLog(store, new Directory(seed.data), clock);
      const there = new DirectoryLog(store, new Directory(seed.data), clock);
      await here.seed(seed.data, 'config/directory.json');
      await Promise.all([here.refresh(), there.refresh()]);
      await there.execute({ type: 'AddEntry', kind: 'communes', entry: { code: 'xa-moi', name: 'Xã Mới' } }, admin);
      await Promise.all([
        here.refresh(),
        here.execute({ type: 'RenameEntry', kind: 'categories', code: 'roads', name: 'Giao thông', nameEn: null }, admin),
        here.refresh(),
      ]);
      const codes = here.directory.data.communes.map((c) => c.code);
      expect(codes.filter((c) => c === 'xa-moi')).toHaveLength(1);
      expect(codes).toHaveLength(seed.data.communes.length + 1);
    } finally {
      await cleanup();
    }
  });
});
