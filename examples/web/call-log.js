// Every HTTP exchange of the page, shown as one row: which service answered, with which status and code.
import { clockTime } from './format.js';

const $ = (id) => document.getElementById(id);
const MAX_ROWS = 40;

/** Bodies as the page shows them: anything that looks like a token is masked (the admin's, never the user's). */
function shown(body) {
  if (typeof body === 'string') return body;
  return JSON.stringify(
    body,
    (key, value) => (key === 'access_token' || key === 'refresh_token' ? '(hidden)' : value),
    2,
  );
}

async function readBody(res) {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function cell(text, className) {
  const td = document.createElement('td');
  if (className) td.className = className;
  td.textContent = text;
  return td;
}

/** Adds one row on top of the log and updates the one-line summary. */
function record({ service, method, path, status, code, note }) {
  const row = document.createElement('tr');
  row.append(cell(clockTime(Date.now()), 'time'));
  const svc = cell(service, `svc svc-${service}`);
  row.append(svc);
  const request = cell(`${method} ${path}`, 'req');
  if (note) {
    const small = document.createElement('span');
    small.className = 'note';
    small.textContent = note;
    request.append(small);
  }
  row.append(request);
  const answer = cell('', 'answer');
  const badge = document.createElement('span');
  badge.className = `status s${String(status)[0]}xx`;
  badge.textContent = String(status);
  answer.append(badge);
  if (code) answer.append(` ${code}`);
  row.append(answer);
  const log = $('log');
  log.prepend(row);
  while (log.rows.length > MAX_ROWS) log.deleteRow(-1);
  $('status').textContent =
    `${service} ${method} ${path}${note ? ` (${note})` : ''} → ${status}${code ? ` ${code}` : ''}`;
}

/**
 * Sends one request, records it in the call log and answers `{ res, data }` (`data`: parsed JSON or text).
 * `quiet: true` exchanges (the page's own GET /session) are not recorded; `quiet: 'failure'` ones (the look for a
 * refresh cookie at page load) only when they succeed.
 */
export async function exchange(service, base, method, path, init = {}, options = {}) {
  let res;
  try {
    res = await fetch(`${base}${path}`, { method, ...init });
  } catch {
    if (!options.quiet) record({ service, method, path, status: 0, code: 'network_error', note: options.note });
    return { res: { ok: false, status: 0, headers: new Headers() }, data: { code: 'network_error' } };
  }
  const data = await readBody(res);
  const code = data && typeof data === 'object' && typeof data.code === 'string' ? data.code : '';
  if (options.quiet !== true && (options.quiet !== 'failure' || res.ok)) {
    record({ service, method, path, status: res.status, code, note: options.note });
    $('output').textContent = res.status === 204 ? '(no body)' : shown(data);
  }
  return { res, data };
}
