import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { b64json, b64url, parseToken, signCompact, signingInput, type JsonObject } from './support/compact-jws.js';
import type { RawRequest } from './support/raw-request.js';

/** What the catalogue is built from: a real token of the running auth service, and its key. */
export type CatalogueInput = Readonly<{
  /** An access token issued by the real auth service (`POST /token`) that orders-service accepts. */
  accessToken: string;
  /** The refresh token issued with it. */
  refreshToken: string;
  /**
   * The issuer's private signing key (read from its key file). Variants re-signed with it test the
   * claim and header checks themselves: an attacker does not have it, a buggy issuer does.
   */
  signingKey: KeyObject;
  /** The issuer's public JWK as published in its JWKS (kty, n, e, kid, alg, use). */
  publicJwk: Readonly<Record<string, unknown>>;
  /** `aud` value that orders-service accepts. */
  audience: string;
  /** Client id of the token (an ID token would carry it as `aud`). */
  clientId: string;
  /** Name of the access-token cookie. */
  cookieName: string;
  /** Base URL of a listener that must receive zero requests (jku, x5u). */
  trapUrl: string;
  /** A file that a shell-injected kid would create if any code ran it. */
  pwnedPath: string;
}>;

/** Expected answer of one case. */
export type Expected = Readonly<{ status: number; code: string | undefined }>;

/** One crafted request and the answer it must get. */
export type AttackCase = Readonly<{
  group: string;
  name: string;
  /** `orders`: `GET /orders` (or the request's own path) at orders-service; `auth`: the auth service. */
  target: 'orders' | 'auth';
  request: RawRequest;
  expected: Expected;
  /** Parts of the input that the answer (body and headers) must never contain. */
  mustNotEcho: readonly string[];
}>;

const OK: Expected = { status: 200, code: undefined };
const INVALID: Expected = { status: 401, code: 'invalid_token' };
const EXPIRED: Expected = { status: 401, code: 'token_expired' };
const BAD_REQUEST: Expected = { status: 400, code: 'invalid_request' };
const MISSING: Expected = { status: 401, code: 'missing_token' };

/** The registered claims (RFC 7519 §4.1) and the ill-typed values each is set to. */
const REGISTERED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti'] as const;
const ILL_TYPED: ReadonlyArray<readonly [string, unknown]> = [
  ['null', null],
  ['true', true],
  ['0', 0],
  ['""', ''],
  ['[]', []],
  ['{}', {}],
];

/** Long input fragments worth checking for echoes (short ones like "RS256" may legitimately appear in fixed texts). */
function echoParts(...values: string[]): string[] {
  const parts = new Set<string>();
  for (const value of values) {
    for (const part of value.split('.'))
      if (part.length >= 12) parts.add(part.length > 4096 ? part.slice(0, 4096) : part);
  }
  return [...parts];
}

/**
 * Builds the attack catalogue from a real token: algorithm substitution, key-source headers, kid
 * injections, crit/b64, typ variants, ill-typed and missing claims, time edge values, iss/aud near
 * misses, base64 variants, truncated signatures, JWE shapes, oversized input, repeated or conflicting
 * credentials, token confusion (refresh / ID tokens). Every case names the exact status and `code`.
 */
