import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { readIssuer01Record } from '@jwks-kit/test-kit';
import { runCli } from './support/run-cli.js';
import { createTempDir } from './support/temp-dir.js';

interface ListedKey {
  kid: string;
  state: string;
  bits: number;
  activatesAtMs: number;
  removeAtMs?: number;
}

const privateMembers = ['"d"', '"p"', '"q"', '"dp"', '"dq"', '"qi"'];

describe('jwks-kit keys', () => {
  let tmp: Awaited<ReturnType<typeof createTempDir>>;
  let dir: string;

  beforeEach(async () => {
    tmp = await createTempDir();
    dir = join(tmp.path, 'keys');
  });
  afterEach(() => tmp.cleanup());

  async function listKeys(): Promise<ListedKey[]> {
    const result = await runCli(['keys', 'list', '--dir', dir, '--json']);
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout).keys;
  }

  it('init creates a 0700 directory and a 0600 key file with an active and a next key, and refuses to overwrite it', async () => {
    const result = await runCli(['keys', 'init', '--dir', dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Created ${join(dir, 'keys.json')}`);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'keys.json'))).mode & 0o777).toBe(0o600);
    const keys = await listKeys();
    expect(keys.map((key) => key.state).sort()).toEqual(['active', 'next']);
    expect(keys.every((key) => key.bits === 2048)).toBe(true);

    const before = await readFile(join(dir, 'keys.json'), 'utf8');
    const again = await runCli(['keys', 'init', '--dir', dir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('refusing to overwrite');
    expect(await readFile(join(dir, 'keys.json'), 'utf8')).toBe(before);
  });

  it('init --bits 3072 makes 3072-bit keys and refuses other sizes with exit 2', async () => {
    expect((await runCli(['keys', 'init', '--dir', dir, '--bits', '1024'])).code).toBe(2);
    const result = await runCli(['keys', 'init', '--dir', dir, '--bits', '3072', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).keys.map((key: ListedKey) => key.bits)).toEqual([3072, 3072]);
  });

  it('list prints a table of kid, state and times, and never private material', async () => {
    await runCli(['keys', 'init', '--dir', dir]);
    const keys = await listKeys();
    const table = await runCli(['keys', 'list', '--dir', dir]);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(
      /^KID\s+STATE\s+ALG\s+BITS\s+CREATED\s+ACTIVATES\s+RETIRES\s+LEAVES JWKS$/,
    );
    for (const key of keys) expect(table.stdout).toMatch(new RegExp(`${key.kid}\\s+${key.state}\\s+RS256\\s+2048`));
    expect(table.stdout).toMatch(/\(in 1h 5m\)|\(in 1h 4m\)/);
    const json = await runCli(['keys', 'list', '--dir', dir, '--json']);
    for (const member of privateMembers) {
      expect(table.stdout).not.toContain(member);
      expect(json.stdout).not.toContain(member);
    }
  });

  it('list reads a key file written by 0.1 (createdAt, …): --json answers the …AtMs names in ms, the table is unchanged, the file untouched', async () => {
    await mkdir(dir, { mode: 0o700 });
    const file = join(dir, 'keys.json');
    const text = await readIssuer01Record('key-file');
    await writeFile(file, text, { mode: 0o600 });
    const old = JSON.parse(text) as { keys: Record<string, unknown>[] };
    const listed = (await listKeys()) as unknown as Record<string, unknown>[];
    expect(listed.map((key) => key.kid).sort()).toEqual(old.keys.map((key) => key.kid).sort());
    for (const key of old.keys) {
      const entry = listed.find((candidate) => candidate.kid === key.kid)!;
      expect(entry).toEqual({
        kid: key.kid,
        state: key.state,
        alg: 'RS256',
        bits: 2048,
        createdAtMs: key.createdAt,
        activatesAtMs: key.activatesAt,
        ...(key.activatedAt === undefined ? {} : { activatedAtMs: key.activatedAt }),
        ...(key.retiredAt === undefined ? {} : { retiredAtMs: key.retiredAt }),
        ...(key.removeAt === undefined ? {} : { removeAtMs: key.removeAt }),
      });
    }
    const table = await runCli(['keys', 'list', '--dir', dir]);
    expect(table.code).toBe(0);
    const retired = old.keys.find((key) => key.state === 'retired')!;
    expect(table.stdout).toMatch(
      new RegExp(
        `${retired.kid}\\s+retired\\s+RS256\\s+2048\\s+2026-05-28T20:26:40Z \\(.+ ago\\)\\s+2026-05-28T20:26:40Z`,
      ),
    );
    expect(await readFile(file, 'utf8')).toBe(text);
  });

  it('rotate refuses before the next key was published long enough (exit 1), and --now rotates at once', async () => {
    await runCli(['keys', 'init', '--dir', dir]);
    const [next] = (await listKeys()).filter((key) => key.state === 'next');
    const [active] = (await listKeys()).filter((key) => key.state === 'active');

    const refused = await runCli(['keys', 'rotate', '--dir', dir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`next key ${next?.kid}`);
    expect(refused.stderr).toContain('--now');

    const rotated = await runCli(['keys', 'rotate', '--dir', dir, '--now']);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain(`Rotated: ${next?.kid} signs now.`);
    expect(rotated.stdout).toContain('keyRing.reload()');
    const after = await listKeys();
    expect(after.find((key) => key.kid === next?.kid)?.state).toBe('active');
    const retired = after.find((key) => key.kid === active?.kid);
    expect(retired?.state).toBe('retired');
    expect(retired?.removeAtMs).toBeDefined();
    expect(after.filter((key) => key.state === 'next')).toHaveLength(1);
    expect((await stat(join(dir, 'keys.json'))).mode & 0o777).toBe(0o600);
  });

  it("rotate without --now proceeds once the next key is older than the verifiers' cache age", async () => {
    await runCli(['keys', 'init', '--dir', dir, '--max-jwks-cache-age', '1s']);
    const file = join(dir, 'keys.json');
    const set = JSON.parse(await readFile(file, 'utf8'));
    for (const key of set.keys) key.activatesAtMs = Math.min(key.activatesAtMs, Date.now() - 1000);
    await writeFile(file, JSON.stringify(set), { mode: 0o600 });
    const result = await runCli(['keys', 'rotate', '--dir', dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Rotated:');
  });

  it('import --pem publishes an existing RSA key as the next key, or as the active key of a new store', async () => {
    const pem = join(tmp.path, 'key.pem');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await writeFile(pem, privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });

    const created = await runCli(['keys', 'import', '--dir', dir, '--pem', pem, '--json']);
    expect(created.code).toBe(0);
    const report = JSON.parse(created.stdout);
    expect(report.state).toBe('active');
    expect((await stat(join(dir, 'keys.json'))).mode & 0o777).toBe(0o600);

    const other = join(tmp.path, 'other');
    await runCli(['keys', 'init', '--dir', other]);
    const added = await runCli(['keys', 'import', '--dir', other, '--pem', pem]);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain(`Imported ${report.imported} as the next key.`);
  });

  it('import refuses a small key and a file that is not a private key (exit 1), and a missing file (exit 3)', async () => {
    const small = join(tmp.path, 'small.pem');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    await writeFile(small, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const tooSmall = await runCli(['keys', 'import', '--dir', dir, '--pem', small]);
    expect(tooSmall.code).toBe(1);
    expect(tooSmall.stderr).toContain('ERR_KEY_TOO_SMALL');

    const garbage = join(tmp.path, 'garbage.pem');
    await writeFile(garbage, 'hello');
    const notAKey = await runCli(['keys', 'import', '--dir', dir, '--pem', garbage]);
    expect(notAKey.code).toBe(1);
    expect(notAKey.stderr).toContain('ERR_INVALID_KEY');

    const missing = await runCli(['keys', 'import', '--dir', dir, '--pem', join(tmp.path, 'nope.pem')]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('cannot read');
    expect((await runCli(['keys', 'import', '--dir', dir])).code).toBe(2);
  });

  describe('bad key stores', () => {
    it('reports a missing key file with exit 3 and the init command', async () => {
      const result = await runCli(['keys', 'list', '--dir', dir]);
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(`no key file at ${join(dir, 'keys.json')}`);
      expect(result.stderr).toContain('keys init');
      expect((await runCli(['keys', 'rotate', '--dir', dir, '--now'])).code).toBe(3);
    });

    it('refuses a corrupt key file with exit 3 and leaves it untouched', async () => {
      await mkdir(dir, { mode: 0o700 });
      await writeFile(join(dir, 'keys.json'), '{"keys": [', { mode: 0o600 });
      for (const command of [
        ['keys', 'list'],
        ['keys', 'rotate', '--now'],
      ]) {
        const result = await runCli([...command, '--dir', dir]);
        expect(result.code).toBe(3);
        expect(result.stderr).toContain('corrupt');
        expect(result.stderr).toContain('ERR_KEY_FILE_CORRUPT');
      }
      expect(await readFile(join(dir, 'keys.json'), 'utf8')).toBe('{"keys": [');
    });

    it('refuses a group-readable key file with exit 3 and says how to fix it', async () => {
      await runCli(['keys', 'init', '--dir', dir]);
      await chmod(join(dir, 'keys.json'), 0o640);
      const result = await runCli(['keys', 'list', '--dir', dir]);
      expect(result.code).toBe(3);
      expect(result.stderr).toContain('ERR_KEY_FILE_PERMISSIONS');
      expect(result.stderr).toContain('chmod 600');
    });

    it('reports an unreadable directory with exit 3', async () => {
      await runCli(['keys', 'init', '--dir', dir]);
      await chmod(dir, 0o000);
      const asOther = process.getuid?.() === 0 ? { uid: 65534 } : {};
      try {
        const result = await runCli(['keys', 'list', '--dir', dir], '', asOther);
        expect(result.code).toBe(3);
        expect(result.stderr).toMatch(/cannot read key file .*EACCES/);
      } finally {
        await chmod(dir, 0o700);
      }
    });

    it('init ends at once with exit 3 and one line for a directory that cannot be created (/proc/x, not a spin)', async () => {
      const result = await runCli(['keys', 'init', '--dir', '/proc/jwks-kit-test/keys']);
      expect(result.code).toBe(3);
      expect(result.stderr).toBe(
        "jwks-kit keys init: cannot create the keys directory /proc/jwks-kit-test/keys: ENOENT: no such file or directory, mkdir '/proc/jwks-kit-test'\n",
      );
    });

    it('init ends with exit 3 and one line for an unwritable parent and for a path under a regular file', async () => {
      const file = join(tmp.path, 'plain-file');
      await writeFile(file, 'x');
      const underFile = await runCli(['keys', 'init', '--dir', join(file, 'a', 'b')]);
      expect(underFile.code).toBe(3);
      expect(underFile.stderr.trimEnd().split('\n')).toEqual([
        expect.stringMatching(/^jwks-kit keys init: cannot create the keys directory .*: ENOTDIR/),
      ]);
      const readOnly = join(tmp.path, 'read-only');
      await mkdir(readOnly, { mode: 0o500 });
      const asOther = process.getuid?.() === 0 ? { uid: 65534 } : {};
      await chmod(tmp.path, 0o755);
      const denied = await runCli(['keys', 'init', '--dir', join(readOnly, 'keys')], '', asOther);
      expect(denied.code).toBe(3);
      expect(denied.stderr.trimEnd().split('\n')).toEqual([
        expect.stringMatching(/^jwks-kit keys init: cannot create the keys directory .*: EACCES/),
      ]);
    });

    it('reports a --dir that is a file with exit 3', async () => {
      const file = join(tmp.path, 'plain-file');
      await writeFile(file, 'x');
      const init = await runCli(['keys', 'init', '--dir', file]);
      expect(init.code).toBe(3);
      expect(init.stderr).toContain('cannot create the keys directory');
      const list = await runCli(['keys', 'list', '--dir', file]);
      expect(list.code).toBe(3);
      expect(list.stderr).toContain('ENOTDIR');
    });
  });
});
