/** Claims of a benchmark access token: everything every middleware under test checks or requires. */
export function claimsFor(
  ctx: { readonly issuer: string; readonly audience: string },
  index: number,
  nowSeconds: number,
): Record<string, unknown> {
  return {
    iss: ctx.issuer,
    sub: `user-${index % 1000}`,
    aud: ctx.audience,
    exp: nowSeconds + 4 * 3600,
    iat: nowSeconds - 5,
    jti: `bench-${index}-${nowSeconds}`,
    client_id: 'bench-client',
    scope: 'orders:read profile:read',
  };
}
