// The token's life as a picture: two bars (access token, session) redrawn twice a second.
import { clockTime, relative } from './format.js';
import { REFRESH_AT } from './session-client.js';

const $ = (id) => document.getElementById(id);
const clamp = (x) => Math.min(1, Math.max(0, x));
/** Bar geometry goes through CSS custom properties set with the CSSOM, which the CSP allows (no style attributes). */
const setFraction = (el, name, fraction) => el.style.setProperty(name, `${(clamp(fraction) * 100).toFixed(2)}%`);

/** Redraws the timeline for the current session at server time `nowMs`. */
export function renderTimeline(state, nowMs) {
  const session = state.session;
  if (!session) return;
  const { iat, exp } = session.claims;
  const issuedMs = iat * 1000;
  const expiresMs = exp * 1000;
  const refreshMs = issuedMs + REFRESH_AT * (expiresMs - issuedMs);
  const remaining = $('access-remaining');
  remaining.textContent =
    expiresMs > nowMs ? `expires ${relative(expiresMs - nowMs)}` : `expired ${relative(expiresMs - nowMs)}`;
  remaining.dataset.remainingMs = String(Math.round(expiresMs - nowMs));
  setFraction($('access-track'), '--fill', (nowMs - issuedMs) / (expiresMs - issuedMs));
  setFraction($('access-track'), '--mark', REFRESH_AT);
  $('access-track').classList.toggle('late', nowMs >= refreshMs);
  $('access-issued').textContent = `issued ${relative(issuedMs - nowMs)}`;
  $('access-refresh').textContent = state.autoRefresh
    ? nowMs < refreshMs
      ? `refresh ${relative(refreshMs - nowMs)}`
      : 'refreshing…'
    : 'refresh by itself: off';
  $('access-expires').textContent = `expires ${clockTime(expiresMs)}`;

  const d = session.deadlines;
  const family = $('family-track');
  family.hidden = !d;
  if (d) {
    const span = d.absolute_expires_at_ms - d.started_at_ms;
    setFraction(family, '--fill', (nowMs - d.started_at_ms) / span);
    setFraction(family, '--mark', (d.refresh_expires_at_ms - d.started_at_ms) / span);
    $('family-remaining').textContent = `ends ${relative(d.absolute_expires_at_ms - nowMs)}`;
    $('family-started').textContent = `started ${relative(d.started_at_ms - nowMs)}`;
    $('family-idle').textContent = `idle end ${relative(d.refresh_expires_at_ms - nowMs)} unless refreshed`;
    $('family-absolute').textContent = `ends ${clockTime(d.absolute_expires_at_ms)}`;
  }
  const n = state.refreshes;
  $('refresh-count').textContent =
    n === 0
      ? 'Not refreshed yet. Each refresh rotates the refresh token and brings a new access token.'
      : `Refreshed ${n} time${n === 1 ? '' : 's'}: each refresh rotated the refresh token and brought a new access token.`;
}
