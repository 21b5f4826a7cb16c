// The page's session, kept alive without ever touching a token: the tokens are httpOnly cookies, so the
// page only knows what GET /session tells it (claims, signing kid, deadlines, the server's clock).
//
// Rules:
// - refresh at 80 % of the access token's life (while "refresh by itself" is on);
// - on 401 token_expired or missing_token (the access cookie expires with its token) refresh once,
//   while the refresh cookie may still be there, and retry the original call once;
// - the session ends when the auth service refuses a refresh, when a token is revoked, and at the
//   session's own deadline. At the deadline, and when a refresh finds the refresh half of the session
//   gone (missing or expired), the page logs out, so that the last access token is revoked too.

import { exchange } from './call-log.js';

/** 401 codes after which a refresh may bring the session back. */
const RECOVERABLE = new Set(['token_expired', 'missing_token']);
/** Refusals of a refresh that leave the access cookie (its token may still be good); at the deadline they mean it came. */
const DEADLINE_CODES = new Set(['refresh_token_missing', 'refresh_token_expired']);
/** How far before the server's deadline the browser may already have dropped the cookie (clock offset, latency). */
const DEADLINE_SLACK_MS = 1_000;
/** setTimeout's longest delay (2^31 − 1 ms); longer waits are chained. */
const MAX_TIMER_MS = 2_147_483_647;
/** Refresh at this fraction of the access token's life. */
export const REFRESH_AT = 0.8;

const ENDINGS = {
  refresh_token_reused:
    'Session ended: a refresh token was presented twice (refresh_token_reused), so the auth service revoked every session of this user.',
  token_revoked: 'Session ended: its access token was revoked (token_revoked) and the services refuse it.',
  refresh_token_invalid:
    'Session ended: the auth service no longer knows its refresh token (refresh_token_invalid): revoked or logged out.',
  refresh_token_expired: 'Session ended: the refresh token expired (refresh_token_expired).',
  refresh_token_missing: 'Session ended: the refresh cookie is gone (refresh_token_missing).',
  lifetime: 'Session ended: it reached the end of its lifetime. Refreshing does not extend a session past it.',
  logout: 'You logged out: the access token and the whole session are revoked.',
};

/**
 * Creates the session client. `services` maps a service name to its base URL; `onChange` is called
 * whenever the session starts, changes (refresh, new kid) or ends.
 */
