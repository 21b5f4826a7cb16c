import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { importPrivateKey, type SigningAlgorithm } from '@jwks-kit/issuer';

/** The signing service's key, read from `keyFile`, with the algorithm it signs with. */
export type OpenedPrivateKey = Readonly<{ privateKey: KeyObject; alg: SigningAlgorithm; generated: boolean }>;

/**
 * Reads the private key file, or generates a key of `alg` into it on first start (PKCS#8 PEM, file 0600,
 * directory 0700). Refuses a file that group or others can read. The key is checked by
 * `importPrivateKey` (type, curve, RSA ≥ 2048 bits); an existing file's key type decides its algorithm.
 */
export async function openPrivateKey(keyFile: string, alg: SigningAlgorithm): Promise<OpenedPrivateKey> {
  let pem: string;
  let generated = false;
  try {
    const mode = (await stat(keyFile)).mode;
    if ((mode & 0o077) !== 0) throw new Error(`${keyFile} must not be readable by group or others (chmod 600)`);
    pem = await readFile(keyFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(dirname(keyFile), { recursive: true, mode: 0o700 });
    const { privateKey } = generate(alg);
    pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    await writeFile(keyFile, pem, { mode: 0o600, flag: 'wx' });
    await chmod(keyFile, 0o600);
    generated = true;
  }
  const jwk = await importPrivateKey(pem, alg === 'PS256' ? { alg } : {});
  return { privateKey: createPrivateKey({ key: { ...jwk }, format: 'jwk' }), alg: jwk.alg, generated };
}

function generate(alg: SigningAlgorithm) {
  if (alg === 'ES256') return generateKeyPairSync('ec', { namedCurve: 'P-256' });
  if (alg === 'EdDSA') return generateKeyPairSync('ed25519');
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}
