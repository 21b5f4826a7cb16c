// Human times for the page: "42 s", "3 min 5 s", "2 h 10 min", "14 d 3 h".

/** A duration in words, rounded to the second. */
export function duration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** "in 42 s" for a future instant, "3 s ago" for a past one (`deltaMs` = instant − now). */
export function relative(deltaMs) {
  return deltaMs >= 0 ? `in ${duration(deltaMs)}` : `${duration(-deltaMs)} ago`;
}

/** Wall-clock time of day, hh:mm:ss. */
export function clockTime(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

/** The first and last characters of a long identifier (kid, sid, jti). */
export function shortId(id) {
  return typeof id === 'string' && id.length > 14 ? `${id.slice(0, 8)}…${id.slice(-4)}` : String(id ?? '');
}
