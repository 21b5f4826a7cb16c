import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAuthConfig } from '../src/config.js';
import { openKeyRing } from '../src/open-key-ring.js';

describe('auth service SIGNING_ALG', () => {
  let keysDir: string;
  beforeEach(async () => {
    keysDir = join(await mkdtemp(join(tmpdir(), 'jwks-kit-auth-alg-')), 'keys');
  });
  afterEach(() => rm(join(keysDir, '..'), { recursive: true, force: true }));

  it('reads RS256 by default, PS256, ES256 or EdDSA, and refuses anything else naming the variable', () => {
    expect(readAuthConfig({}).signingAlg).toBe('RS256');
    for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA'])
      expect(readAuthConfig({ SIGNING_ALG: alg }).signingAlg).toBe(alg);
    for (const alg of ['HS256', 'none', 'es256', 'RS384'])
      expect(() => readAuthConfig({ SIGNING_ALG: alg })).toThrow(
        /SIGNING_ALG must be one of RS256, PS256, ES256, EdDSA/,
      );
  });

  it('a new key file gets keys of SIGNING_ALG; changing it publishes a next key of the new algorithm, the active key signs on', async () => {
    const config = (env: Record<string, string>) => ({ ...readAuthConfig({ KEYS_DIR: keysDir, ...env }) });
    const { keyRing: first } = await openKeyRing(config({ SIGNING_ALG: 'EdDSA' }));
    expect(first.keys().map((key) => key.alg)).toEqual(['EdDSA', 'EdDSA']);
    const activeKid = first.signingKey().kid;
    const { keyRing: second } = await openKeyRing(config({ SIGNING_ALG: 'ES256' }));
    expect(second.signingKey()).toMatchObject({ kid: activeKid, alg: 'EdDSA' });
    expect(second.keys().find((key) => key.state === 'next')?.alg).toBe('ES256');
    const { keyRing: third } = await openKeyRing(config({ SIGNING_ALG: 'ES256' }));
    expect(third.publicJwks()).toEqual(second.publicJwks());
  });
});
