import { createClock, createTestKeyPair, type TestKeyPair } from '@jwks-kit/test-kit';
import { createAccessTokenVerifier, createRemoteKeySet, RefusalDetail, type Logger } from '../src/index.js';
import { accessToken, AUDIENCE, ISSUER } from './lib/craft-token.js';
import { startJwksServer, type JwksServer } from './remote-key-set-server.js';

type Line = { level: keyof Logger; fields: Record<string, unknown>; message: string };

/** A real logger of the pino shape that keeps its lines. */
function memoryLogger(): Logger & { lines: Line[] } {
  const lines: Line[] = [];
  const at =
    (level: keyof Logger) =>
    (fields: object, message: string): void =>
      void lines.push({ level, fields: fields as Record<string, unknown>, message });
  return { lines, error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

let pair: TestKeyPair;
let server: JwksServer;

beforeAll(async () => {
  pair = await createTestKeyPair();
  server = await startJwksServer([pair.publicJwk]);
});
afterAll(() => server.close());

it('a key set logs a failing issuer once, its recovery once, and key changes', async () => {
  const logger = memoryLogger();
  const keySet = createRemoteKeySet({ jwksUri: server.url, logger, backoffInitialMs: 1, backoffMaxMs: 1 });
  await keySet.ready();
  expect(logger.lines).toEqual([
    expect.objectContaining({
      level: 'info',
      message: 'JWKS keys changed',
      fields: expect.objectContaining({ added: [pair.kid] }),
    }),
  ]);
  server.handle((_req, res) => {
    res.statusCode = 500;
    res.end();
  });
  for (let i = 0; i < 3; i++) await keySet.refresh().catch(() => undefined);
  server.handle(undefined);
  await keySet.refresh();
  await keySet.refresh();
  keySet.close();
  expect(logger.lines.slice(1).map((line) => `${line.level} ${line.message}`)).toEqual([
    'warn JWKS fetch failed; serving the last good keys',
    'info JWKS fetch recovered',
  ]);
  expect(logger.lines[1]?.fields).toMatchObject({ code: 'ERR_JWKS_HTTP_STATUS', jwksUri: server.url });
});

it('the verifier logs each refusal at debug with its detail, and is silent without a logger', async () => {
  const clock = createClock();
  const logger = memoryLogger();
  const keySet = createRemoteKeySet({ jwksUri: server.url });
  await keySet.ready();
  const verifier = createAccessTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, keySet, now: clock.now, logger });
  await verifier.verify(accessToken(pair, clock, { claims: { aud: 'elsewhere' } })).catch(() => undefined);
  await verifier.verify(accessToken(pair, clock));
  keySet.close();
  expect(logger.lines).toHaveLength(1);
  expect(logger.lines[0]).toMatchObject({
    level: 'debug',
    message: 'access token refused',
    fields: { code: 'invalid_token' },
  });
  expect(logger.lines[0]?.fields.detail).toBeInstanceOf(RefusalDetail);
  expect(logger.lines[0]?.fields.detail).toMatchObject({ check: 'audience', actual: 'elsewhere' });
  expect(() => createAccessTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, keySet, logger: {} as Logger })).toThrow(
    /option `logger` must be a logger/,
  );
});
