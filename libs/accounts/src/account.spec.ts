import { AccountError, checkPassword, decideAccount, evolveAccount, type Account, type AccountCommand } from './account';

const create: AccountCommand = {
  type: 'CreateAccount',
  accountId: 'a-1',
  username: 'nguyen.van.a',
  name: 'Nguyễn Văn A',
  email: null,
  placement: { role: 'department', department: 'home-affairs', commune: null },
};
const fold = (events: ReturnType<typeof decideAccount>, state: Account | null = null) =>
  events.reduce<Account | null>((s, e) => evolveAccount(s, e, '2026-03-02T02:00:00.000Z'), state);
const officer = fold(decideAccount(null, create)) as Account;

describe('accounts', () => {
  it('creates an account in its place; its sessions epoch starts at 0', () => {
    expect(officer).toMatchObject({
      username: 'nguyen.van.a',
      role: 'department',
      department: 'home-affairs',
      commune: null,
      disabled: false,
      sessionEpoch: 0,
    });
  });

  it('moves the session epoch on a role change, a disable and a new password, not on a sign-in or enable', () => {
    let s = fold(decideAccount(officer, { type: 'RecordSignIn', method: 'password' }), officer) as Account;
    expect(s.sessionEpoch).toBe(0);
    expect(s.lastSignInAt).toBe('2026-03-02T02:00:00.000Z');
    s = fold(
      decideAccount(s, { type: 'ChangeRole', placement: { role: 'committee', department: 'x', commune: 'y' } }),
      s,
    ) as Account;
    expect(s).toMatchObject({ role: 'committee', department: null, commune: null, sessionEpoch: 1 });
    s = fold(decideAccount(s, { type: 'DisableAccount' }), s) as Account;
    expect(s).toMatchObject({ disabled: true, sessionEpoch: 2 });
    expect(() => decideAccount(s, { type: 'RecordSignIn', method: 'oidc' })).toThrow(AccountError);
    s = fold(decideAccount(s, { type: 'EnableAccount' }), s) as Account;
    expect(s).toMatchObject({ disabled: false, sessionEpoch: 2 });
    s = fold(decideAccount(s, { type: 'ChangePassword' }), s) as Account;
    expect(s.sessionEpoch).toBe(3);
  });

  it.each([
    [
      'a department officer without a department',
      { ...create, placement: { role: 'department', department: null, commune: null } },
      'ACCOUNT.DEPARTMENT_REQUIRED',
    ],
    [
      'a commune account without a commune',
      { ...create, placement: { role: 'commune', department: null, commune: null } },
      'ACCOUNT.COMMUNE_REQUIRED',
    ],
    ['an unknown role', { ...create, placement: { role: 'root', department: null, commune: null } }, 'ACCOUNT.ROLE'],
    ['a username with spaces', { ...create, username: 'nguyen van a' }, 'ACCOUNT.USERNAME'],
  ] as const)('refuses %s', (_label, command, code) => {
    expect(() => decideAccount(null, command as AccountCommand)).toThrow(expect.objectContaining({ code }) as Error);
  });

  it('links an identity once', () => {
    const linked = fold(
      decideAccount(officer, { type: 'LinkIdentity', issuer: 'https://sso', subject: '42' }),
      officer,
    ) as Account;
    expect(linked.identities).toEqual([{ issuer: 'https://sso', subject: '42' }]);
    expect(decideAccount(linked, { type: 'LinkIdentity', issuer: 'https://sso', subject: '42' })).toEqual([]);
  });

  it('asks 12 characters of a password at least, counting letters with diacritics as one', () => {
    expect(() => checkPassword('short')).toThrow(expect.objectContaining({ code: 'ACCOUNT.PASSWORD_TOO_SHORT' }) as Error);
    expect(() => checkPassword('mật khẩu dài')).not.toThrow();
  });
});
