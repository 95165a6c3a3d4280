// Lookups keyed by data (host names, message ids, URL parameters) never touch
// Object.prototype: a host called "__proto__" or a message called "constructor" is an
// ordinary key. Use Map, or dict() where a plain object is handier.

// An object without a prototype: d['__proto__'] and d.constructor are ordinary slots.
export function dict() { return Object.create(null); }

// Own property of a parsed JSON object (or a dict), never an inherited one.
export function own(obj, key) {
  return obj !== null && obj !== undefined && Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

// "#seq=40&lang=es&tab=message" -> dict {seq: '40', lang: 'es', tab: 'message'}.
export function hashParams(hash) {
  const out = dict();
  for (const part of String(hash || '').replace(/^#/, '').split('&')) {
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq), v = eq < 0 ? '' : part.slice(eq + 1);
    if (!k) continue;
    try { out[decodeURIComponent(k)] = decodeURIComponent(v); } catch (err) { /* a malformed escape: ignore it */ }
  }
  return out;
}
