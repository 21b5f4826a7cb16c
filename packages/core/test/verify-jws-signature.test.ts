import { generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { CompactSign, compactVerify, importJWK, type CryptoKey } from 'jose';
import { createTestKeyPair, type TestKeyPair } from '@jwks-kit/test-kit';
import { verifyJwsSignature } from '../src/verify-jws-signature.js';
import {
  applyJwsMutation,
  b64,
  CLAIMS,
  HEADER,
  jwsMutations,
  paddedTokenRule,
  type JwsMutation,
} from './lib/jws-mutations.js';

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] as const;
type Algorithm = (typeof ALGORITHMS)[number];

let pair: TestKeyPair;
let wide: TestKeyPair;
let attacker: TestKeyPair;
/** jose's own import of each public key, per algorithm: the oracle's keys. */
const joseKeys = new Map<string, CryptoKey>();

beforeAll(async () => {
  [pair, wide, attacker] = await Promise.all([createTestKeyPair(), createTestKeyPair(3072), createTestKeyPair()]);
  for (const owner of [pair, wide]) {
    for (const alg of ALGORITHMS)
      joseKeys.set(
        `${owner.kid}/${alg}`,
        (await importJWK({ kty: 'RSA', n: owner.publicJwk.n, e: owner.publicJwk.e }, alg)) as CryptoKey,
      );
  }
});

const encoder = new TextEncoder();

/** Signs with jose (independent of the code under test). */
async function joseSign(
  header: Record<string, unknown>,
  payload: unknown,
  alg: string,
  signer: TestKeyPair,
): Promise<string> {
  return new CompactSign(encoder.encode(JSON.stringify(payload)))
    .setProtectedHeader({ ...header, alg })
    .sign(signer.privateKey);
}

/** Tokens jose accepted only because it decodes base64 padding count as refused (and are reported). */
const normalisePadding = paddedTokenRule('differential on RSA');

/** The oracle: jose's compactVerify with the key imported by importJWK and the algorithm pinned, padding normalised. */
async function joseAccepts(token: string, alg: Algorithm, owner: TestKeyPair): Promise<boolean> {
  const accepted = await compactVerify(token, joseKeys.get(`${owner.kid}/${alg}`)!, { algorithms: [alg] }).then(
    () => true,
    () => false,
  );
  return normalisePadding(accepted, token);
}

/** Ours: the header's alg must be the pinned one (as in the verifier), then verifyJwsSignature decides. */
function weAccept(token: string, alg: Algorithm, key: KeyObject): boolean {
  const parts = token.split('.');
  if (parts.length !== 3) return false;
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
  } catch {
    return false;
  }
  if ((header as { alg?: unknown } | null)?.alg !== alg) return false;
  return verifyJwsSignature(alg, `${parts[0]}.${parts[1]}`, parts[2]!, key);
}

const mutation = jwsMutations([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'none',
  'HS256',
  'rs256',
  'ES256',
]);

const mutate = (token: string, m: JwsMutation) =>
  applyJwsMutation(token, m, {
    sign: (header, claims, alg) => joseSign(header, claims, alg, pair),
    signOther: () => joseSign(HEADER, CLAIMS, 'RS256', attacker),
    canSign: (alg) => alg.startsWith('RS') || alg.startsWith('PS'),
    alg: 'RS256',
  });

describe('verifyJwsSignature agrees with jose compactVerify (the oracle)', () => {
  it('on 3,000 mutations of a valid RS256 token', async () => {
    const base = await joseSign(HEADER, CLAIMS, 'RS256', pair);
    const outcomes = { accepted: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const token = await mutate(base, m);
        const expected = await joseAccepts(token, 'RS256', pair);
        expect({ token, accepted: weAccept(token, 'RS256', pair.publicKey) }).toEqual({ token, accepted: expected });
        outcomes[expected ? 'accepted' : 'refused'] += 1;
      }),
      { numRuns: 3000 },
    );
    expect(outcomes.accepted).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(2000);
  });

  it('on 360 valid tokens under each of RS256/384/512 and PS256/384/512, 2048 and 3072 bits, and under every other pin', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ALGORITHMS),
        fc.boolean(),
        fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
        async (alg, useWide, extra) => {
          const owner = useWide ? wide : pair;
          const token = await joseSign(HEADER, { ...CLAIMS, ...extra }, alg, owner);
          expect(weAccept(token, alg, owner.publicKey)).toBe(true);
          expect(await joseAccepts(token, alg, owner)).toBe(true);
          for (const pinned of ALGORITHMS) {
            if (pinned === alg) continue;
            const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as Record<
              string,
              unknown
            >;
            const swapped = `${b64(JSON.stringify({ ...header, alg: pinned }))}.${token.split('.').slice(1).join('.')}`;
            expect(weAccept(swapped, pinned, owner.publicKey)).toBe(await joseAccepts(swapped, pinned, owner));
            expect(weAccept(swapped, pinned, owner.publicKey)).toBe(false);
          }
        },
      ),
      { numRuns: 360 },
    );
  });
});

