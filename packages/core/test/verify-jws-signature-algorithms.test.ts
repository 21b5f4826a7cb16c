import { createSecretKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { CompactSign, compactVerify, importJWK, type CryptoKey, type JWK } from 'jose';
import { importHs256Secret, importJwk, checkJwk, isJwkRefusal } from '../src/index.js';
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

/** The algorithms beyond RSA, each with its own key (and an attacker's key of the same type). */
const ALGORITHMS = ['ES256', 'EdDSA', 'HS256'] as const;
type Algorithm = (typeof ALGORITHMS)[number];

/** Order n of the P-256 group, big-endian. */
const P256_ORDER = Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', 'hex');

interface Keys {
  /** What signs (jose: a KeyObject for ES256/EdDSA, the secret bytes for HS256). */
  readonly signWith: KeyObject | Uint8Array;
  /** The oracle's key: jose's own import of the public JWK (or the secret bytes). */
  readonly joseKey: CryptoKey | Uint8Array;
  /** Ours: the key as the verifier holds it (core's importJwk / importHs256Secret). */
  readonly ourKey: KeyObject;
  readonly attacker: KeyObject | Uint8Array;
}

const keys = new Map<Algorithm, Keys>();

beforeAll(async () => {
  const pair = (alg: 'ES256' | 'EdDSA') =>
    alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  for (const alg of ['ES256', 'EdDSA'] as const) {
    const { privateKey, publicKey } = pair(alg);
    const jwk = { ...(publicKey.export({ format: 'jwk' }) as JWK), kid: alg, alg };
    const checked = checkJwk(jwk, [alg]);
    if (isJwkRefusal(checked)) throw new Error(checked.message);
    keys.set(alg, {
      signWith: privateKey,
      joseKey: (await importJWK(jwk, alg)) as CryptoKey,
      ourKey: importJwk(checked),
      attacker: pair(alg).privateKey,
    });
  }
  const secret = randomBytes(32);
  keys.set('HS256', {
    signWith: secret,
    joseKey: secret,
    ourKey: importHs256Secret(secret),
    attacker: randomBytes(32),
  });
});

const encoder = new TextEncoder();

/** Signs with jose (independent of the code under test). */
function joseSign(header: Record<string, unknown>, payload: unknown, alg: string, key: KeyObject | Uint8Array) {
  return new CompactSign(encoder.encode(JSON.stringify(payload))).setProtectedHeader({ ...header, alg }).sign(key);
}

/** Tokens jose accepted only because it decodes base64 padding count as refused (and are reported). */
const normalisePadding = paddedTokenRule('differential beyond RSA');

/** The oracle: jose's compactVerify with its own key import and the algorithm pinned, padding normalised. */
async function joseAccepts(token: string, alg: Algorithm): Promise<boolean> {
  const accepted = await compactVerify(token, keys.get(alg)!.joseKey, { algorithms: [alg] }).then(
    () => true,
    () => false,
  );
  return normalisePadding(accepted, token);
}

/** Ours: the header's alg must be the pinned one (as in the verifier), then verifyJwsSignature decides. */
function weAccept(token: string, alg: Algorithm): boolean {
  const parts = token.split('.');
  if (parts.length !== 3) return false;
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
  } catch {
    return false;
  }
  if ((header as { alg?: unknown } | null)?.alg !== alg) return false;
  return verifyJwsSignature(alg, `${parts[0]}.${parts[1]}`, parts[2]!, keys.get(alg)!.ourKey);
}

