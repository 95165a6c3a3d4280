// Plane geometry for the network drawing and its tests: boxes are {x, y, w, h} with (x, y)
// the top-left corner; polylines are arrays of [x, y].

// Do two boxes share interior area? (Touching edges do not count.)
export function boxesOverlap(a, b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

// Does the segment p-q pass through the interior of box r (Liang-Barsky clipping)?
// A segment that only touches an edge or a corner does not.
export function segmentHitsBox(p, q, r, eps = 1e-6) {
  const x0 = r.x + eps, x1 = r.x + r.w - eps, y0 = r.y + eps, y1 = r.y + r.h - eps;
  if (x0 >= x1 || y0 >= y1) return false;
  const dx = q[0] - p[0], dy = q[1] - p[1];
  let t0 = 0, t1 = 1;
  for (const [pk, qk] of [[-dx, p[0] - x0], [dx, x1 - p[0]], [-dy, p[1] - y0], [dy, y1 - p[1]]]) {
    if (pk === 0) { if (qk < 0) return false; continue; }
    const t = qk / pk;
    if (pk < 0) { if (t > t1) return false; if (t > t0) t0 = t; }
    else { if (t < t0) return false; if (t < t1) t1 = t; }
  }
  return t0 < t1;
}

// The point at fraction t (0..1) of the way along a polyline, by length.
export function pointAlong(points, t) {
  if (points.length === 1) return points[0].slice();
  t = Math.max(0, Math.min(1, t));
  const lens = [];
  let total = 0;
  for (let k = 0; k + 1 < points.length; k++) {
    const l = Math.hypot(points[k + 1][0] - points[k][0], points[k + 1][1] - points[k][1]);
    lens.push(l);
    total += l;
  }
  let d = t * total;
  for (let k = 0; k < lens.length; k++) {
    if (d <= lens[k] || k === lens.length - 1) {
      const r = lens[k] > 0 ? Math.min(1, d / lens[k]) : 1;
      return [points[k][0] + (points[k + 1][0] - points[k][0]) * r, points[k][1] + (points[k + 1][1] - points[k][1]) * r];
    }
    d -= lens[k];
  }
  return points[points.length - 1].slice();
}

// Greedy word wrap into at most maxLines lines, each accepted by fits(text) (a width test);
// what does not fit is cut with an ellipsis.
export function wrapText(text, maxLines, fits) {
  const words = String(text).split(/\s+/).filter((w) => w);
  const lines = [];
  let k = 0;
  while (k < words.length && lines.length < maxLines) {
    let line = words[k++];
    while (k < words.length && fits(line + ' ' + words[k])) line += ' ' + words[k++];
    lines.push(line);
  }
  if (k < words.length) lines[lines.length - 1] += ' ' + words.slice(k).join(' ');
  return lines.map((l) => (fits(l) ? l : cutToFit(l, fits)));
}

// The longest prefix of s that fits with an ellipsis after it (binary search on length).
export function cutToFit(s, fits) {
  let lo = 0, hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (fits(s.slice(0, mid).trimEnd() + '…')) lo = mid; else hi = mid - 1;
  }
  return s.slice(0, Math.max(1, lo)).trimEnd() + '…';
}
