import { setTimeout as sleep } from 'node:timers/promises';
import { createTestKeyPair } from '@jwks-kit/test-kit';
import { createAccessTokenVerifier, requireAuth, type AccessTokenVerifierOptions } from '../src/index.js';
import { AUDIENCE, ISSUER } from './lib/craft-token.js';
import { startJwksServer, type JwksServer } from './remote-key-set-server.js';

let server: JwksServer;

beforeAll(async () => {
  server = await startJwksServer([(await createTestKeyPair()).publicJwk]);
});
afterAll(() => server.close());

const base = () => ({ issuer: ISSUER, audience: AUDIENCE, jwksUri: server.url });

describe('creation order: every option is checked before a key cache exists', () => {
  it.each<[string, Partial<AccessTokenVerifierOptions>]>([
    ['leewaySeconds: -1', { leewaySeconds: -1 }],
    ['maxTokenLifetimeSeconds: 0', { maxTokenLifetimeSeconds: 0 }],
    ['maxTokenBytes: 1', { maxTokenBytes: 1 }],
    ['typ: []', { typ: [] as unknown as string[] }],
    ['verifiedTokenCacheSize: -1', { verifiedTokenCacheSize: -1 }],
    ['jwks.timeoutMs: 0', { jwks: { timeoutMs: 0 } }],
  ])('throws on %s without fetching the JWKS (real server, requests counted)', async (name, bad) => {
    const before = server.requests.length;
    const option = name.split(':')[0]!.split('.').pop()!;
    expect(() => createAccessTokenVerifier({ ...base(), ...bad } as AccessTokenVerifierOptions)).toThrow(
      new RegExp(`option \`[^\`]*${option}\``),
    );
    expect(() => requireAuth({ ...base(), ...bad } as AccessTokenVerifierOptions)).toThrow(TypeError);
    await sleep(200);
    expect(server.requests.length).toBe(before);
  });

  it('throws on a bad second issuer without fetching the first issuer JWKS', async () => {
    const before = server.requests.length;
    expect(() =>
      createAccessTokenVerifier({
        issuers: [
          { ...base(), issuer: 'https://a.example' },
          { ...base(), issuer: 'https://b.example', jwks: { maxKeys: 0 } },
        ],
      }),
    ).toThrow(/option `maxKeys`/);
    await sleep(200);
    expect(server.requests.length).toBe(before);
  });

  it('fetches once valid options are given (the counter counts)', async () => {
    const before = server.requests.length;
    const verifier = createAccessTokenVerifier(base());
    await verifier.ready();
    expect(server.requests.length).toBe(before + 1);
    await verifier.close();
  });
});
