import { readKey32, readPort, readSigningAlg, type Env } from '../../shared/src/env.js';
import type { SigningAlgorithm } from '@jwks-kit/issuer';

/** Everything the signing service reads from its environment. */
export type SigningServiceConfig = Readonly<{
  /** `SIGNER_PORT`, default 4010 (loopback only). */
  port: number;
  /**
   * `SIGNER_KEY_FILE`, default `.data/signer/private-key.pem`: the private key (PKCS#8 PEM, file 0600 in a
   * 0700 directory), generated with `SIGNING_ALG` on first start. Only this process reads it.
   */
  keyFile: string;
  /** `SIGNING_ALG`, default RS256: the algorithm of a generated key (a key file's own type decides otherwise). */
  signingAlg: SigningAlgorithm;
  /** `SIGNER_CLIENT_SECRET` (required): 32 bytes in base64, shared with the auth service's `REMOTE_SIGNER_SECRET`. */
  clientSecret: Buffer;
}>;

/** Reads the signing service's configuration; throws an Error naming the bad variable. */
export function readSigningServiceConfig(env: Env = process.env): SigningServiceConfig {
  const clientSecret = readKey32(env, 'SIGNER_CLIENT_SECRET');
  if (!clientSecret)
    throw new Error(
      'SIGNER_CLIENT_SECRET is required: 32 random bytes in base64 (openssl rand -base64 32), the same value as the ' +
        "auth service's REMOTE_SIGNER_SECRET",
    );
  return {
    port: readPort(env, 'SIGNER_PORT', 4010),
    keyFile: env.SIGNER_KEY_FILE || '.data/signer/private-key.pem',
    signingAlg: readSigningAlg(env),
    clientSecret,
  };
}