/** DER `SEQUENCE { INTEGER r, INTEGER s }` of a raw 64-byte ECDSA signature (what a wrong signer sends). */
function toDer(raw: Buffer): Buffer {
  const integer = (bytes: Buffer) => {
    let value = bytes;
    while (value.length > 1 && value[0] === 0 && (value[1]! & 0x80) === 0) value = value.subarray(1);
    if ((value[0]! & 0x80) !== 0) value = Buffer.concat([Buffer.alloc(1), value]);
    return Buffer.concat([Buffer.from([0x02, value.length]), value]);
  };
  const body = Buffer.concat([integer(raw.subarray(0, 32)), integer(raw.subarray(32))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/** n − s: the other valid ECDSA signature for the same (r, s) ("high s"); jose and we both accept it. */
function negateS(raw: Buffer): Buffer {
  const n = BigInt(`0x${P256_ORDER.toString('hex')}`);
  const s = BigInt(`0x${raw.subarray(32).toString('hex')}`);
  return Buffer.concat([raw.subarray(0, 32), Buffer.from((n - s).toString(16).padStart(64, '0'), 'hex')]);
}

type SignatureForm = 'der' | 'zeroR' | 'zeroS' | 'rIsN' | 'sIsN' | 'sAboveN' | 'swapRS' | 'highS' | 'pad' | 'cut';
type Mutation = JwsMutation | { kind: 'signature'; form: SignatureForm };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  jwsMutations(['ES256', 'EdDSA', 'HS256', 'ES384', 'ES512', 'Ed25519', 'RS256', 'none', 'es256', 'HS512']),
  fc.record({
    kind: fc.constant('signature' as const),
    form: fc.constantFrom<SignatureForm>(
      'der',
      'zeroR',
      'zeroS',
      'rIsN',
      'sIsN',
      'sAboveN',
      'swapRS',
      'highS',
      'pad',
      'cut',
    ),
  }),
);

async function mutate(token: string, m: Mutation, alg: Algorithm): Promise<string> {
  const own = keys.get(alg)!;
  if (m.kind !== 'signature')
    return applyJwsMutation(token, m, {
      sign: (header, claims, signAlg) => joseSign(header, claims, signAlg, own.signWith),
      signOther: () => joseSign(HEADER, CLAIMS, alg, own.attacker),
      canSign: (signAlg) => signAlg === alg,
      alg,
    });
  const parts = token.split('.');
  switch (m.kind) {
    case 'signature': {
      const raw = Buffer.from(parts[2]!, 'base64url');
      const r = raw.subarray(0, 32);
      const s = raw.subarray(32);
      const forms: Record<typeof m.form, () => Buffer> = {
        der: () => toDer(raw),
        zeroR: () => Buffer.concat([Buffer.alloc(32), s]),
        zeroS: () => Buffer.concat([r, Buffer.alloc(32)]),
        rIsN: () => Buffer.concat([P256_ORDER, s]),
        sIsN: () => Buffer.concat([r, P256_ORDER]),
        sAboveN: () => Buffer.concat([r, Buffer.alloc(32, 0xff)]),
        swapRS: () => Buffer.concat([s, r]),
        highS: () => (alg === 'ES256' ? negateS(raw) : raw),
        pad: () => Buffer.concat([Buffer.alloc(1), raw]),
        cut: () => raw.subarray(0, raw.length - 1),
      };
      return `${parts[0]}.${parts[1]}.${b64(forms[m.form]())}`;
    }
  }
}

describe('verifyJwsSignature agrees with jose compactVerify (the oracle) beyond RSA', () => {
  it.each(ALGORITHMS)(
    '%s: on 3,000 mutations of a valid token (bits, characters, lengths, other keys, header swaps, DER and out-of-range r ‖ s)',
    async (alg) => {
      const base = await joseSign(HEADER, CLAIMS, alg, keys.get(alg)!.signWith);
      expect(weAccept(base, alg)).toBe(true);
      const outcomes = { accepted: 0, refused: 0 };
      await fc.assert(
        fc.asyncProperty(mutation, async (m) => {
          const token = await mutate(base, m, alg);
          const expected = await joseAccepts(token, alg);
          expect({ m, token, accepted: weAccept(token, alg) }).toEqual({ m, token, accepted: expected });
          outcomes[expected ? 'accepted' : 'refused'] += 1;
        }),
        { numRuns: 3000 },
      );
      expect(outcomes.accepted).toBeGreaterThan(0);
      expect(outcomes.refused).toBeGreaterThan(2000);
    },
    180_000,
  );

  it.each(ALGORITHMS)(
    '%s: on 200 valid tokens with random claims, each refused under every other pin',
    async (alg) => {
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
          async (extra) => {
            const token = await joseSign(HEADER, { ...CLAIMS, ...extra }, alg, keys.get(alg)!.signWith);
            expect(weAccept(token, alg)).toBe(true);
            expect(await joseAccepts(token, alg)).toBe(true);
            for (const pinned of ALGORITHMS) {
              if (pinned === alg) continue;
              const [h, p, s] = token.split('.') as [string, string, string];
              const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>;
              const swapped = `${b64(JSON.stringify({ ...header, alg: pinned }))}.${p}.${s}`;
              expect(weAccept(swapped, pinned)).toBe(false);
              expect(await joseAccepts(swapped, pinned)).toBe(false);
            }
          },
        ),
        { numRuns: 200 },
      );
    },
    120_000,
  );
});

