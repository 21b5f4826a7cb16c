import { createPrivateKey, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileKeyStore } from '@jwks-kit/issuer';
import { KEY_FILE } from '@jwks-kit/examples/auth-service/open-key-ring';
import { ACCESS_COOKIE, AUDIENCES } from '@jwks-kit/examples/shared/audiences';
import { buildAttackCatalogue, type AttackCase } from './attack-catalogue.js';
import { parseToken } from './support/compact-jws.js';
import { mapConcurrent } from './support/map-concurrent.js';
import { rawRequest, type RawResponse } from './support/raw-request.js';
import { login, startSystem, type RunningSystem } from './support/start-system.js';

type Outcome = Readonly<{ attack: AttackCase; response: RawResponse }>;

describe('attack catalogue against the running services (real processes, real HTTP)', () => {
  let system: RunningSystem;
  let trap: Server;
  let trapHits: string[];
  let catalogue: AttackCase[];
  let outcomes: Outcome[];
  const pwnedPath = join(tmpdir(), `jwks-kit-pwned-${randomUUID()}`);

  beforeAll(async () => {
    trapHits = [];
    trap = createServer((req, res) => {
      trapHits.push(`${req.method} ${req.url}`);
      res.end('{"keys":[]}');
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    const trapPort = (trap.address() as { port: number }).port;
    system = await startSystem();
    const tokens = await login(system.authUrl, 'alice');
    await system.keyRing.reload();
    const kid = String(parseToken(tokens.accessToken).header.kid);
    const signing = system.keyRing.signingKey();
    if (signing.kid !== kid) throw new Error('the key file and the auth service disagree on the signing key');
    // The ring's signer never hands out its private key: the attacker's stolen copy comes from the key file.
    const stored = (await createFileKeyStore({ path: join(system.keysDir, KEY_FILE) }).load())?.keys.find(
      (key) => key.kid === kid,
    );
    if (!stored) throw new Error('the signing key is not in the key file');
    const signingKey = createPrivateKey({ key: { ...stored }, format: 'jwk' });
    const jwks = (await (await fetch(`${system.authUrl}/.well-known/jwks.json`)).json()) as {
      keys: Array<Record<string, unknown>>;
    };
    const publicJwk = jwks.keys.find((key) => key.kid === kid);
    if (!publicJwk) throw new Error('the signing key is not published');
    catalogue = buildAttackCatalogue({
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      signingKey,
      publicJwk,
      audience: AUDIENCES.orders,
      clientId: String(parseToken(tokens.accessToken).payload.client_id),
      cookieName: ACCESS_COOKIE,
      trapUrl: `http://127.0.0.1:${trapPort}`,
      pwnedPath,
    });
    outcomes = await mapConcurrent(catalogue, 8, async (attack) => ({
      attack,
      response: await rawRequest(attack.target === 'auth' ? system.authUrl : system.ordersUrl, attack.request),
    }));
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await system?.removeKeys();
    await new Promise((resolve) => trap?.close(resolve));
  });

  it('covers every group of the catalogue with a few hundred crafted requests', () => {
    const groups = new Set(catalogue.map((attack) => attack.group));
    for (const group of [
      'alg none',
      'alg HMAC',
      'alg RSA variant',
      'alg foreign key',
      'key source',
      'kid injection',
      'crit/b64',
      'typ',
      'ill-typed claim',
      'missing claim',
      'time edge',
      'iss near miss',
      'aud near miss',
      'base64',
      'signature',
      'JWE',
      'size',
      'credentials',
      'confusion',
    ]) {
      expect(groups).toContain(group);
    }
    expect(catalogue.length).toBeGreaterThan(250);
    console.log(
      `attack catalogue: ${catalogue.length} cases in ${groups.size} groups, ${outcomes.filter((o) => o.response.status === 200).length} accepted (controls and legitimate variants)`,
    );
  });

  it('answers every case with its expected status and code', () => {
    const mismatches = outcomes
      .filter(
        ({ attack, response }) =>
          response.status !== attack.expected.status || codeOf(response) !== attack.expected.code,
      )
      .map(
        ({ attack, response }) =>
          `${attack.group} / ${attack.name}: expected ${attack.expected.status} ${attack.expected.code ?? '-'}, got ${response.status} ${codeOf(response) ?? '-'}`,
      );
    expect(mismatches).toEqual([]);
  });

  it('never answers 500, and every refusal carries the JSON error body and a challenge or Retry-After', () => {
    for (const { attack, response } of outcomes) {
      expect(response.status).toBeLessThan(500);
      if (response.status === 401 && attack.target === 'orders')
        expect(response.headers['www-authenticate']).toMatch(/^(Bearer|DPoP) realm="[^"]+"/);
      if (response.status >= 400 && response.status !== 431)
        expect(JSON.parse(response.body)).toMatchObject({ error: expect.any(String), code: expect.any(String) });
    }
  });

  it('never echoes any part of the input in the body or the headers', () => {
    const echoes = outcomes.flatMap(({ attack, response }) => {
      const answer = `${response.body}\n${Object.values(response.headers).join('\n')}`;
      return attack.mustNotEcho
        .filter((part) => answer.includes(part))
        .map((part) => `${attack.group} / ${attack.name}: echoes ${part.slice(0, 40)}`);
    });
    expect(echoes).toEqual([]);
  });

  it('fetches nothing a token points at (jku, x5u, URL kids) and runs nothing a kid says', () => {
    expect(trapHits).toEqual([]);
    expect(existsSync(pwnedPath)).toBe(false);
  });
});

function codeOf(response: RawResponse): string | undefined {
  if (response.status < 400) return undefined;
  try {
    const code = (JSON.parse(response.body) as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}
