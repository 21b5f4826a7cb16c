/** Which check refused a token (see {@link RefusalDetail}). */
export type RefusalCheck =
  | 'malformed'
  | 'alg'
  | 'typ'
  | 'header'
  | 'kid'
  | 'issuer'
  | 'key'
  | 'signature'
  | 'claims'
  | 'audience'
  | 'lifetime'
  | 'exp'
  | 'max_token_age'
  | 'not_yet_valid'
  | 'claims_depth'
  | 'revoked';

/** The fields of a {@link RefusalDetail}; which are present depends on `check`. */
export interface RefusalDetailFields {
  /** What the verifier accepts: the trusted issuers, audiences, algorithms, typ values, the key set's kids, a limit. */
  readonly expected?: unknown;
  /** What the token carried (strings from the token are cut to 256 characters). */
  readonly actual?: unknown;
  /** The token's `kid`, once the header was read. */
  readonly kid?: string;
  /** The token's `alg`, once the header was read. */
  readonly alg?: string;
  /** The token's `iss`, once it named a trusted issuer. */
  readonly iss?: string;
  /** The claim a `claims` refusal is about. */
  readonly claim?: string;
  /** `exp` / `max_token_age`: seconds past the end of validity (leeway included). */
  readonly expiredForSeconds?: number;
  /** `not_yet_valid`: seconds until the token becomes valid (leeway included). */
  readonly validInSeconds?: number;
}

const MAX_SHOWN = 256;

/**
 * What the operator needs to understand a refusal: the `cause` of a `VerifierError` and what the verifier logs.
 * Never rendered in a response (the body and headers keep their fixed texts). The message quotes token
 * values with JSON escaping, cut to 256 characters, so a hostile token cannot forge log lines.
 */
export class RefusalDetail extends Error {
  override readonly name = 'RefusalDetail';
  /** The check that refused. */
  readonly check: RefusalCheck;
  readonly expected: unknown;
  readonly actual: unknown;
  readonly kid: string | undefined;
  readonly alg: string | undefined;
  readonly iss: string | undefined;
  readonly claim: string | undefined;
  readonly expiredForSeconds: number | undefined;
  readonly validInSeconds: number | undefined;

  constructor(check: RefusalCheck, message: string, fields: RefusalDetailFields = {}) {
    super(message);
    this.check = check;
    this.expected = fields.expected;
    this.actual = fields.actual;
    this.kid = fields.kid;
    this.alg = fields.alg;
    this.iss = fields.iss;
    this.claim = fields.claim;
    this.expiredForSeconds = fields.expiredForSeconds;
    this.validInSeconds = fields.validInSeconds;
  }

  /** The fields as a plain object (what loggers print). */
  toJSON(): RefusalDetailFields & { check: RefusalCheck; message: string } {
    const { check, message, expected, actual, kid, alg, iss, claim, expiredForSeconds, validInSeconds } = this;
    return { check, message, expected, actual, kid, alg, iss, claim, expiredForSeconds, validInSeconds };
  }
}

/** A token value made safe to keep and print: strings cut to 256 characters, other values described by type. */
export function shownValue(value: unknown): unknown {
  if (typeof value === 'string') return value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.length > 16 ? `array(${value.length})` : value.map(shownValue);
  return typeof value;
}

/** JSON text of {@link shownValue} (quotes and escapes, so a log line stays one line). */
export function quoted(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(shownValue(value));
}
