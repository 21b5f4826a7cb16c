import type { AccessTokenClaims } from './access-token-verifier-options.js';
import type { TokenScheme, TokenSource } from './get-token.js';

/** What `requireAuth()` puts on `req.auth` for a verified request. */
export interface RequestAuth {
  /** The verified claims (deeply frozen). */
  readonly claims: AccessTokenClaims;
  /** The raw access token, e.g. to call another service on the user's behalf. */
  readonly token: string;
  /** Where the token came from. */
  readonly source: TokenSource;
  /** How it was presented: `Bearer` (header or cookie) or `DPoP` (with a verified proof). */
  readonly scheme: TokenScheme;
  /** The proof key's RFC 7638 thumbprint (= the token's `cnf.jkt`) for a DPoP request; `undefined` for Bearer. */
  readonly jkt: string | undefined;
  /** The `kid` of the key that verified the signature. */
  readonly kid: string;
  /** The trusted issuer that matched `iss`. */
  readonly issuer: string;
  /** The `scope` claim split on spaces. */
  readonly scopes: ReadonlySet<string>;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by `requireAuth()` once the access token is verified (absent on optional-auth requests without a token). */
      auth?: RequestAuth;
    }
  }
}
