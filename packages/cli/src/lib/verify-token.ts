import { readFile } from 'node:fs/promises';
import { createAccessTokenVerifier, createLocalKeySet, isKeySetError, isVerifierError } from '@jwks-kit/verifier';
import type { AccessTokenVerifierOptions, JwkSet } from '@jwks-kit/verifier';
import { CliError } from './cli-error.js';
import { cliCodeOfJwksError } from './fetch-jwks.js';
import type { DecodedToken } from './decode-token.js';
import type { VerificationOutcome } from './format-inspect-report.js';

/** Options of {@link verifyToken}. */
export type VerifyTokenOptions = Readonly<{
  /** A JWKS URL (http(s)) or a JWK Set file. */
  jwks: string;
  /** Expected `iss`; the token's own when absent (then it is not checked). */
  issuer?: string;
  /** Expected `aud`; the token's own when absent (then it is not checked). */
  audience?: string;
  /** Time limit of a JWKS fetch. */
  timeoutMs: number;
  now: () => number;
}>;

async function keySource(
  jwks: string,
  timeoutMs: number,
): Promise<Pick<AccessTokenVerifierOptions, 'keySet' | 'jwksUri' | 'jwks'>> {
  if (/^https?:\/\//i.test(jwks)) return { jwksUri: jwks, jwks: { timeoutMs } };
  let body: unknown;
  try {
    body = JSON.parse(await readFile(jwks, 'utf8'));
  } catch (error) {
    throw new CliError('ERR_CLI_IO', `cannot read the JWK Set file ${jwks}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    return { keySet: createLocalKeySet(body as JwkSet) };
  } catch (error) {
    throw new CliError('ERR_CLI_BAD_JWKS', `${jwks} is not a usable JWK Set: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function firstAudience(aud: unknown): string | undefined {
  if (typeof aud === 'string') return aud;
  return Array.isArray(aud) && typeof aud[0] === 'string' ? aud[0] : undefined;
}

/**
 * Verifies a token with `@jwks-kit/verifier` (same checks and codes as a service: pinned RS256,
 * typ at+jwt, exact iss and aud, exp, nbf, iat, lifetime). Keys that cannot be fetched or read
 * are a {@link CliError} (exit 3); an invalid token is an outcome with the verifier's code.
 */
export async function verifyToken(
  token: string,
  decoded: DecodedToken,
  options: VerifyTokenOptions,
): Promise<VerificationOutcome & { checked: { issuer: boolean; audience: boolean } }> {
  const source = await keySource(options.jwks, options.timeoutMs);
  const issuer = options.issuer ?? (typeof decoded.claims.iss === 'string' ? decoded.claims.iss : '(none)');
  const audience = options.audience ?? firstAudience(decoded.claims.aud) ?? '(none)';
  const checked = { issuer: options.issuer !== undefined, audience: options.audience !== undefined };
  const verifier = createAccessTokenVerifier({
    issuer,
    audience,
    ...source,
    verifiedTokenCacheSize: 0,
    now: options.now,
  });
  try {
    await verifier.ready();
  } catch (error) {
    await verifier.close();
    const code = isKeySetError(error) ? error.code : 'ERR_JWKS_NETWORK';
    throw new CliError(
      cliCodeOfJwksError(code),
      `cannot get keys from ${options.jwks}: ${(error as Error).message} [${code}]`,
      {
        cause: error,
      },
    );
  }
  try {
    await verifier.verify(token);
    return { valid: true, jwks: options.jwks, checked };
  } catch (error) {
    if (!isVerifierError(error)) throw error;
    if (error.code === 'keys_unavailable') {
      throw new CliError(
        'ERR_CLI_UNREACHABLE',
        `cannot get keys from ${options.jwks}: ${(error.cause as Error | undefined)?.message ?? error.message}`,
        { cause: error },
      );
    }
    const detail = (error.cause as Error | undefined)?.message;
    return {
      valid: false,
      jwks: options.jwks,
      code: error.code,
      message: detail ? `${error.message} (${detail})` : error.message,
      checked,
    };
  } finally {
    await verifier.close();
  }
}
