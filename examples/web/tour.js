// The tour's events as buttons, each against the live services. Admin steps sign an admin in the way
// the CLI does (POST /token, password grant): the admin is another client holding its own Bearer
// token for one step; the page's own session stays in httpOnly cookies.

const $ = (id) => document.getElementById(id);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (text) => {
  $('tour-status').textContent = text;
};

/** Creates the tour steps over a session client; `config` is /web-config.json. */
export function createTour(client, config) {
  const form = (fields) => ({
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });

  /** Signs the admin in, runs `step(call)` with Bearer calls to the auth service, signs the admin out. */
  async function asAdmin(step) {
    const password = $('admin-password').value;
    const { res, data } = await client.send(
      'auth',
      'POST',
      '/token',
      { credentials: 'omit', ...form({ grant_type: 'password', username: 'admin', password }) },
      { note: 'admin signs in' },
    );
    if (!res.ok) {
      say(`The admin could not sign in (${res.status} ${data?.code ?? ''}): check the admin password.`);
      return undefined;
    }
    const bearer = { Authorization: `Bearer ${data.access_token}` };
    const call = (path, body, note) =>
      client.send(
        'auth',
        'POST',
        path,
        {
          credentials: 'omit',
          headers: { ...bearer, 'Content-Type': 'application/json' },
          body: JSON.stringify(body ?? {}),
        },
        { note },
      );
    try {
      return await step(call);
    } finally {
      await client.send(
        'auth',
        'POST',
        '/logout',
        {
          credentials: 'omit',
          headers: { ...bearer, ...form({}).headers },
          body: form({ refresh_token: data.refresh_token }).body,
        },
        { note: 'admin signs out' },
      );
    }
  }

  return {
    async switchUser() {
      const other = client.state.session?.claims.sub === 'bob' ? 'alice' : 'bob';
      await client.logout();
      if (!(await client.login(other, `${other}-pass`))) return say(`Could not sign in as ${other}.`);
      const { res, data } = await client.call('orders', 'GET', '/orders');
      say(
        res.ok
          ? `Now ${other}: the orders service answered ${res.status}, because ${other} has orders:read.`
          : `Now ${other}: the orders service answered ${res.status} ${data?.code ?? ''}: ${other} lacks orders:read.`,
      );
    },

    async missingScope() {
      const { res, data } = await client.call('orders', 'POST', '/orders', { item: 'coffee', quantity: 1 });
      say(`The orders service answered ${res.status} ${data?.code ?? ''}: the token is valid, the scope is missing.`);
    },

    async revokeSession() {
      const sid = client.state.session?.claims.sid;
      const revoked = await asAdmin((call) => call('/admin/revoke', { sid }, 'revoke this session by sid'));
      if (!revoked) return;
      if (!revoked.res.ok) return say(`The revocation failed: ${revoked.res.status} ${revoked.data?.code ?? ''}.`);
      // With Redis the revocation reaches the services within milliseconds: ask until they refuse.
      for (let i = 0; i < 10 && client.state.session; i += 1) {
        const { res } = await client.call('profile', 'GET', '/me');
        if (res.status === 401) break;
        await sleep(300);
      }
      say(
        client.state.session
          ? 'The session was revoked, but the profile service still accepts its token.'
          : 'Revoked: the profile service refused the session’s token and the page is logged out.',
      );
    },

    async rotateKeys() {
      const before = client.state.session?.kid;
      const rotated = await asAdmin(async (call) => {
        let reply = await call('/admin/rotate-keys', {}, 'rotate the signing keys');
        const waitS = Number(reply.res.headers.get('retry-after'));
        if (reply.res.status === 409 && waitS > 0 && waitS <= 30) {
          say(`The next key is not published long enough yet for cached JWKS copies: waiting ${waitS} s …`);
          await sleep(waitS * 1000);
          reply = await call('/admin/rotate-keys', {}, 'rotate again');
        }
        return reply;
      });
      if (!rotated) return;
      if (!rotated.res.ok) return say(`The rotation was refused: ${rotated.res.status} ${rotated.data?.code ?? ''}.`);
      await client.refresh('to get a token from the new key');
      const { res } = await client.call('profile', 'GET', '/me');
      const after = client.state.session?.kid;
      say(
        after && after !== before
          ? `New kid ${after.slice(0, 8)}…: the refreshed token is signed by it, and the profile service answered ${res.status}.`
          : 'The keys rotated, but the token is still signed by the old kid.',
      );
    },

    async replayRefreshToken() {
      if (!config.demoTourRoutes)
        return say('The replay routes are off: start the auth service with DEMO_TOUR=1 (pnpm demo does).');
      const copy = await client.send(
        'auth',
        'POST',
        '/refresh/demo/copy',
        { credentials: 'same-origin' },
        { note: 'a thief copies the refresh cookie' },
      );
      if (!copy.res.ok) return say(`Could not copy the refresh cookie: ${copy.res.status} ${copy.data?.code ?? ''}.`);
      if (!(await client.refresh('the page rotates its token'))) return say('The page could not refresh.');
      const waitMs = config.refreshGraceMs + 200;
      say(`Waiting ${Math.ceil(waitMs / 1000)} s: inside the grace window a replay would get the same successor …`);
      await sleep(waitMs);
      const replay = await client.send(
        'auth',
        'POST',
        '/refresh/demo/replay',
        { credentials: 'same-origin' },
        { note: 'the thief presents the old token' },
      );
      const code = replay.data?.code;
      if (replay.res.status === 401) client.end(client.endings[code] ?? client.endings.refresh_token_invalid);
      say(
        code === 'refresh_token_reused'
          ? 'Reuse detected (refresh_token_reused): every session of the user is revoked, this one too.'
          : `The replay answered ${replay.res.status} ${code ?? ''}.`,
      );
    },
  };
}
