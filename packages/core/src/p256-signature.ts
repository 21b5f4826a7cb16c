/** Order n of the P-256 group (FIPS 186-4 D.1.2.3), big-endian. */
const P256_ORDER = Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', 'hex');
const ZERO = Buffer.alloc(32);

/**
 * True when `signature` is a JWS ES256 signature as RFC 7518 §3.4 defines it: exactly 64 bytes, the
 * raw big-endian `r ‖ s`, each in [1, n − 1]. Checked before any crypto, so that a DER signature, a
 * wrong length, or r or s of zero or ≥ n (the "psychic signature" class, CVE-2022-21449) never
 * reaches a verifier that might accept it.
 */
export function isP256SignatureInRange(signature: Buffer): boolean {
  if (signature.length !== 64) return false;
  const r = signature.subarray(0, 32);
  const s = signature.subarray(32, 64);
  return inRange(r) && inRange(s);
}

function inRange(scalar: Buffer): boolean {
  return !scalar.equals(ZERO) && Buffer.compare(scalar, P256_ORDER) < 0;
}
