import { createUserDirectory, DEMO_USERS } from '../src/users.js';

describe('createUserDirectory', () => {
  it('accepts the right password and returns the user with its scope', async () => {
    const users = await createUserDirectory(DEMO_USERS);
    expect(await users.verifyPassword('alice', 'alice-pass')).toEqual({
      username: 'alice',
      scope: 'orders:read profile:read',
    });
    expect(await users.verifyPassword('bob', 'bob-pass')).toEqual({ username: 'bob', scope: 'profile:read' });
  });

  it('rejects a wrong password, another user’s password and an unknown user alike', async () => {
    const users = await createUserDirectory(DEMO_USERS);
    expect(await users.verifyPassword('alice', 'alice-pas')).toBeUndefined();
    expect(await users.verifyPassword('alice', 'bob-pass')).toBeUndefined();
    expect(await users.verifyPassword('mallory', 'alice-pass')).toBeUndefined();
    expect(await users.verifyPassword('alice', '')).toBeUndefined();
  });

  it('finds users by name without a password', async () => {
    const users = await createUserDirectory(DEMO_USERS);
    expect(users.find('admin')).toEqual({ username: 'admin', scope: 'admin' });
    expect(users.find('mallory')).toBeUndefined();
  });
});
