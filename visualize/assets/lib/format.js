// Pure text helpers of the viewer: times as the CLI prints them, and truncation.
// ES module for the unit tests (tests/browser/unit); the page gets it bundled into one
// script by visualize/assets/embed.cmake, which drops the import/export keywords.

export function pad(n, w) { return String(n).padStart(w, '0'); }

// At most n characters, the last one an ellipsis when something was cut.
export function trunc(s, n) {
  s = String(s);
  return s.length > n ? s.slice(0, Math.max(1, n - 1)) + '…' : s;
}

// Same shape as the CLI's times: 1.044200s, 1m00.001500s, 1h02m03.000450s.
export function fmtTime(us) {
  const h = Math.floor(us / 3600e6), m = Math.floor((us % 3600e6) / 60e6), s = Math.floor((us % 60e6) / 1e6);
  const frac = pad(us % 1e6, 6);
  if (h > 0) return h + 'h' + pad(m, 2) + 'm' + pad(s, 2) + '.' + frac + 's';
  if (m > 0) return m + 'm' + pad(s, 2) + '.' + frac + 's';
  return s + '.' + frac + 's';
}

// "90", "1.5", "90s", "1m30s", "1h2m" -> microseconds, or null.
export function parseTime(text) {
  const m = /^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?!s))?\s*(?:(\d+(?:[.,]\d*)?)\s*s?)?\s*$/.exec(text || '');
  if (!m || (m[1] === undefined && m[2] === undefined && m[3] === undefined)) return null;
  return Math.round(((+m[1] || 0) * 3600 + (+m[2] || 0) * 60 + (m[3] ? parseFloat(m[3].replace(',', '.')) : 0)) * 1e6);
}

// "{n} of {total}" with vars filled in; a placeholder without a value stays as it is.
export function fillVars(s, vars) {
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (m, k) => (Object.prototype.hasOwnProperty.call(vars, k) ? String(vars[k]) : m));
}
