import { calculateJwkThumbprint } from 'jose';

/** One finding about a JWK Set: `error`s fail the health check, `warning`s are reported only. */
export interface JwksProblem {
  readonly severity: 'error' | 'warning';
  /** Index of the key in `keys`, absent for set-wide problems. */
  readonly index?: number;
  readonly kid?: string;
  readonly message: string;
}

/** What `jwks --url` shows about each key: public facts only. */
export interface JwksKeySummary {
  readonly index: number;
  readonly kid?: string;
  readonly kty?: string;
  readonly alg?: string;
  readonly use?: string;
  /** RSA modulus length, when the key has a readable `n`. */
  readonly bits?: number;
}

/** Result of {@link validateJwks}. */
export interface JwksValidation {
  readonly keys: readonly JwksKeySummary[];
  readonly problems: readonly JwksProblem[];
  /** No `error` problem. */
  readonly ok: boolean;
}

const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'];
const base64url = /^[A-Za-z0-9_-]+$/;
/** Smallest RSA modulus a verifier should accept. */
const minRsaBits = 2048;

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * Checks a JWK Set as a verifier of RS256 tokens needs it: public keys only, unique kids, RSA
 * keys of at least 2048 bits, signing use, RS256; kids that are not the RFC 7638 thumbprint are
 * reported as warnings. Every problem is reported, not only the first.
 */
export async function validateJwks(body: unknown, algorithm = 'RS256'): Promise<JwksValidation> {
  const problems: JwksProblem[] = [];
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { keys?: unknown }).keys)) {
    return {
      keys: [],
      problems: [{ severity: 'error', message: 'not a JWK Set: expected a JSON object with a "keys" array' }],
      ok: false,
    };
  }
  const entries = (body as { keys: unknown[] }).keys;
  if (entries.length === 0) problems.push({ severity: 'error', message: 'the set holds no keys' });
  const seen = new Map<string, number>();
  const summaries: JwksKeySummary[] = [];
  let usable = 0;
  for (const [index, entry] of entries.entries()) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push({ severity: 'error', index, message: `key #${index} is not a JSON object` });
      summaries.push({ index });
      continue;
    }
    const key = entry as Record<string, unknown>;
    const kid = text(key.kid);
    const where = kid === undefined ? { index } : { index, kid };
    const error = (message: string) => problems.push({ severity: 'error', ...where, message });
    const warning = (message: string) => problems.push({ severity: 'warning', ...where, message });
    const n = text(key.n);
    const bits = n !== undefined && base64url.test(n) ? Buffer.from(n, 'base64url').length * 8 : undefined;
    summaries.push({
      ...where,
      kty: text(key.kty),
      alg: text(key.alg),
      use: text(key.use),
      ...(bits === undefined ? {} : { bits }),
    });
    let fine = true;
    const leaked = privateMembers.filter((member) => key[member] !== undefined);
    if (leaked.length > 0) {
      error(`carries private members (${leaked.join(', ')}): the private key is published, rotate it now`);
      fine = false;
    }
    if (kid === undefined || kid === '') {
      error('has no kid: verifiers cannot select it');
      fine = false;
    } else if (seen.has(kid)) {
      error(`duplicate kid (also key #${seen.get(kid)}): verifiers cannot tell the keys apart`);
      fine = false;
    } else seen.set(kid, index);
    if (key.kty !== 'RSA') {
      warning(`kty is ${JSON.stringify(key.kty ?? null)}: ignored by verifiers of ${algorithm}`);
      fine = false;
    } else if (bits === undefined || text(key.e) === undefined || !base64url.test(text(key.e) ?? '')) {
      error('RSA key without a valid n and e');
      fine = false;
    } else if (bits < minRsaBits) {
      error(`RSA key of ${bits} bits: at least ${minRsaBits} are required`);
      fine = false;
    } else if (kid !== undefined && leaked.length === 0) {
      const thumbprint = await calculateJwkThumbprint({ kty: 'RSA', n: n as string, e: key.e as string }, 'sha256');
      if (thumbprint !== kid)
        warning('kid is not the RFC 7638 thumbprint of the key (jwks-kit issuers use the thumbprint)');
    }
    if (key.use !== undefined && key.use !== 'sig') {
      warning(`use is ${JSON.stringify(key.use)}, not "sig": not a signing key`);
      fine = false;
    }
    if (key.alg !== undefined && key.alg !== algorithm) {
      warning(`alg is ${JSON.stringify(key.alg)}: verifiers pinned to ${algorithm} ignore it`);
      fine = false;
    }
    if (fine) usable += 1;
  }
  if (entries.length > 0 && usable === 0)
    problems.push({ severity: 'error', message: `no usable ${algorithm} signing key in the set` });
  return { keys: summaries, problems, ok: !problems.some((problem) => problem.severity === 'error') };
}
