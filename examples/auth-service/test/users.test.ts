import { BUILT_IN_NAMES } from '@jwks-kit/test-kit';
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

  it('treats built-in names as plain user names: unknown in the demo table, found when they are real users', async () => {
    const demo = await createUserDirectory(DEMO_USERS);
    const named = await createUserDirectory(
      BUILT_IN_NAMES.map((username) => ({ username, password: `${username}-pass`, scope: 'profile:read' })),
    );
    for (const name of BUILT_IN_NAMES) {
      expect(demo.find(name)).toBeUndefined();
      expect(await demo.verifyPassword(name, 'alice-pass')).toBeUndefined();
      expect(named.find(name)).toEqual({ username: name, scope: 'profile:read' });
      expect(await named.verifyPassword(name, `${name}-pass`)).toEqual({ username: name, scope: 'profile:read' });
      expect(await named.verifyPassword(name, 'wrong')).toBeUndefined();
    }
  });
});