export function buildAttackCatalogue(input: CatalogueInput): AttackCase[] {
  const { header, payload, segments } = parseToken(input.accessToken);
  const [h0, p0, s0] = segments;
  const kid = String(header.kid);
  const cases: AttackCase[] = [];
  const bearer = (token: string, extra: ReadonlyArray<readonly [string, string]> = []): RawRequest => ({
    path: '/orders',
    headers: [['Authorization', `Bearer ${token}`], ...extra],
  });
  const add = (group: string, name: string, token: string, expected: Expected, markers: readonly string[] = []) => {
    cases.push({
      group,
      name,
      target: 'orders',
      request: bearer(token),
      expected,
      mustNotEcho: [...echoParts(token), ...markers],
    });
  };
  const resign = (headerPatch: JsonObject, payloadPatch: JsonObject, drop: readonly string[] = []): string => {
    const p: JsonObject = { ...payload, ...payloadPatch };
    for (const name of drop) delete p[name];
    return signCompact({ ...header, ...headerPatch }, p, 'RS256', input.signingKey);
  };
  const withSignature = (h: JsonObject | string, p: JsonObject | string, sig: string) => `${signingInput(h, p)}.${sig}`;
  const nowS = Math.floor(Date.now() / 1000);

  // Controls: the real token and an identical re-signed copy pass, so every refusal below is due to its one change.
  add('control', 'the real token from the auth service', input.accessToken, OK);
  add('control', 'the same claims re-signed with the issuer key', resign({}, {}), OK);
  cases.push({
    group: 'control',
    name: 'lower-case scheme "bearer"',
    target: 'orders',
    request: { path: '/orders', headers: [['Authorization', `bearer ${input.accessToken}`]] },
    expected: OK,
    mustNotEcho: echoParts(input.accessToken),
  });
  cases.push({
    group: 'control',
    name: 'no credentials at all',
    target: 'orders',
    request: { path: '/orders' },
    expected: MISSING,
    mustNotEcho: [],
  });

  // Algorithm substitution.
  for (const alg of ['none', 'None', 'NONE', 'nOnE', 'none ', '']) {
    add('alg none', `alg "${alg}" without signature`, `${signingInput({ ...header, alg }, payload)}.`, INVALID);
    add('alg none', `alg "${alg}" with the original signature`, withSignature({ ...header, alg }, p0, s0), INVALID);
  }
  add('alg none', 'alg none, two segments only', signingInput({ ...header, alg: 'none' }, payload), INVALID);
  add('alg none', 'alg missing', withSignature({ typ: header.typ, kid }, p0, s0), INVALID);
  add('alg none', 'alg as an array ["RS256"]', withSignature({ ...header, alg: ['RS256'] }, p0, s0), INVALID);

  const publicKey = createPublicKey({ key: input.publicJwk as never, format: 'jwk' });
  const jwkJson = JSON.stringify(input.publicJwk);
  const secrets: ReadonlyArray<readonly [string, string | Uint8Array]> = [
    ['public key PEM (SPKI)', publicKey.export({ format: 'pem', type: 'spki' }) as string],
    ['public key PEM (PKCS#1)', publicKey.export({ format: 'pem', type: 'pkcs1' }) as string],
    ['public key DER (SPKI)', publicKey.export({ format: 'der', type: 'spki' })],
    ['public key DER (PKCS#1)', publicKey.export({ format: 'der', type: 'pkcs1' })],
    ['public JWK JSON as published', jwkJson],
    ['public JWK JSON (n, e, kty only)', JSON.stringify({ e: input.publicJwk.e, kty: 'RSA', n: input.publicJwk.n })],
    ['modulus bytes', Buffer.from(String(input.publicJwk.n), 'base64url')],
    ['empty secret', ''],
    ['"secret"', 'secret'],
    ['"password"', 'password'],
    ['the kid', kid],
  ];
  for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
    for (const [what, secret] of secrets) {
      add('alg HMAC', `${alg} keyed with ${what}`, signCompact({ ...header, alg }, payload, alg, secret), INVALID);
    }
  }
  for (const alg of ['RS384', 'RS512', 'PS256', 'PS384', 'PS512'] as const) {
    add(
      'alg RSA variant',
      `${alg} with the issuer key, header says ${alg}`,
      signCompact({ ...header, alg }, payload, alg, input.signingKey),
      INVALID,
    );
  }
  add(
    'alg RSA variant',
    'header RS256, signed RS512 with the issuer key',
    signCompact(header, payload, 'RS512', input.signingKey),
    INVALID,
  );
  add(
    'alg RSA variant',
    'header RS256, signed PS256 with the issuer key',
    signCompact(header, payload, 'PS256', input.signingKey),
    INVALID,
  );
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ed = generateKeyPairSync('ed25519');
  const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const attackerJwk = attacker.publicKey.export({ format: 'jwk' });
  add(
    'alg foreign key',
    'ES256 with a fresh EC key, our kid',
    signCompact({ ...header, alg: 'ES256' }, payload, 'ES256', ec.privateKey),
    INVALID,
  );
  add(
    'alg foreign key',
    'ES256 with a fresh EC key, header says RS256',
    signCompact(header, payload, 'ES256', ec.privateKey),
    INVALID,
  );
  add(
    'alg foreign key',
    'EdDSA with a fresh Ed25519 key, our kid',
    signCompact({ ...header, alg: 'EdDSA' }, payload, 'EdDSA', ed.privateKey),
    INVALID,
  );
  add(
    'alg foreign key',
    'RS256 with a fresh RSA key, our kid',
    signCompact(header, payload, 'RS256', attacker.privateKey),
    INVALID,
  );

  // Key material or key locations named by the token itself.
  const trapJwks = `${input.trapUrl}/jwks.json`;
  const x5c = [attacker.publicKey.export({ format: 'der', type: 'spki' }).toString('base64')];
  const keySources: ReadonlyArray<readonly [string, JsonObject]> = [
    ['embedded jwk', { jwk: attackerJwk }],
    ['jku at the trap listener', { jku: trapJwks }],
    ['x5u at the trap listener', { x5u: `${input.trapUrl}/cert.pem` }],
    ['x5c with the attacker key', { x5c }],
    ['jku + jwk + x5u together', { jku: trapJwks, jwk: attackerJwk, x5u: `${input.trapUrl}/cert.pem` }],
  ];
  for (const [what, patch] of keySources) {
    add(
      'key source',
      `${what}, signed by the attacker, attacker kid`,
      signCompact({ ...header, ...patch, kid: 'attacker-key' }, payload, 'RS256', attacker.privateKey),
      INVALID,
      [input.trapUrl],
    );
    add(
      'key source',
      `${what}, signed by the attacker, our kid`,
      signCompact({ ...header, ...patch }, payload, 'RS256', attacker.privateKey),
      INVALID,
      [input.trapUrl],
    );
    add('key source', `${what}, signed with the issuer key (header still refused)`, resign(patch, {}), INVALID, [
      input.trapUrl,
    ]);
  }
  add(
    'key source',
    'jku without kid, signed by the attacker',
    signCompact({ alg: 'RS256', typ: 'at+jwt', jku: trapJwks }, payload, 'RS256', attacker.privateKey),
    INVALID,
    [input.trapUrl],
  );

  // kid injections, each signed with the issuer key so that only the kid is wrong.
  const kids: ReadonlyArray<readonly [string, unknown]> = [
    ['path traversal', '../../../../../../etc/passwd'],
    ['absolute path', '/dev/null'],
    ['file URL', 'file:///etc/passwd'],
    ['URL at the trap listener', `${input.trapUrl}/kid`],
    ['SQL injection', "x' UNION SELECT 'secret' --"],
    ['SQL always-true', "' OR '1'='1"],
    ['shell substitution', `$(touch ${input.pwnedPath})`],
    ['shell backticks', `\`touch ${input.pwnedPath}\``],
    ['shell chain', `x; touch ${input.pwnedPath}`],
    ['NUL byte', `${kid}\u0000`],
    ['our kid with a suffix', `${kid}x`],
    ['our kid upper-cased', kid.toUpperCase()],
    ['our kid with whitespace', ` ${kid}`],
    ['prototype key', '__proto__'],
    ['constructor', 'constructor'],
    ['empty', ''],
    ['257 characters', 'k'.repeat(257)],
    ['6000 characters', 'k'.repeat(6000)],
    ['numeric', 12345],
    ['numeric string of our kid length', '1'.repeat(kid.length)],
    ['null', null],
    ['array with our kid', [kid]],
    ['object', { kid }],
    ['unicode look-alike', `${kid.slice(0, -1)}\u0430`],
  ];
  for (const [what, value] of kids) {
    add(
      'kid injection',
      `kid ${what}`,
      resign({ kid: value }, {}),
      INVALID,
      typeof value === 'string' && value.length >= 12 && !value.startsWith(kid) ? [value] : [],
    );
  }
  add(
    'kid injection',
    'kid missing',
    (() => {
      const { kid: _k, ...rest } = header;
      return signCompact(rest, payload, 'RS256', input.signingKey);
    })(),
    INVALID,
  );

  // crit and b64 (RFC 7797): refused outright, even when signed with the issuer key.
  add('crit/b64', 'crit ["exp"]', resign({ crit: ['exp'] }, {}), INVALID);
  add('crit/b64', 'crit ["b64"], b64 false', resign({ crit: ['b64'], b64: false }, {}), INVALID);
  add('crit/b64', 'b64 false without crit', resign({ b64: false }, {}), INVALID);
  add('crit/b64', 'b64 true', resign({ b64: true }, {}), INVALID);
  add('crit/b64', 'crit [] (empty)', resign({ crit: [] }, {}), INVALID);
  add(
    'crit/b64',
    'crit with an unknown extension',
    resign({ crit: ['urn:x-unknown'], 'urn:x-unknown': 1 }, {}),
    INVALID,
  );
  add(
    'crit/b64',
    'unencoded payload under b64 false',
    `${b64json({ ...header, b64: false, crit: ['b64'] })}.${JSON.stringify(payload)}.${s0}`,
    BAD_REQUEST,
  );

  // typ (RFC 9068 §4: at+jwt; compared case-insensitively, application/ prefix allowed).
  const typs: ReadonlyArray<readonly [unknown, Expected]> = [
    ['at+jwt', OK],
    ['AT+JWT', OK],
    ['application/at+jwt', OK],
    ['Application/At+Jwt', OK],
    ['JWT', INVALID],
    ['jwt', INVALID],
    ['application/jwt', INVALID],
    ['at+jwt ', INVALID],
    [' at+jwt', INVALID],
    ['at+jwt; charset=utf-8', INVALID],
    ['application/at+jwt+json', INVALID],
    ['dpop+jwt', INVALID],
    ['logout+jwt', INVALID],
    ['secevent+jwt', INVALID],
    ['JOSE', INVALID],
    ['', INVALID],
    [null, INVALID],
    [1, INVALID],
    [['at+jwt'], INVALID],
  ];
  for (const [typ, expected] of typs) add('typ', `typ ${JSON.stringify(typ)}`, resign({ typ }, {}), expected);
  add(
    'typ',
    'typ missing',
    (() => {
      const { typ: _t, ...rest } = header;
      return signCompact(rest, payload, 'RS256', input.signingKey);
    })(),
    INVALID,
  );
  add('typ', 'cty JWT (nested token claim)', resign({ cty: 'JWT' }, {}), OK);

  // Every registered claim ill-typed: with the original signature (an attacker's edit) and re-signed (an issuer bug).
  const resignedExpectation = (claim: string, label: string): Expected => {
    if (claim === 'nbf' && label === '0') return OK;
    if (claim === 'exp' && label === '0') return EXPIRED;
    return INVALID;
  };
  for (const claim of REGISTERED_CLAIMS) {
    for (const [label, value] of ILL_TYPED) {
      add(
        'ill-typed claim',
        `${claim} = ${label}, original signature`,
        withSignature(h0, { ...payload, [claim]: value }, s0),
        INVALID,
      );
      add(
        'ill-typed claim',
        `${claim} = ${label}, re-signed`,
        resign({}, { [claim]: value }),
        resignedExpectation(claim, label),
      );
    }
  }

  // Missing claims (re-signed). RFC 9068 §2.2: iss, exp, aud, sub, client_id, iat, jti are required.
  for (const claim of ['iss', 'aud', 'exp', 'sub', 'jti', 'iat', 'client_id']) {
    add('missing claim', `no ${claim}`, resign({}, {}, [claim]), INVALID);
  }
  add('missing claim', 'no scope (authenticated, not authorised)', resign({}, {}, ['scope']), {
    status: 403,
    code: 'insufficient_scope',
  });
  add('missing claim', 'empty payload {}', signCompact(header, {}, 'RS256', input.signingKey), INVALID);
  add('missing claim', 'payload is a JSON array', `${h0}.${b64json([payload])}.${s0}`, INVALID);
  add('missing claim', 'payload is a JSON string', `${h0}.${b64json('claims')}.${s0}`, INVALID);
  add('missing claim', 'payload is not JSON', `${h0}.${b64url('not json at all')}.${s0}`, INVALID);

  // Time claims at their edges (re-signed, so the claim checks alone decide).
  const times: ReadonlyArray<readonly [string, JsonObject, Expected]> = [
    ['exp 1e308', { exp: 1e308 }, INVALID],
    ['exp -1', { exp: -1 }, INVALID],
    ['exp as a numeric string', { exp: String(nowS + 120) }, INVALID],
    ['exp a minute ago', { exp: nowS - 60 }, EXPIRED],
    ['exp a fractional second ahead (NumericDate may be non-integer)', { exp: nowS + 120.5 }, OK],
    ['exp one year ahead (lifetime too long)', { exp: nowS + 31_536_000 }, INVALID],
    ['exp 2^53', { exp: 2 ** 53 }, INVALID],
    ['nbf 1e308', { nbf: 1e308 }, INVALID],
    ['nbf -1', { nbf: -1 }, INVALID],
    ['nbf as a string', { nbf: String(nowS - 60) }, INVALID],
    ['nbf one hour ahead', { nbf: nowS + 3600 }, INVALID],
    ['nbf a fractional second in the past', { nbf: nowS - 30.25 }, OK],
    ['iat 1e308', { iat: 1e308 }, INVALID],
    ['iat -1', { iat: -1 }, INVALID],
    ['iat as a string', { iat: String(nowS) }, INVALID],
    ['iat one hour ahead', { iat: nowS + 3600 }, INVALID],
    ['iat fractional', { iat: nowS - 0.5 }, OK],
  ];
  for (const [name, patch, expected] of times) add('time edge', name, resign({}, patch), expected);

  // iss and aud near misses (re-signed).
  const iss = String(payload.iss);
  const url = new URL(iss);
  const twin = url.hostname === '127.0.0.1' ? 'localhost' : '127.0.0.1';
  const issuers = [
    `${iss}/`,
    iss.toUpperCase(),
    iss.replace('http:', 'https:'),
    `${url.protocol}//${twin}:${url.port}`,
    `${iss} `,
    `${iss}#`,
    `${iss}?`,
    `${iss}/.well-known/jwks.json`,
    iss.slice(0, -1),
    [iss],
  ];
  for (const value of issuers)
    add('iss near miss', `iss ${JSON.stringify(value)}`, resign({}, { iss: value }), INVALID);
  const aud = input.audience;
  const audiences: unknown[] = [
    `${aud}/`,
    aud.toUpperCase(),
    `${aud} `,
    aud.slice(0, -1),
    `${aud}s`,
    [aud.toUpperCase()],
    [aud, 1],
    [aud, null],
    [],
    [[aud]],
    'urn:jwks-kit-demo:profile',
    input.clientId,
  ];
  for (const value of audiences)
    add('aud near miss', `aud ${JSON.stringify(value)}`, resign({}, { aud: value }), INVALID);

  // base64 variants of the real token.
  const padded = (segment: string) => segment + '='.repeat((4 - (segment.length % 4)) % 4 || 1);
  add('base64', 'padding on the signature', `${h0}.${p0}.${padded(s0)}`, INVALID);
  add('base64', 'padding on the header', `${padded(h0)}.${p0}.${s0}`, BAD_REQUEST);
  add('base64', 'padding on the payload', `${h0}.${padded(p0)}.${s0}`, BAD_REQUEST);
  const standard = (segment: string) => segment.replaceAll('-', '+').replaceAll('_', '/');
  const std = `${standard(h0)}.${standard(p0)}.${standard(s0)}`;
  if (std !== input.accessToken) add('base64', 'standard alphabet (+ and /)', std, INVALID);
  add('base64', 'standard alphabet forced into the signature', `${h0}.${p0}.${s0.slice(0, -2)}+/`, INVALID);
  add(
    'base64',
    'standard alphabet with padding at the end',
    `${standard(h0)}.${standard(p0)}.${padded(standard(s0))}`,
    INVALID,
  );
  cases.push({
    group: 'base64',
    name: 'space inside the token',
    target: 'orders',
    request: bearer(`${h0}.${p0} .${s0}`),
    expected: BAD_REQUEST,
    mustNotEcho: echoParts(input.accessToken),
  });
  cases.push({
    group: 'base64',
    name: 'tab inside the token',
    target: 'orders',
    request: bearer(`${h0}.\t${p0}.${s0}`),
    expected: BAD_REQUEST,
    mustNotEcho: echoParts(input.accessToken),
  });
  add('base64', 'percent-encoded dot', `${h0}%2E${p0}.${s0}`, BAD_REQUEST);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const unusedBits = (segment: string) => {
    const spare = segment.length % 4 === 2 ? 0b1111 : segment.length % 4 === 3 ? 0b11 : 0;
    const last = alphabet.indexOf(segment[segment.length - 1]!);
    return spare === 0 ? undefined : `${segment.slice(0, -1)}${alphabet[last | spare]}`;
  };
  const sigBits = unusedBits(s0);
  if (sigBits !== undefined && sigBits !== s0)
    add(
      'base64',
      'non-zero unused bits in the signature (same bytes, other string)',
      `${h0}.${p0}.${sigBits}`,
      INVALID,
    );
  const payloadBits = unusedBits(p0);
  if (payloadBits !== undefined && payloadBits !== p0)
    add('base64', 'non-zero unused bits in the payload', `${h0}.${payloadBits}.${s0}`, INVALID);
  add('base64', 'segment of length 1 mod 4 (impossible length)', `${h0}.${p0}.${s0}A`, INVALID);
  add(
    'base64',
    'UTF-16 BOM before the header JSON',
    withSignature(b64url(`\ufeff${JSON.stringify(header)}`), p0, s0),
    INVALID,
  );
  add(
    'base64',
    'header JSON with a duplicate alg (none last)',
    withSignature(b64url(`${JSON.stringify(header).slice(0, -1)},"alg":"none"}`), p0, s0),
    INVALID,
  );
  add(
    'base64',
    'invalid UTF-8 in the payload',
    withSignature(
      h0,
      Buffer.concat([Buffer.from('{"sub":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]).toString('base64url'),
      s0,
    ),
    INVALID,
  );

  // Truncated and extended signatures.
  const sigBytes = Buffer.from(s0, 'base64url');
  add('signature', 'signature without its last character', `${h0}.${p0}.${s0.slice(0, -1)}`, INVALID);
  add('signature', 'signature without its last 4 characters', `${h0}.${p0}.${s0.slice(0, -4)}`, INVALID);
  add(
    'signature',
    'signature one byte short',
    `${h0}.${p0}.${sigBytes.subarray(0, -1).toString('base64url')}`,
    INVALID,
  );
  add(
    'signature',
    'signature halved',
    `${h0}.${p0}.${sigBytes.subarray(0, sigBytes.length / 2).toString('base64url')}`,
    INVALID,
  );
  add('signature', 'signature of one byte', `${h0}.${p0}.AA`, INVALID);
  add(
    'signature',
    'signature with a zero byte appended',
    `${h0}.${p0}.${Buffer.concat([sigBytes, Buffer.from([0])]).toString('base64url')}`,
    INVALID,
  );
  add(
    'signature',
    'signature with a leading zero byte',
    `${h0}.${p0}.${Buffer.concat([Buffer.from([0]), sigBytes]).toString('base64url')}`,
    INVALID,
  );
  add(
    'signature',
    'signature all zero bytes',
    `${h0}.${p0}.${Buffer.alloc(sigBytes.length).toString('base64url')}`,
    INVALID,
  );
  add(
    'signature',
    'signature of another payload (re-signed, payload swapped back)',
    `${h0}.${p0}.${resign({}, { sub: 'mallory' }).split('.')[2]}`,
    INVALID,
  );
  add('signature', 'empty signature', `${h0}.${p0}.`, INVALID);
  add('signature', 'four segments', `${h0}.${p0}.${s0}.${s0}`, INVALID);
  add('signature', 'trailing dot', `${h0}.${p0}.${s0}.`, INVALID);
  add('signature', 'leading dot', `.${h0}.${p0}.${s0}`, INVALID);

  // JWE-shaped tokens (5 segments), as an encrypted access token would look.
  const jweHeader = b64json({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid, typ: 'at+jwt' });
  add(
    'JWE',
    'five segments RSA-OAEP-256 / A256GCM',
    `${jweHeader}.${b64url(sigBytes)}.${b64url('123456789012')}.${p0}.${b64url('0123456789abcdef')}`,
    INVALID,
  );
  add(
    'JWE',
    'five segments alg dir, empty key',
    `${b64json({ alg: 'dir', enc: 'A128CBC-HS256', kid })}..${b64url('1234567890123456')}.${p0}.${b64url('0123456789abcdef')}`,
    INVALID,
  );
  add('JWE', 'five segments with the JWS header', `${h0}.${p0}.${s0}.${p0}.${s0}`, INVALID);

  // Oversized input.
  const big = resign({}, { pad: 'x'.repeat(9000) });
  add('size', 'a 12 KB token signed with the issuer key (over the 8 KB cap)', big, INVALID);
  add('size', 'header with 9 KB of extra members', resign({ x: 'y'.repeat(9000) }, {}), INVALID);
  add(
    'size',
    'claim nested 2000 deep, signed by the issuer (refused past maxClaimsDepth, no stack overflow)',
    resign({}, { deep: JSON.parse('['.repeat(2000) + ']'.repeat(2000)) as unknown }),
    { status: 401, code: 'claims_too_deep' },
  );
  cases.push({
    group: 'size',
    name: '20 KB Authorization header (refused by the HTTP parser)',
    target: 'orders',
    request: bearer(`${h0}.${'A'.repeat(20_000)}.${s0}`),
    expected: { status: 431, code: undefined },
    mustNotEcho: echoParts(input.accessToken),
  });
  cases.push({
    group: 'size',
    name: '10 KB token cookie',
    target: 'orders',
    request: { path: '/orders', headers: [['Cookie', `${input.cookieName}=${big.slice(0, 10_000)}`]] },
    expected: INVALID,
    mustNotEcho: echoParts(big.slice(0, 10_000)),
  });

  // Repeated or conflicting credentials (raw header lines, as no client library would send them).
  const t = input.accessToken;
  const echo = echoParts(t);
  const credential = (
    name: string,
    headers: ReadonlyArray<readonly [string, string]>,
    expected: Expected,
    method = 'GET',
  ) =>
    cases.push({
      group: 'credentials',
      name,
      target: 'orders',
      request: { method, path: '/orders', headers },
      expected,
      mustNotEcho: echo,
    });
  credential(
    'two Authorization headers, same token',
    [
      ['Authorization', `Bearer ${t}`],
      ['Authorization', `Bearer ${t}`],
    ],
    BAD_REQUEST,
  );
  credential(
    'two Authorization headers, valid and forged',
    [
      ['Authorization', `Bearer ${t}`],
      ['Authorization', `Bearer ${resign({}, { sub: 'admin' }).slice(0, -8)}AAAAAAAA`],
    ],
    BAD_REQUEST,
  );
  credential(
    'Authorization and authorization (case variants)',
    [
      ['Authorization', `Bearer ${t}`],
      ['authorization', `Bearer ${t}`],
    ],
    BAD_REQUEST,
  );
  credential(
    'Bearer token plus a Basic header',
    [
      ['Authorization', `Bearer ${t}`],
      ['Authorization', 'Basic YWxpY2U6YWxpY2UtcGFzcw=='],
    ],
    BAD_REQUEST,
  );
  credential('two tokens in one header, comma-joined', [['Authorization', `Bearer ${t}, Bearer ${t}`]], BAD_REQUEST);
  credential('two tokens in one header, space-separated', [['Authorization', `Bearer ${t} ${t}`]], BAD_REQUEST);
  credential('scheme without a token', [['Authorization', 'Bearer']], BAD_REQUEST);
  credential('scheme and spaces only', [['Authorization', 'Bearer    ']], BAD_REQUEST);
  credential('Basic credentials only (not our scheme)', [['Authorization', 'Basic YWxpY2U6YWxpY2UtcGFzcw==']], MISSING);
  credential('token without a scheme', [['Authorization', t]], MISSING);
  // orders accepts DPoP (RFC 9449): an unbound token under the DPoP scheme is refused as not bound
  credential('DPoP scheme with an unbound token', [['Authorization', `DPoP ${t}`]], INVALID);
  credential(
    'header and cookie, same token',
    [
      ['Authorization', `Bearer ${t}`],
      ['Cookie', `${input.cookieName}=${t}`],
    ],
    BAD_REQUEST,
  );
  credential(
    'header and cookie, different tokens',
    [
      ['Authorization', `Bearer ${t}`],
      ['Cookie', `${input.cookieName}=${resign({}, {})}`],
    ],
    BAD_REQUEST,
  );
  credential('cookie only, safe method', [['Cookie', `${input.cookieName}=${t}`]], OK);
  credential(
    'the token cookie twice (cookie tossing)',
    [['Cookie', `${input.cookieName}=${resign({}, { sub: 'mallory' })}; ${input.cookieName}=${t}`]],
    BAD_REQUEST,
  );
  credential(
    'cookie, unsafe method, foreign Origin',
    [
      ['Cookie', `${input.cookieName}=${t}`],
      ['Origin', 'https://evil.example'],
      ['Content-Type', 'application/json'],
    ],
    { status: 403, code: 'origin_not_allowed' },
    'POST',
  );
  credential(
    'cookie, unsafe method, Origin null',
    [
      ['Cookie', `${input.cookieName}=${t}`],
      ['Origin', 'null'],
      ['Content-Type', 'application/json'],
    ],
    { status: 403, code: 'origin_not_allowed' },
    'POST',
  );
  credential(
    'cookie, unsafe method, no Origin nor Sec-Fetch-Site',
    [
      ['Cookie', `${input.cookieName}=${t}`],
      ['Content-Type', 'application/json'],
    ],
    { status: 403, code: 'origin_not_allowed' },
    'POST',
  );
  credential(
    'cookie, unsafe method, Sec-Fetch-Site cross-site',
    [
      ['Cookie', `${input.cookieName}=${t}`],
      ['Sec-Fetch-Site', 'cross-site'],
    ],
    { status: 403, code: 'origin_not_allowed' },
    'POST',
  );
  cases.push({
    group: 'credentials',
    name: 'token in the query string (never read)',
    target: 'orders',
    request: { path: `/orders?access_token=${t}` },
    expected: MISSING,
    mustNotEcho: echo,
  });
  cases.push({
    group: 'credentials',
    name: 'token in a form body (never read)',
    target: 'orders',
    request: {
      method: 'POST',
      path: '/orders',
      headers: [['Content-Type', 'application/x-www-form-urlencoded']],
      body: `access_token=${t}`,
    },
    expected: MISSING,
    mustNotEcho: echo,
  });

  // Token confusion: refresh tokens and ID-token-like tokens from the same keys.
  add('confusion', 'refresh token as a Bearer access token', input.refreshToken, INVALID);
  cases.push({
    group: 'confusion',
    name: 'refresh token as the access-token cookie',
    target: 'orders',
    request: { path: '/orders', headers: [['Cookie', `${input.cookieName}=${input.refreshToken}`]] },
    expected: INVALID,
    mustNotEcho: echoParts(input.refreshToken),
  });
  cases.push({
    group: 'confusion',
    name: 'access token as a refresh token (POST /token)',
    target: 'auth',
    request: {
      method: 'POST',
      path: '/token',
      headers: [['Content-Type', 'application/x-www-form-urlencoded']],
      body: `grant_type=refresh_token&refresh_token=${t}`,
    },
    expected: { status: 401, code: 'refresh_token_malformed' },
    mustNotEcho: echo,
  });
  const idClaims = {
    iss,
    sub: payload.sub,
    aud: input.clientId,
    exp: nowS + 300,
    iat: nowS,
    auth_time: nowS - 10,
    nonce: 'n-0S6_WzA2Mj',
    azp: input.clientId,
  };
  add(
    'confusion',
    'ID-token-like: typ JWT, aud = client id',
    signCompact({ alg: 'RS256', typ: 'JWT', kid }, idClaims, 'RS256', input.signingKey),
    INVALID,
  );
  add(
    'confusion',
    'ID-token-like: no typ, aud = client id',
    signCompact({ alg: 'RS256', kid }, idClaims, 'RS256', input.signingKey),
    INVALID,
  );
  add(
    'confusion',
    'ID-token-like: typ JWT, aud = this service',
    signCompact(
      { alg: 'RS256', typ: 'JWT', kid },
      { ...idClaims, aud: input.audience, scope: payload.scope },
      'RS256',
      input.signingKey,
    ),
    INVALID,
  );
  add(
    'confusion',
    'ID-token-like: typ at+jwt, aud = client id',
    signCompact(header, { ...payload, aud: input.clientId, nonce: 'n-0S6_WzA2Mj' }, 'RS256', input.signingKey),
    INVALID,
  );
  add(
    'confusion',
    'logout token shape (typ logout+jwt, events claim)',
    signCompact(
      { ...header, typ: 'logout+jwt' },
      { ...payload, events: { 'http://schemas.openid.net/event/backchannel-logout': {} } },
      'RS256',
      input.signingKey,
    ),
    INVALID,
  );
  return cases;
}
