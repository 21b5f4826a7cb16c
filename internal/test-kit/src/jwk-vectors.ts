import { generateKeyPair, type JsonWebKey, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

const generate = promisify(generateKeyPair);

/** What every path that accepts a JWK must make of one key: the algorithm it is bound to, or why it is refused. */
export type JwkVectorOutcome =
  { readonly alg: string } | { readonly reason: 'kid' | 'kty' | 'use' | 'alg' | 'size' | 'invalid' };

/** One JWK case shared by the local key set, the remote key set and the CLI check. */
export interface JwkVector {
  readonly name: string;
  /** The JWK as published (its `kid` is unique across the table, except where a case is about the kid). */
  readonly jwk: Readonly<Record<string, unknown>>;
  /** The pinned algorithms. */
  readonly algorithms: readonly string[];
  readonly expected: JwkVectorOutcome;
  /** The private key, for cases that sign tokens with it. */
  readonly privateKey?: KeyObject;
}

/** A whole-set case: the set must be refused, with this problem. */
export interface JwkSetVector {
  readonly name: string;
  readonly keys: readonly Readonly<Record<string, unknown>>[];
  readonly expected: 'private_members' | 'duplicate_kid';
}

/** The JWK tables every path must pass. */
export interface JwkVectors {
  readonly keys: readonly JwkVector[];
  readonly sets: readonly JwkSetVector[];
}

/**
 * Builds the shared JWK vector tables with fresh RSA keys (2048, 3072 and a weak 1024-bit one), P-256,
 * P-384, Ed25519, Ed448 and X25519 keys.
 * Among them: a JWK with `alg: RS256` while RS256 and PS256 are both pinned is bound to RS256 only,
 * and a JWK without `alg` under both is refused (it could serve either).
 */
export async function createJwkVectors(): Promise<JwkVectors> {
  const [main, big, weak, p256, p384, ed25519, ed448, x25519] = await Promise.all([
    generate('rsa', { modulusLength: 2048 }),
    generate('rsa', { modulusLength: 3072 }),
    generate('rsa', { modulusLength: 1024 }),
    generate('ec', { namedCurve: 'P-256' }),
    generate('ec', { namedCurve: 'P-384' }),
    generate('ed25519', {}),
    generate('ed448', {}),
    generate('x25519', {}),
  ]);
  const publicOf = (pair: { publicKey: KeyObject }) =>
    pair.publicKey.export({ format: 'jwk' }) as Record<string, string>;
  const ec = (kid: string, extra: Record<string, unknown> = {}) => ({ ...publicOf(p256), kid, ...extra });
  const okp = (kid: string, extra: Record<string, unknown> = {}) => ({ ...publicOf(ed25519), kid, ...extra });
  const flipped = (value: string) => {
    const bytes = Buffer.from(value, 'base64url');
    bytes[31] = (bytes[31] as number) ^ 1;
    return bytes.toString('base64url');
  };
  const { n, e } = main.publicKey.export({ format: 'jwk' }) as JsonWebKey & { n: string; e: string };
  const rsa = (kid: string, extra: Record<string, unknown> = {}) => ({ kty: 'RSA', n, e, kid, ...extra });
  const signing = { privateKey: main.privateKey };
  const accepted = (name: string, jwk: Record<string, unknown>, algorithms: string[], alg: string): JwkVector => ({
    name,
    jwk,
    algorithms,
    expected: { alg },
    ...signing,
  });
  const refused = (
    name: string,
    jwk: Record<string, unknown>,
    reason: Extract<JwkVectorOutcome, { reason: string }>['reason'],
    algorithms: string[] = ['RS256'],
  ): JwkVector => ({ name, jwk, algorithms, expected: { reason } });
  const keys: JwkVector[] = [
    accepted('RSA with alg RS256, RS256 pinned', rsa('rs256', { alg: 'RS256', use: 'sig' }), ['RS256'], 'RS256'),
    accepted(
      'RSA with alg RS256, RS256 and PS256 pinned',
      rsa('rs256-of-two', { alg: 'RS256' }),
      ['RS256', 'PS256'],
      'RS256',
    ),
    accepted(
      'RSA with alg PS256, RS256 and PS256 pinned',
      rsa('ps256-of-two', { alg: 'PS256' }),
      ['RS256', 'PS256'],
      'PS256',
    ),
    accepted('RSA without alg, PS256 pinned', rsa('no-alg-ps256'), ['PS256'], 'PS256'),
    accepted('RSA without use and alg, RS256 pinned', rsa('bare'), ['RS256'], 'RS256'),
    accepted('RSA with key_ops verify', rsa('ops-verify', { key_ops: ['verify'] }), ['RS256'], 'RS256'),
    {
      name: 'RSA of 3072 bits',
      jwk: { ...(big.publicKey.export({ format: 'jwk' }) as object), kid: 'big', alg: 'RS256' },
      algorithms: ['RS256'],
      expected: { alg: 'RS256' },
      privateKey: big.privateKey,
    },
    refused('RSA without alg, RS256 and PS256 pinned', rsa('no-alg-of-two'), 'alg', ['RS256', 'PS256']),
    refused('RSA with alg RS512, RS256 pinned', rsa('rs512', { alg: 'RS512' }), 'alg'),
    refused('RSA describing HS256', rsa('hs256', { alg: 'HS256' }), 'alg'),
    refused('RSA with alg none', rsa('none', { alg: 'none' }), 'alg'),
    refused('RSA while only PS256 is pinned, alg RS256', rsa('rs-under-ps', { alg: 'RS256' }), 'alg', ['PS256']),
    refused('a symmetric key description without k', { kty: 'oct', kid: 'oct' }, 'kty'),
    refused('an unknown key type', { kty: 'XYZ', kid: 'xyz', n, e }, 'kty'),
    refused(
      'an EC P-256 key while RS256 is pinned',
      {
        kty: 'EC',
        crv: 'P-256',
        x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
        y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
        kid: 'ec',
      },
      'kty',
    ),
    refused('RSA for encryption', rsa('enc', { use: 'enc' }), 'use'),
    refused('RSA whose key_ops lack verify', rsa('ops', { key_ops: ['encrypt'] }), 'use'),
    refused('RSA whose key_ops is not an array', rsa('ops-string', { key_ops: 'verify' }), 'use'),
    refused('RSA without kid', { kty: 'RSA', n, e }, 'kid'),
    refused('RSA with an empty kid', rsa(''), 'kid'),
    refused('RSA with a numeric kid', { kty: 'RSA', n, e, kid: 7 }, 'kid'),
    refused('RSA with a 257-character kid', rsa('k'.repeat(257)), 'kid'),
    refused('RSA whose n is not base64url', rsa('bad-n', { n: 'a+b/' }), 'invalid'),
    refused('RSA without e', { kty: 'RSA', n, kid: 'no-e' }, 'invalid'),
    refused('RSA with exponent 0', rsa('e-zero', { e: 'AA' }), 'invalid'),
    refused('RSA with exponent 1', rsa('e-one', { e: 'AQ' }), 'invalid'),
    refused('RSA with an even exponent', rsa('e-even', { e: 'Ag' }), 'invalid'),
    refused('RSA with an over-long exponent', rsa('e-long', { e: 'AQABAQABAQABAQAB' }), 'invalid'),
    refused(
      'RSA of 1024 bits',
      { ...(weak.publicKey.export({ format: 'jwk' }) as object), kid: 'weak', alg: 'RS256' },
      'size',
    ),
    {
      ...accepted('EC P-256 with alg ES256', ec('es256', { alg: 'ES256', use: 'sig' }), ['ES256'], 'ES256'),
      privateKey: p256.privateKey,
    },
    {
      ...accepted('EC P-256 without alg, default allow-list', ec('es256-bare'), ['RS256', 'ES256', 'EdDSA'], 'ES256'),
      privateKey: p256.privateKey,
    },
    {
      ...accepted('OKP Ed25519 with alg EdDSA', okp('eddsa', { alg: 'EdDSA', use: 'sig' }), ['EdDSA'], 'EdDSA'),
      privateKey: ed25519.privateKey,
    },
    {
      ...accepted(
        'OKP Ed25519 without alg, default allow-list',
        okp('eddsa-bare'),
        ['RS256', 'ES256', 'EdDSA'],
        'EdDSA',
      ),
      privateKey: ed25519.privateKey,
    },
    refused('EC P-256 with alg RS256', ec('ec-rs256', { alg: 'RS256' }), 'alg', ['RS256', 'ES256']),
    refused('EC P-256 with alg EdDSA', ec('ec-eddsa', { alg: 'EdDSA' }), 'alg', ['ES256', 'EdDSA']),
    refused('EC P-256 with alg HS256', ec('ec-hs256', { alg: 'HS256' }), 'alg', ['ES256']),
    refused('EC P-256 while only RS256 and EdDSA are allowed', ec('ec-unpinned'), 'kty', ['RS256', 'EdDSA']),
    refused('OKP Ed25519 with alg ES256', okp('okp-es256', { alg: 'ES256' }), 'alg', ['ES256', 'EdDSA']),
    refused('RSA with alg ES256', rsa('rsa-es256', { alg: 'ES256' }), 'alg', ['RS256', 'ES256']),
    refused('RSA with alg EdDSA', rsa('rsa-eddsa', { alg: 'EdDSA' }), 'alg', ['RS256', 'EdDSA']),
    refused('EC P-384 (ES384 is not supported)', { ...publicOf(p384), kid: 'p384', alg: 'ES384' }, 'kty', ['ES256']),
    refused('EC P-256 point off the curve', ec('off-curve', { y: flipped(publicOf(p256).y as string) }), 'invalid', [
      'ES256',
    ]),
    refused('EC P-256 with a 31-byte x', ec('short-x', { x: Buffer.alloc(31, 1).toString('base64url') }), 'invalid', [
      'ES256',
    ]),
    refused('EC P-256 without y', ec('no-y', { y: undefined }), 'invalid', ['ES256']),
    refused('EC P-256 with a padded x', ec('padded-x', { x: `${publicOf(p256).x}=` }), 'invalid', ['ES256']),
    refused('OKP Ed448', { ...publicOf(ed448), kid: 'ed448' }, 'kty', ['EdDSA']),
    refused('OKP X25519 (key agreement)', { ...publicOf(x25519), kid: 'x25519' }, 'kty', ['EdDSA']),
    refused(
      'OKP Ed25519 with a 33-byte x',
      okp('long-x', { x: Buffer.alloc(33, 1).toString('base64url') }),
      'invalid',
      ['EdDSA'],
    ),
    refused('oct with alg HS256', { kty: 'oct', kid: 'oct-hs', alg: 'HS256' }, 'kty', ['RS256', 'ES256', 'EdDSA']),
  ];
  const privateJwk = main.privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const sets: JwkSetVector[] = [
    {
      name: 'a private RSA key',
      keys: [rsa('public'), { ...privateJwk, kid: 'private' }],
      expected: 'private_members',
    },
    {
      name: 'a symmetric secret',
      keys: [rsa('public'), { kty: 'oct', kid: 'secret', k: 'c2VjcmV0' }],
      expected: 'private_members',
    },
    { name: 'two keys with one kid', keys: [rsa('same'), rsa('same', { alg: 'RS256' })], expected: 'duplicate_kid' },
  ];
  return { keys, sets };
}
