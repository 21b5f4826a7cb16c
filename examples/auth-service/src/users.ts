import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** A demo account as declared in code: the plain password exists only until it is hashed at startup. */
export type DemoUserSpec = Readonly<{ username: string; password: string; scope: string }>;

/** A user as the auth service sees it after a successful password check. */
export type User = Readonly<{ username: string; scope: string }>;

/** Checks passwords against scrypt hashes. */
export interface UserDirectory {
  /** Resolves the user when the password matches, `undefined` otherwise (same cost for unknown users). */
  verifyPassword(username: string, password: string): Promise<User | undefined>;
  /** Looks a user up by name (refresh and admin flows), without any password. */
  find(username: string): User | undefined;
}

/** The three demo accounts of the examples. Their passwords are printed by the demo; never reuse them. */
export const DEMO_USERS: readonly DemoUserSpec[] = [
  { username: 'alice', password: 'alice-pass', scope: 'orders:read profile:read' },
  { username: 'bob', password: 'bob-pass', scope: 'profile:read' },
  { username: 'admin', password: 'admin-pass', scope: 'admin' },
];

const KEY_LENGTH = 32;

function scryptAsync(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

type StoredUser = User & Readonly<{ salt: Buffer; hash: Buffer }>;

/**
 * Hashes the given accounts with scrypt and a random 16-byte salt each (so nothing but hashes stays in
 * memory), and returns a directory that compares with `timingSafeEqual`. An unknown user name still
 * costs one scrypt, so response time does not reveal which names exist.
 */
export async function createUserDirectory(specs: readonly DemoUserSpec[]): Promise<UserDirectory> {
  const users = new Map<string, StoredUser>();
  for (const spec of specs) {
    const salt = randomBytes(16);
    users.set(spec.username, {
      username: spec.username,
      scope: spec.scope,
      salt,
      hash: await scryptAsync(spec.password, salt),
    });
  }
  const decoy = { salt: randomBytes(16), hash: randomBytes(KEY_LENGTH) };
  return {
    async verifyPassword(username, password) {
      const user = users.get(username);
      const candidate = await scryptAsync(password, (user ?? decoy).salt);
      const matches = timingSafeEqual(candidate, (user ?? decoy).hash);
      return user && matches ? { username: user.username, scope: user.scope } : undefined;
    },
    find(username) {
      const user = users.get(username);
      return user ? { username: user.username, scope: user.scope } : undefined;
    },
  };
}
