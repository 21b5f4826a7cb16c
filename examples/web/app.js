// Browser side of the demo: wires the session client, the timeline and the tour to the page.
import { shortId } from './format.js';
import { createSessionClient } from './session-client.js';
import { renderTimeline } from './timeline.js';
import { createTour } from './tour.js';

const $ = (id) => document.getElementById(id);

const config = await (await fetch('/web-config.json')).json();
const serviceUrl = (port) => `${window.location.protocol}//${window.location.hostname}:${port}`;
const services = {
  auth: window.location.origin,
  orders: serviceUrl(config.ordersPort),
  profile: serviceUrl(config.profilePort),
};

function chip(text) {
  const li = document.createElement('span');
  li.className = 'chip';
  li.textContent = text;
  return li;
}

/** Shows the signed-in or signed-out view for the client's state. */
function render(state) {
  const session = state.session;
  const signedIn = session !== null;
  $('session').hidden = !signedIn;
  $('timeline').hidden = !signedIn;
  $('login-card').hidden = signedIn;
  document.body.dataset.session = signedIn ? 'active' : state.ended ? 'ended' : 'none';
  $('ended').hidden = !state.ended;
  $('ended').textContent = state.ended ?? '';
  for (const button of document.querySelectorAll('[data-needs-session]')) button.disabled = !signedIn || busy;
  $('tour-needs-login').hidden = signedIn;
  if (!signedIn) return;
  const { claims, kid } = session;
  $('who').textContent = claims.sub;
  $('scopes').replaceChildren(
    ...String(claims.scope ?? '')
      .split(' ')
      .filter(Boolean)
      .map(chip),
  );
  $('kid').textContent = shortId(kid);
  $('kid').title = kid;
  $('kid-note').hidden = !state.firstKid || kid === state.firstKid;
  $('sid').textContent = shortId(claims.sid);
  $('sid').title = claims.sid;
  $('tour-switch-user').textContent = claims.sub === 'bob' ? 'Log in as alice' : 'Log in as bob';
  renderTimeline(state, client.serverNow());
}

let busy = false;
const client = createSessionClient({ services, onChange: render });
const tour = createTour(client, config);

/** Runs one user action at a time; the buttons are disabled meanwhile. */
function action(run) {
  return async () => {
    if (busy) return;
    busy = true;
    render(client.state);
    try {
      await run();
    } finally {
      busy = false;
      render(client.state);
    }
  };
}

$('login').addEventListener('submit', (event) => {
  event.preventDefault();
  action(async () => {
    const ok = await client.login($('username').value, $('password').value);
    $('password').value = ok ? '' : $('password').value;
    if (ok) $('get-orders').focus();
  })();
});
$('get-orders').addEventListener(
  'click',
  action(() => client.call('orders', 'GET', '/orders')),
);
$('get-me').addEventListener(
  'click',
  action(() => client.call('profile', 'GET', '/me')),
);
$('refresh').addEventListener(
  'click',
  action(() => client.refresh('Refresh now button')),
);
$('logout').addEventListener(
  'click',
  action(async () => {
    await client.logout();
    $('username').focus();
  }),
);
$('auto-refresh').addEventListener('change', (event) => client.setAutoRefresh(event.target.checked));
$('tour-switch-user').addEventListener('click', action(tour.switchUser));
$('post-orders').addEventListener('click', action(tour.missingScope));
$('tour-revoke').addEventListener('click', action(tour.revokeSession));
$('tour-rotate').addEventListener('click', action(tour.rotateKeys));
$('tour-replay').addEventListener('click', action(tour.replayRefreshToken));

setInterval(() => {
  if (client.state.session) renderTimeline(client.state, client.serverNow());
}, 500);

await client.start();
render(client.state);
document.body.dataset.ready = 'true';
