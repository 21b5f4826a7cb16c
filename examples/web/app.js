// Browser side of the demo. Tokens are httpOnly cookies: this script cannot read them, it only asks the
// auth service for the claims of the current session (display only) and calls the services with
// `credentials: 'include'`. On 401 token_expired it refreshes once and retries.

const $ = (id) => document.getElementById(id);

const config = await (await fetch('/web-config.json')).json();
const serviceUrl = (port) => `${window.location.protocol}//${window.location.hostname}:${port}`;
const ORDERS = serviceUrl(config.ordersPort);
const PROFILE = serviceUrl(config.profilePort);

function show(label, status, body) {
  $('status').textContent = `${label} → ${status}`;
  $('output').textContent = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
}

async function readBody(res) {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

let refreshing;
/** One refresh at a time: concurrent 401s share the same refresh call. */
function refresh() {
  refreshing ??= fetch('/refresh', { method: 'POST', credentials: 'same-origin' }).finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}

/** Sends a request with the cookie; on 401 token_expired refreshes once and sends it again. */
async function withRefresh(send) {
  let res = await send();
  let data = await readBody(res);
  let refreshed = false;
  if (res.status === 401 && data && data.code === 'token_expired' && (await refresh()).ok) {
    refreshed = true;
    res = await send();
    data = await readBody(res);
  }
  return { res, data, refreshed };
}

/** Calls a service with the cookie (cross-origin, so `credentials: 'include'`). */
async function call(method, base, path, body) {
  const init = {
    method,
    credentials: 'include',
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  };
  const { res, data, refreshed } = await withRefresh(() => fetch(`${base}${path}`, init));
  show(`${method} ${path}${refreshed ? ' (after refresh)' : ''}`, res.status, data);
  await loadSession();
}

async function loadSession() {
  const { res, data } = await withRefresh(() => fetch('/session', { credentials: 'same-origin' }));
  const signedIn = res.ok;
  $('session').hidden = !signedIn;
  $('login').hidden = signedIn;
  if (signedIn) {
    $('who').textContent = data.claims.sub;
    $('scope').textContent = data.claims.scope ?? '';
    $('claims').textContent = JSON.stringify(data.claims, null, 2);
  } else {
    $('claims').textContent = '';
  }
  return signedIn;
}

$('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const res = await fetch('/login', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: $('username').value, password: $('password').value }),
  });
  show('POST /login', res.status, await readBody(res));
  $('password').value = '';
  await loadSession();
});

$('get-orders').addEventListener('click', () => call('GET', ORDERS, '/orders'));
$('post-orders').addEventListener('click', () => call('POST', ORDERS, '/orders', { item: 'coffee', quantity: 1 }));
$('get-me').addEventListener('click', () => call('GET', PROFILE, '/me'));
$('refresh').addEventListener('click', async () => {
  const res = await refresh();
  show('POST /refresh', res.status, await readBody(res.clone()));
  await loadSession();
});
$('logout').addEventListener('click', async () => {
  // Logout revokes the access token and ends the session it belongs to, so it needs a valid one.
  const { res, data } = await withRefresh(() => fetch('/logout', { method: 'POST', credentials: 'same-origin' }));
  show('POST /logout', res.status, data);
  await loadSession();
});

await loadSession();
document.body.dataset.ready = 'true';
