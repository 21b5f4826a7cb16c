import { jwkThumbprint } from '@jwks-kit/core';
import type { KeyState, StoredKey, StoredKeySet } from '../key-store.js';
import { decodeKeyLifecycleTimes } from './key-lifecycle-record.js';
import { isSigningAlgorithm, SIGNING_ALGORITHMS, SIGNING_KEY_TYPES } from './signing-key-types.js';

const STATES: readonly KeyState[] = ['next', 'active', 'retired'];
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Checks that `value` (parsed JSON) is a well-formed key set: private signing JWKs (RSA, EC P-256,
 * OKP Ed25519), each with the alg that fits its kty and a kid that is its
 * RFC 7638 thumbprint, known states, finite times, at most one active and one next key. Times stored under
 * their 0.1 names are read too (see `decodeKeyLifecycleTimes`); the answer carries only the current names.
 * Throws an Error naming the first problem.
 */
export async function parseKeySet(value: unknown): Promise<StoredKeySet> {
  if (typeof value !== 'object' || value === null || !Array.isArray((value as { keys?: unknown }).keys)) {
    throw new Error('expected a JSON object with a "keys" array');
  }
  const keys: StoredKey[] = [];
  for (const [index, raw] of (value as { keys: unknown[] }).keys.entries()) {
    keys.push(await parseKey(raw, `keys[${index}]`));
  }
  for (const state of ['active', 'next'] as const) {
    if (keys.filter((key) => key.state === state).length > 1) throw new Error(`more than one ${state} key`);
  }
  if (new Set(keys.map((key) => key.kid)).size !== keys.length) throw new Error('duplicate kid');
  return { keys };
}

async function parseKey(raw: unknown, at: string): Promise<StoredKey> {
  if (typeof raw !== 'object' || raw === null) throw new Error(`${at} is not an object`);
  const key = raw as Record<string, unknown>;
  if (!isSigningAlgorithm(key.alg)) throw new Error(`${at}.alg is not one of ${SIGNING_ALGORITHMS.join(', ')}`);
  const type = SIGNING_KEY_TYPES[key.alg];
  if (key.kty !== type.kty) throw new Error(`${at}.kty is not "${type.kty}" (the key type of ${key.alg})`);
  if (type.crv !== undefined && key.crv !== type.crv) throw new Error(`${at}.crv is not "${type.crv}"`);
  if (key.use !== 'sig') throw new Error(`${at}.use is not "sig"`);
  for (const member of [...type.publicMembers, ...type.privateMembers]) {
    const v = key[member];
    if (typeof v !== 'string' || !BASE64URL.test(v)) throw new Error(`${at}.${member} is missing or not base64url`);
  }
  if (!STATES.includes(key.state as KeyState)) throw new Error(`${at}.state is not one of ${STATES.join(', ')}`);
  const decoded = decodeKeyLifecycleTimes(key, at);
  if (key.state === 'retired' && decoded.removeAtMs === undefined)
    throw new Error(`${at} is retired without removeAtMs`);
  const kid = jwkThumbprint(key);
  if (key.kid !== kid) throw new Error(`${at}.kid is not the RFC 7638 thumbprint of the key`);
  return decoded as unknown as StoredKey;
}
