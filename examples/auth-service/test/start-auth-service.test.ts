import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { freePort } from '@jwks-kit/test-kit';
import { readAuthConfig } from '../src/config.js';
import { startAuthService, type StartedAuthService } from '../src/start-auth-service.js';

/** A real pino logger whose JSON lines are kept in memory. */
function capturedPino() {
  const records: Array<{ level: number; msg: string; [field: string]: unknown }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') records.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), records };
}

let dir: string;
let service: StartedAuthService | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jwks-kit-auth-log-'));
});
afterEach(async () => {
  await service?.close();
  service = undefined;
  await rm(dir, { recursive: true, force: true });
});

it('the running auth service logs key-ring transitions and a refresh reuse through its pino logger', async () => {
  const { logger, records } = capturedPino();
  // a grace window of 1 ms: the second presentation below is a reuse, not a concurrent refresh
  const config = readAuthConfig({
    AUTH_PORT: String(await freePort()),
    KEYS_DIR: join(dir, 'keys'),
    REFRESH_GRACE_MS: '1',
  });
  service = await startAuthService(config, { logger });
  const kid = service.keyRing.signingKey().kid;
  // a fresh key file: the first key becomes active (info, with its kid and states; nothing secret)
  expect(records).toContainEqual(expect.objectContaining({ level: 30, kid, to: 'active' }));

  const token = (body: Record<string, string>) =>
    fetch(`${service!.url}/token`, { method: 'POST', body: new URLSearchParams(body) });
  const login = await token({ grant_type: 'password', username: 'alice', password: 'alice-pass' });
  expect(login.status).toBe(200);
  const { refresh_token: first } = (await login.json()) as { refresh_token: string };
  expect((await token({ grant_type: 'refresh_token', refresh_token: first })).status).toBe(200);
  expect(records.filter((r) => r.level === 40)).toEqual([]);
  await new Promise((resolve) => setTimeout(resolve, 20));
  // the rotated token presented again: theft alarm, logged once at warn with the family id only
  expect((await token({ grant_type: 'refresh_token', refresh_token: first })).status).toBe(401);
  const warnings = records.filter((r) => r.level === 40);
  expect(warnings).toEqual([
    expect.objectContaining({ msg: 'refresh token reuse detected: every session of the user ended' }),
  ]);
  expect(JSON.stringify(records)).not.toContain(first);
});
