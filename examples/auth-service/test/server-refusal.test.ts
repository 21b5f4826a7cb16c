import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '@jwks-kit/test-kit';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('auth-service process', () => {
  it('refuses to start with REDIS_URL but no KEYS_ENCRYPTION_KEY: exit 1 and one clear line', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      REDIS_URL: 'redis://127.0.0.1:1',
      AUTH_PORT: String(await freePort()),
    };
    delete env.KEYS_ENCRYPTION_KEY;
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/auth-service/src/server.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr.trim()).toMatch(
      /^auth-service: refusing to start: KEYS_ENCRYPTION_KEY is required when REDIS_URL or REDIS_SENTINELS is set: .*openssl rand -base64 32/,
    );
  }, 60_000);
});
