import { HttpError } from '../../shared/src/http-error.js';

/** A syntactically valid user name and password from a request body. */
export type Credentials = Readonly<{ username: string; password: string }>;

const USERNAME = /^[a-z0-9._-]{1,64}$/i;
const MAX_PASSWORD_LENGTH = 256;

/**
 * Validates `{ username, password }` from a parsed JSON or form body. Failures are a 400 with a fixed
 * message that never echoes the input.
 */
export function parseCredentials(body: unknown): Credentials {
  const { username, password } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof username !== 'string' || typeof password !== 'string' || username === '' || password === '') {
    throw new HttpError(400, { error: 'invalid_request', description: 'username and password are required strings.' });
  }
  if (!USERNAME.test(username) || password.length > MAX_PASSWORD_LENGTH) {
    throw new HttpError(400, { error: 'invalid_request', description: 'username or password has an invalid format.' });
  }
  return { username, password };
}
