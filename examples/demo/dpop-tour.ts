import { createDpopClient, type DpopClient } from './dpop-client.js';
import { claimsOf, send } from './http-client.js';
import { describeReply, expectReply, StepFailed, type Step } from './tour-step.js';

/** Where the DPoP steps send requests, and the URLs their proofs name (`htu`). */
export type DpopTourOptions = Readonly<{
  /** Where the auth service, orders, the second orders replica and profile listen. */
  authUrl: string;
  ordersUrl: string;
  ordersReplicaUrl: string;
  profileUrl: string;
  /** The token endpoint as clients name it (`ISSUER_URL` + `/token`): the `htu` of token-request proofs. */
  tokenEndpoint: string;
  /** `ORDERS_PUBLIC_URL` (both orders replicas) and `PROFILE_PUBLIC_URL`: the origins resource proofs name. */
  ordersPublicUrl: string;
  profilePublicUrl: string;
  /** How the two orders replicas share the replay store, for the step title (`another process, same Redis`). */
  replicaSharing: string;
}>;

type BoundTokens = { access_token: string; refresh_token: string };

/**
 * The DPoP steps (RFC 9449): a client holding an ES256 key gets a token bound to it and calls orders and
 * profile with a fresh proof per request, and refreshes with a proof of that key; a thief with the token but
 * not the key (as Bearer, or refreshing with a key of its own), a replayed proof, a proof for another URL and
 * a proof replayed on the other orders replica are refused.
 */
export async function runDpopTour(step: Step, options: DpopTourOptions, log: (line: string) => void): Promise<void> {
  const { ordersUrl, ordersReplicaUrl, profileUrl } = options;
  const orders = `${options.ordersPublicUrl}/orders`;
  const me = `${options.profilePublicUrl}/me`;
  const client: DpopClient = createDpopClient({ alg: 'ES256' });
  /** What a token's `cnf.jkt` says (display only): `cnf.jkt = key` when it names the client's key. */
  const boundTo = (token: string) => {
    const jkt = (claimsOf(token)?.cnf as { jkt?: unknown } | undefined)?.jkt;
    return jkt === client.jkt ? 'cnf.jkt = key' : `cnf.jkt ${JSON.stringify(jkt)}`;
  };
  log(`     DPoP: a client holding an ES256 key (thumbprint ${client.jkt}) signs a proof for every request`);

  const bound = await step(
    'the DPoP client logs in with a proof (password grant)',
    'token_type DPoP, cnf.jkt = key',
    async () => {
      const reply = await client.send('POST', options.tokenEndpoint, {
        viaOrigin: options.authUrl,
        form: { grant_type: 'password', username: 'alice', password: 'alice-pass' },
      });
      const body = reply.body as Partial<BoundTokens & { token_type: string }> | undefined;
      if (reply.status !== 200 || typeof body?.access_token !== 'string' || typeof body.refresh_token !== 'string')
        throw new StepFailed(`expected 200 with tokens, got ${describeReply(reply)}`);
      return {
        got: `token_type ${body.token_type}, ${boundTo(body.access_token)}`,
        value: { access_token: body.access_token, refresh_token: body.refresh_token },
      };
    },
  );
  if (!bound) return;
  const accessToken = bound.access_token;

  const used = await step('… GET /orders with Authorization: DPoP and a proof', '200', async () =>
    expectReply(await client.send('GET', orders, { accessToken, viaOrigin: ordersUrl })),
  );
  await step('… GET /me on profile with its own proof', '200', async () =>
    expectReply(await client.send('GET', me, { accessToken, viaOrigin: profileUrl })),
  );
  await step('a thief presents the bound token as Bearer (no proof)', '401 invalid_token', async () =>
    expectReply(await send('GET', `${ordersUrl}/orders`, { token: accessToken })),
  );
  const thief = createDpopClient({ alg: 'ES256' });
  await step('a thief refreshes her bound refresh token with its own key', '400 dpop_key_mismatch', async () =>
    expectReply(
      await thief.send('POST', options.tokenEndpoint, {
        viaOrigin: options.authUrl,
        form: { grant_type: 'refresh_token', refresh_token: bound.refresh_token },
      }),
    ),
  );
  await step('the DPoP client refreshes with a proof of its key', '200 token_type DPoP, cnf.jkt = key', async () => {
    const reply = await client.send('POST', options.tokenEndpoint, {
      viaOrigin: options.authUrl,
      form: { grant_type: 'refresh_token', refresh_token: bound.refresh_token },
    });
    const body = reply.body as Partial<BoundTokens & { token_type: string }> | undefined;
    if (reply.status !== 200 || typeof body?.access_token !== 'string') return expectReply(reply);
    return { got: `200 token_type ${body.token_type}, ${boundTo(body.access_token)}`, value: reply };
  });
  if (used) {
    await step('the same proof replayed to orders', '401 invalid_dpop_proof', async () =>
      expectReply(await client.sendWithProof('GET', orders, used.proof, { accessToken, viaOrigin: ordersUrl })),
    );
  }
  await step('a fresh proof made for GET /me on profile, sent to orders', '401 invalid_dpop_proof', async () => {
    const forProfile = client.proof({ method: 'GET', url: me, accessToken });
    return expectReply(await client.sendWithProof('GET', orders, forProfile, { accessToken, viaOrigin: ordersUrl }));
  });
  await step('orders replica 2 accepts a fresh proof', '200', async () =>
    expectReply(await client.send('GET', orders, { accessToken, viaOrigin: ordersReplicaUrl })),
  );
  await step(
    `a proof used on replica 1 replayed on replica 2 (${options.replicaSharing})`,
    '401 invalid_dpop_proof',
    async () => {
      const first = await client.send('GET', orders, { accessToken, viaOrigin: ordersUrl });
      if (first.status !== 200) throw new StepFailed(`replica 1 answered ${describeReply(first)}, expected 200`);
      return expectReply(
        await client.sendWithProof('GET', orders, first.proof, { accessToken, viaOrigin: ordersReplicaUrl }),
      );
    },
  );
}
