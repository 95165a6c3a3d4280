// Viewer script, part 3: the network. Hosts sit where the C++ layout put them (rows by role);
// the current line travels along the shortest route between its two hosts.
const Topo = (() => {
  const H = 330, BW = 206, BH = 64;
  let W = 760;
  let svg, layer, tokenG, adj = new Map(), faults = [], anim = 0;
  const hostEls = new Map(), linkEls = new Map(), routes = new Map();
  const reduced = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;

  function pos(h) { const p = own(V.layout, h) || [0.5, 0.5]; return [p[0] * W, 12 + p[1] * (H - 24)]; }
  function icon(g, role) {
    const x = -BW / 2 + 8, y = -12;
    const st = { fill: 'none', stroke: '#455a64', 'stroke-width': 2 };
    if (role === 'pc') {
      g.appendChild(sv('rect', Object.assign({ x: x, y: y, width: 24, height: 16, rx: 2 }, st)));
      g.appendChild(sv('line', Object.assign({ x1: x + 6, y1: y + 22, x2: x + 18, y2: y + 22 }, st)));
    } else if (role === 'mailserver' || role === 'relay') {
      for (let k = 0; k < 3; k++) g.appendChild(sv('rect', Object.assign({ x: x, y: y - 2 + k * 9, width: 24, height: 7, rx: 1 }, st)));
    } else if (role === 'router') {
      g.appendChild(sv('circle', Object.assign({ cx: x + 12, cy: y + 10, r: 12 }, st)));
      g.appendChild(sv('path', Object.assign({ d: 'M' + (x + 4) + ',' + (y + 10) + ' h16 M' + (x + 12) + ',' + (y + 2) + ' v16' }, st)));
    } else {
      g.appendChild(sv('ellipse', Object.assign({ cx: x + 12, cy: y, rx: 12, ry: 4 }, st)));
      g.appendChild(sv('path', Object.assign({ d: 'M' + x + ',' + y + ' v18 a12,4 0 0 0 24,0 v-18' }, st)));
    }
  }
  function init() {
    svg = $('topo');
    // Width grows with the number of columns the layout used, so two columns sit close.
    const cols = new Set(Object.values(V.layout).map((p) => Math.round(p[0] * 20)));
    W = Math.max(2, cols.size) * 240;
    layer = sv('g');
    svg.appendChild(layer);
    for (const l of TR.topology.links) {
      const [x1, y1] = pos(l.a), [x2, y2] = pos(l.b);
      const line = sv('line', { class: 'link', x1: x1, y1: y1, x2: x2, y2: y2 });
      layer.appendChild(line);
      linkEls.set(linkKey(l.a, l.b), line);
      const ms = (l.latency_us || 0) / 1000;
      layer.appendChild(sv('text', { class: 'link-label', x: (x1 + x2) / 2 + 4, y: (y1 + y2) / 2 - 4 }, ms + ' ms'));
    }
    for (const h of TR.topology.hosts) {
      const [x, y] = pos(h.name);
      const g = sv('g', { class: 'host', transform: 'translate(' + x + ',' + y + ')' });
      g.appendChild(sv('rect', { class: 'host-box', x: -BW / 2, y: -BH / 2, width: BW, height: BH, rx: 8 }));
      icon(g, h.role);
      g.appendChild(sv('text', { class: 'name', x: -BW / 2 + 40, y: -10, 'font-weight': 700 }, trunc(h.name, 18)));
      g.appendChild(sv('text', { class: 'addr', x: -BW / 2 + 40, y: 8 }, h.address));
      g.appendChild(sv('text', { class: 'roles', x: -BW / 2 + 40, y: 24 }, ''));
      g.appendChild(sv('title', null, h.name + ' (' + h.address + ') ' + (h.label || '')));
      layer.appendChild(g);
      hostEls.set(h.name, g);
    }
    // Fit the picture to the hosts, so that few hosts are drawn large.
    const xs = TR.topology.hosts.map((h) => pos(h.name)[0]), ys = TR.topology.hosts.map((h) => pos(h.name)[1]);
    if (xs.length) {
      const x0 = Math.min(...xs) - BW / 2 - 12, x1 = Math.max(...xs) + BW / 2 + 12;
      const y0 = Math.min(...ys) - BH / 2 - 24, y1 = Math.max(...ys) + BH / 2 + 8;
      svg.setAttribute('viewBox', x0 + ' ' + y0 + ' ' + (x1 - x0) + ' ' + (y1 - y0));
    }
    adj = adjacency(TR.topology.links);
    tokenG = sv('g', { visibility: 'hidden' });
    svg.appendChild(tokenG);
    for (let i = 0; i < EV.length; i++) if (EV[i].kind === 'fault') faults.push(i);
  }
  function relabel() {
    for (const h of TR.topology.hosts) {
      const roles = h.services.map((s) => T('svc_' + s)).filter((s) => s.indexOf('svc_') !== 0);
      hostEls.get(h.name).querySelector('.roles').textContent = trunc(roles.length ? roles.join(' · ') : T('role_' + h.role), 22);
    }
  }
  function routeOf(a, b) {
    const k = a + '\n' + b;
    if (!routes.has(k)) routes.set(k, route(adj, a, b));
    return routes.get(k);
  }
  // Links and hosts brought down by faults up to the current event.
  function faultState(i) {
    const down = new Map();
    for (const f of faults) {
      if (f > i) break;
      const e = EV[f], h = e.actor.host, sep = h.indexOf('--');
      const k = sep > 0 ? 'L' + linkKey(h.slice(0, sep), h.slice(sep + 2))
        : e.peer && e.peer.host !== h ? 'L' + linkKey(h, e.peer.host) : 'H' + h;
      down.set(k, !e.alert ? '' : /loses/.test(e.line) ? 'lossy' : 'down');
    }
    return down;
  }
  function token(e, colour) {
    clear(tokenG);
    if (e.kind === 'content') {
      tokenG.appendChild(sv('rect', { x: -13, y: -9, width: 26, height: 18, rx: 2, fill: '#fff', stroke: colour, 'stroke-width': 2.5 }));
      tokenG.appendChild(sv('path', { d: 'M-13,-9 L0,2 L13,-9', fill: 'none', stroke: colour, 'stroke-width': 2 }));
    } else {
      tokenG.appendChild(sv('circle', { r: 9, fill: colour, stroke: '#fff', 'stroke-width': 2 }));
    }
    tokenG.appendChild(sv('text', { class: 'token-label', x: 16, y: -10, fill: colour }, trunc((e.alert ? '⚠ ' : '') + e.line, 42)));
  }
  function place(points, t) {
    t = Math.max(0, Math.min(1, t));  // rAF time can precede the start time
    const n = points.length - 1, f = Math.min(n, t * n), k = Math.min(n - 1, Math.floor(f)), r = f - k;
    const x = points[k][0] + (points[k + 1][0] - points[k][0]) * r, y = points[k][1] + (points[k + 1][1] - points[k][1]) * r;
    tokenG.setAttribute('transform', 'translate(' + x + ',' + y + ')');
  }
  function update(opts) {
    cancelAnimationFrame(anim);
    const i = cur();
    for (const g of hostEls.values()) g.setAttribute('class', 'host');
    for (const l of linkEls.values()) l.setAttribute('class', 'link');
    tokenG.setAttribute('visibility', 'hidden');
    const cap = $('topo-caption');
    if (i < 0) { cap.textContent = ''; return; }
    const e = EV[i], down = faultState(i);
    for (const [k, how] of down) {
      if (!how) continue;
      const node = (k[0] === 'L' ? linkEls : hostEls).get(k.slice(1));
      if (node) node.classList.add(how);
    }
    cap.textContent = (e.alert ? '⚠ ' : '') + party(e.actor) + (e.peer ? ' → ' + party(e.peer) : '') + ': ' + trunc(e.line, 120);
    cap.style.color = e.alert ? V.fail : '';
    if (e.kind === 'fault') return;
    if (hostEls.has(e.actor.host)) hostEls.get(e.actor.host).classList.add('from');
    if (!e.peer || e.peer.host === e.actor.host) return;
    if (hostEls.has(e.peer.host)) hostEls.get(e.peer.host).classList.add('to');
    const path = routeOf(e.actor.host, e.peer.host);
    for (let k = 0; k + 1 < path.length; k++) { const l = linkEls.get(linkKey(path[k], path[k + 1])); if (l) l.classList.add('used'); }
    const points = path.map(pos);
    token(e, evColour(i));
    tokenG.setAttribute('visibility', 'visible');
    if (!opts.animate || reduced) { place(points, 1); return; }
    const dur = Math.min(900, 800 / S.speed), t0 = performance.now();
    const stepFn = (now) => {
      const t = Math.min(1, (now - t0) / dur);
      place(points, t);
      if (t < 1) anim = requestAnimationFrame(stepFn);
    };
    place(points, 0);
    anim = requestAnimationFrame(stepFn);
  }
  return { init, relabel, update };
})();