export function createSessionClient({ services, onChange }) {
  const state = {
    /** `{ claims, kid, offsetMs, deadlines }` while signed in, else null. */
    session: null,
    /** Why the last session ended (a sentence), '' when none ended, null while none is known to have ended. */
    ended: null,
    /** kid of the first token of this login, to show when a new one arrives. */
    firstKid: undefined,
    refreshes: 0,
    autoRefresh: true,
  };
  let timers = [];
  let refreshing;

  const send = (service, method, path, init, options) =>
    exchange(service, services[service], method, path, init, options);
  const serverNow = () => Date.now() + (state.session?.offsetMs ?? 0);
  const endAt = () => {
    const d = state.session?.deadlines;
    return d ? Math.min(d.absolute_expires_at_ms, d.refresh_expires_at_ms) : Infinity;
  };
  /** True while a refresh cookie may still exist: nothing ended it and its deadline has not passed. */
  const mayHaveSession = () => state.ended === null && serverNow() < endAt();

  const clearTimers = () => {
    for (const t of timers) clearTimeout(t);
    timers = [];
  };
  /** Runs `fn` at the server instant `atMs` (long waits chained below setTimeout's limit). */
  const at = (atMs, fn) => {
    const wait = atMs - serverNow();
    if (wait > MAX_TIMER_MS) timers.push(setTimeout(() => at(atMs, fn), MAX_TIMER_MS));
    else timers.push(setTimeout(fn, Math.max(0, wait)));
  };

  function schedule() {
    clearTimers();
    if (!state.session) return;
    const { iat, exp } = state.session.claims;
    const refreshAtMs = (iat + REFRESH_AT * (exp - iat)) * 1000;
    if (state.autoRefresh && refreshAtMs < endAt()) at(refreshAtMs, () => refresh('at 80 % of its life'));
    if (endAt() !== Infinity) at(endAt(), lifetimeOver);
  }

  function end(reason) {
    clearTimers();
    const hadSession = state.session !== null;
    state.session = null;
    // A session already ended keeps the reason it ended for (a late answer must not erase it).
    if (hadSession || reason === ENDINGS.logout) state.ended = reason ?? '';
    else if (state.ended === null) state.ended = '';
    onChange(state);
  }

  let endingWithLogout;
  /**
   * Ends the session by logging out (once, whoever asks first), so that its last access token is revoked too: at
   * the deadline, and when a refresh finds the refresh half of the session gone (the auth service then keeps the
   * access cookie for this logout). `why` is the note in the call log.
   */
  function endWithLogout(reason, why) {
    endingWithLogout ??= (async () => {
      clearTimers();
      await send('auth', 'POST', '/logout', { credentials: 'same-origin' }, { note: why });
      end(reason);
    })().finally(() => {
      endingWithLogout = undefined;
    });
    return endingWithLogout;
  }
  /** The deadline passed. */
  const lifetimeOver = () => endWithLogout(ENDINGS.lifetime, 'session lifetime reached');

  /** Reads GET /session; `atPageLoad`: on a recoverable 401, look for a refresh cookie (quietly) and read again. */
  async function load(atPageLoad) {
    const read = () => send('auth', 'GET', '/session', { credentials: 'same-origin' }, { quiet: true });
    const { res, data } = atPageLoad ? await withRefresh(read, { quiet: 'failure' }) : await read();
    if (!res.ok) {
      if (state.session !== null || state.ended === null) end(ENDINGS[data?.code] ?? ENDINGS.refresh_token_invalid);
      return false;
    }
    state.session = {
      claims: data.claims,
      kid: data.kid,
      offsetMs: data.server_time_ms - Date.now(),
      deadlines: data.session,
    };
    state.firstKid ??= data.kid;
    state.ended = null;
    schedule();
    onChange(state);
    return true;
  }

  /** One refresh at a time: concurrent callers share it. Resolves true when the session goes on. */
  function refresh(why, quiet) {
    refreshing ??= (async () => {
      const { res, data } = await send(
        'auth',
        'POST',
        '/refresh',
        { credentials: 'same-origin' },
        { note: why, quiet },
      );
      if (!res.ok) {
        // The refresh half of the session is gone but not its access token: log out, which revokes it. A refresh
        // in flight at the deadline finds the cookie gone or the family over: that is the lifetime ending.
        if (state.session && DEADLINE_CODES.has(data?.code)) {
          if (serverNow() >= endAt() - DEADLINE_SLACK_MS) await lifetimeOver();
          else await endWithLogout(ENDINGS[data.code], `after ${data.code}`);
          return false;
        }
        end(state.session || state.ended === null ? ENDINGS[data?.code] : undefined);
        return false;
      }
      state.refreshes += 1;
      return load(false);
    })().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  }

  /** Sends; on a recoverable 401 while the session may live, refreshes once and sends again. */
  async function withRefresh(sendOnce, { quiet } = {}) {
    const first = await sendOnce();
    const code = first.data?.code;
    if (first.res.status !== 401 || !RECOVERABLE.has(code) || !mayHaveSession()) return first;
    if (!(await refresh(quiet ? 'page load' : `after ${code}`, quiet))) return first;
    return sendOnce('retry after refresh');
  }

  return {
    state,
    serverNow,
    refresh,
    /** Reads the session at page load (a refresh cookie may survive a reload). */
    start: () => load(true),
    /** Calls a resource service with the access cookie; a refused token ends the session on the page. */
    async call(service, method, path, body) {
      const init = {
        credentials: 'include',
        headers: body ? { 'Content-Type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
      };
      const out = await withRefresh((note) => send(service, method, path, init, { note }));
      if (out.res.status === 401 && state.session) await load(false);
      return out;
    },
    async login(username, password) {
      const { res } = await send('auth', 'POST', '/login', {
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      if (!res.ok) return false;
      Object.assign(state, { ended: null, firstKid: undefined, refreshes: 0 });
      return load(false);
    },
    async logout() {
      const { res, data } = await withRefresh(() => send('auth', 'POST', '/logout', { credentials: 'same-origin' }));
      end(res.ok ? ENDINGS.logout : (ENDINGS[data?.code] ?? ENDINGS.refresh_token_invalid));
      return res.ok;
    },
    /** Turns the 80 % refresh on or off; off, the page recovers on the next call instead. */
    setAutoRefresh(on) {
      state.autoRefresh = on;
      schedule();
    },
    /** Calls the auth service (tour steps); `init` as for fetch. */
    send,
    end,
    endings: ENDINGS,
  };
}