describe('verifyJwsSignature refuses, for ES256, before any crypto', () => {
  const input = `${b64(JSON.stringify({ ...HEADER, alg: 'ES256' }))}.${b64(JSON.stringify(CLAIMS))}`;
  const valid = () => {
    const { signWith } = keys.get('ES256')!;
    return sign('sha256', Buffer.from(input), { key: signWith as KeyObject, dsaEncoding: 'ieee-p1363' });
  };
  const check = (signature: Buffer) => verifyJwsSignature('ES256', input, b64(signature), keys.get('ES256')!.ourKey);

  it('accepts the raw r ‖ s node signs, and its high-s twin (ECDSA malleability: both are valid signatures)', () => {
    expect(check(valid())).toBe(true);
    expect(check(negateS(valid()))).toBe(true);
  });

  it('a DER signature of the same r and s, and any length but 64 bytes', () => {
    const raw = valid();
    expect(check(toDer(raw))).toBe(false);
    const der = sign('sha256', Buffer.from(input), keys.get('ES256')!.signWith as KeyObject);
    expect(check(der)).toBe(false);
    for (const length of [0, 32, 63, 65, 66, 72, 96, 128])
      expect(check(Buffer.concat([raw, Buffer.alloc(64)]).subarray(0, length))).toBe(false);
  });

  it('r or s of zero, equal to n or above it: the "psychic signature" (CVE-2022-21449) and its relatives', () => {
    const raw = valid();
    const [r, s] = [raw.subarray(0, 32), raw.subarray(32)];
    const zero = Buffer.alloc(32);
    for (const [rr, ss] of [
      [zero, zero],
      [zero, s],
      [r, zero],
      [P256_ORDER, s],
      [r, P256_ORDER],
      [P256_ORDER, P256_ORDER],
      [Buffer.alloc(32, 0xff), s],
      [r, Buffer.alloc(32, 0xff)],
    ] as const)
      expect(check(Buffer.concat([rr, ss]))).toBe(false);
  });

  it('an ES256 signature under a key of another type, and keys of every type under the wrong algorithm', () => {
    const sig = b64(valid());
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey;
    for (const key of [rsa, p384, keys.get('EdDSA')!.ourKey, keys.get('HS256')!.ourKey])
      expect(verifyJwsSignature('ES256', input, sig, key)).toBe(false);
    expect(verifyJwsSignature('EdDSA', input, sig, keys.get('ES256')!.ourKey)).toBe(false);
    expect(verifyJwsSignature('HS256', input, sig.slice(0, 43), keys.get('ES256')!.ourKey)).toBe(false);
    // A secret made of an EC public key's bytes is still a secret key: it never passes as an EC key, nor is an EC key an HMAC key.
    const pemSecret = createSecretKey(Buffer.from(keys.get('ES256')!.ourKey.export({ type: 'spki', format: 'pem' })));
    expect(verifyJwsSignature('ES256', input, sig, pemSecret)).toBe(false);
  });
});