describe('verifyJwsSignature refuses', () => {
  const input = () => `${b64(JSON.stringify({ ...HEADER, alg: 'RS256' }))}.${b64(JSON.stringify(CLAIMS))}`;

  it('a PS256 signature checked under RS256, and an RS256 signature checked under PS256', async () => {
    const ps = await joseSign(HEADER, CLAIMS, 'PS256', pair);
    const [h, p, s] = ps.split('.') as [string, string, string];
    expect(verifyJwsSignature('PS256', `${h}.${p}`, s, pair.publicKey)).toBe(true);
    expect(verifyJwsSignature('RS256', `${h}.${p}`, s, pair.publicKey)).toBe(false);
    const rs = (await joseSign(HEADER, CLAIMS, 'RS256', pair)).split('.') as [string, string, string];
    expect(verifyJwsSignature('PS256', `${rs[0]}.${rs[1]}`, rs[2], pair.publicKey)).toBe(false);
  });

  it('algorithms outside the table, even with a valid RSA signature', async () => {
    const [h, p, s] = (await joseSign(HEADER, CLAIMS, 'RS256', pair)).split('.') as [string, string, string];
    for (const alg of ['rs256', 'HS256', 'none', 'ES256', 'RSA-OAEP', '', 'toString', '__proto__', 'constructor'])
      expect(verifyJwsSignature(alg, `${h}.${p}`, s, pair.publicKey)).toBe(false);
  });

  it('a signature whose length is not the modulus length (a leading zero byte added, the last byte dropped, padding)', async () => {
    const [h, p, s] = (await joseSign(HEADER, CLAIMS, 'RS256', pair)).split('.') as [string, string, string];
    const bytes = Buffer.from(s, 'base64url');
    expect(bytes.length).toBe(256);
    expect(verifyJwsSignature('RS256', `${h}.${p}`, s, pair.publicKey)).toBe(true);
    expect(verifyJwsSignature('RS256', `${h}.${p}`, b64(Buffer.concat([Buffer.alloc(1), bytes])), pair.publicKey)).toBe(
      false,
    );
    expect(verifyJwsSignature('RS256', `${h}.${p}`, b64(bytes.subarray(0, 255)), pair.publicKey)).toBe(false);
    expect(verifyJwsSignature('RS256', `${h}.${p}`, '', pair.publicKey)).toBe(false);
    expect(verifyJwsSignature('RS256', `${h}.${p}`, `${s.slice(0, -2)}==`, pair.publicKey)).toBe(false);
    expect(verifyJwsSignature('RS256', `${h}.${p}`, `${s}=`, pair.publicKey)).toBe(false);
  });

  it('a private KeyObject, even the one that signed', async () => {
    const [h, p, s] = (await joseSign(HEADER, CLAIMS, 'RS256', pair)).split('.') as [string, string, string];
    expect(verifyJwsSignature('RS256', `${h}.${p}`, s, pair.privateKey)).toBe(false);
  });

  it('an EC key, an Ed25519 key, an RSA-PSS-typed key and a non-KeyObject', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    const ed = generateKeyPairSync('ed25519').publicKey;
    const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).publicKey;
    const signature = 'A'.repeat(342);
    for (const key of [ec, ed, pss])
      for (const alg of ALGORITHMS) expect(verifyJwsSignature(alg, input(), signature, key)).toBe(false);
    const cryptoKey = joseKeys.get(`${pair.kid}/RS256`)!;
    expect(verifyJwsSignature('RS256', input(), signature, cryptoKey as unknown as KeyObject)).toBe(false);
  });

  it('a 1024-bit RSA key, even with a valid signature by it', async () => {
    const weak = await createTestKeyPair(1024);
    const [h, p] = input().split('.') as [string, string];
    const s = sign('sha256', Buffer.from(`${h}.${p}`), weak.privateKey).toString('base64url');
    expect(verify('sha256', Buffer.from(`${h}.${p}`), weak.publicKey, Buffer.from(s, 'base64url'))).toBe(true);
    expect(verifyJwsSignature('RS256', `${h}.${p}`, s, weak.publicKey)).toBe(false);
  });
});
