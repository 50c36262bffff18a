import {
  decideDirectory,
  DirectoryError,
  EMPTY_DIRECTORY,
  evolveDirectory,
  seedEvents,
  type DirectoryContent,
  type DirectoryEvent,
} from './directory';

const seeded: DirectoryContent = seedEvents(
  {
    province: { code: 'lang-son', name: 'Lạng Sơn' },
    communes: [{ code: 'dong-kinh', name: 'Phường Đông Kinh', kind: 'ward', workingGroup: 1 }],
    departments: [{ code: 'justice', name: 'Sở Tư pháp', nameEn: 'Department of Justice', email: null, webhookUrl: null }],
    workingGroups: [{ number: 1, leader: 'Hoàng Văn Nghiệm', communes: ['dong-kinh'] }],
    categories: [{ code: 'roads', name: 'Hạ tầng giao thông' }],
  },
  'config/directory.json',
).reduce(evolveDirectory, EMPTY_DIRECTORY);

const apply = (d: DirectoryContent, events: DirectoryEvent[]) => events.reduce(evolveDirectory, d);

describe('the directory as events', () => {
  it('folds the seed into the file’s content', () => {
    expect(seeded.province?.name).toBe('Lạng Sơn');
    expect(seeded.communes).toEqual([{ code: 'dong-kinh', name: 'Phường Đông Kinh', kind: 'ward', workingGroup: 1 }]);
    expect(seeded.workingGroups[0].leader).toBe('Hoàng Văn Nghiệm');
  });

  it('renames, retires and changes a contact, each as one event', () => {
    let d = apply(
      seeded,
      decideDirectory(seeded, {
        type: 'RenameEntry',
        kind: 'departments',
        code: 'justice',
        name: 'Sở Tư pháp tỉnh',
        nameEn: null,
      }),
    );
    d = apply(d, decideDirectory(d, { type: 'RetireEntry', kind: 'communes', code: 'dong-kinh', reason: 'sáp nhập' }));
    d = apply(
      d,
      decideDirectory(d, { type: 'ChangeDepartmentContact', code: 'justice', email: 'stp@langson.gov.vn', webhookUrl: null }),
    );
    d = apply(
      d,
      decideDirectory(d, {
        type: 'RenameEntry',
        kind: 'working-groups',
        code: '1',
        name: 'Đoàn Thị Hậu',
        nameEn: 'Doan Thi Hau',
      }),
    );
    expect(d.departments[0]).toMatchObject({ name: 'Sở Tư pháp tỉnh', nameEn: null, email: 'stp@langson.gov.vn' });
    expect(d.communes[0].retired).toBe(true);
    expect(d.workingGroups[0]).toMatchObject({ leader: 'Đoàn Thị Hậu', leaderEn: 'Doan Thi Hau' });
  });

  it.each([
    [
      'a code taken (never reused, even retired)',
      { type: 'AddEntry', kind: 'communes', entry: { code: 'dong-kinh', name: 'X' } },
      'DIRECTORY.CODE_TAKEN',
    ],
    [
      'a code with capitals or spaces',
      { type: 'AddEntry', kind: 'categories', entry: { code: 'Đường Sá', name: 'X' } },
      'DIRECTORY.CODE',
    ],
    [
      'a working group that is not a number',
      { type: 'AddEntry', kind: 'working-groups', entry: { number: 0, leader: 'X' } },
      'DIRECTORY.CODE',
    ],
    [
      'renaming what does not exist',
      { type: 'RenameEntry', kind: 'departments', code: 'nope', name: 'X', nameEn: null },
      'DIRECTORY.NOT_FOUND',
    ],
    [
      'the contact of an unknown department',
      { type: 'ChangeDepartmentContact', code: 'nope', email: null, webhookUrl: null },
      'DIRECTORY.NOT_FOUND',
    ],
  ] as const)('refuses %s', (_label, command, code) => {
    expect(() => decideDirectory(seeded, command as never)).toThrow(expect.objectContaining({ code }) as DirectoryError);
  });

  it('refuses retiring twice', () => {
    const d = apply(seeded, decideDirectory(seeded, { type: 'RetireEntry', kind: 'categories', code: 'roads', reason: null }));
    expect(() => decideDirectory(d, { type: 'RetireEntry', kind: 'categories', code: 'roads', reason: null })).toThrow(
      expect.objectContaining({ code: 'DIRECTORY.RETIRED' }) as Error,
    );
  });
});
