// Viewer script, part 3: the network. Hosts and links are drawn where the C++ layout put them
// (V.layout, visualize/layout.cpp: boxes never overlap, links never pass behind a box); each
// box shows the host's name, address, agents and the scenario's label. The current line
// travels along the links of the shortest route between its two hosts.
const Topo = (() => {
  const PAD = 10, ICON = 22, MARGIN = 18;
  // Baselines of the lines in a box (name, address, agents, label lines). In projector mode
  // the text is larger (viewer.css), so there is one label line; the whole label is in the
  // tooltip and the caption.
  const LINES = { normal: [21, 39, 57, 75, 91], projector: [25, 47, 69, 92] };
  // Projector mode draws the network at a fixed scale (CSS px per unit) instead of fitting it
  // to its pane: host labels (16 units there) come out at 14 px or more, and browser zoom
  // enlarges the drawing; the pane scrolls to keep the active hop in view.
  const PROJECTOR_SCALE = 0.875, PHONE_SCALE = 0.8;
  // The fixed scale in use, or 0 where the drawing fits its pane.
  const fixedScale = () => (S.projector ? PROJECTOR_SCALE : window.innerWidth <= 700 ? PHONE_SCALE : 0);
  let drawnScale = -1;
  const baselines = () => LINES[S.projector ? 'projector' : 'normal'];
  let svg, layer, tokenG, adj = new Map(), faults = [], anim = 0, boxW = 252, boxH = 104;
  const hostEls = new Map(), hostAt = new Map(), linkEls = new Map(), routes = new Map();
  const reduced = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;

  // A small picture of the host's role, before its address (the name gets the whole width).
  function icon(box, role) {
    const g = sv('g', { class: 'icon', transform: 'translate(' + (-boxW / 2 + PAD) + ',' + (-boxH / 2 + baselines()[1] - 12) + ') scale(0.62)' });
    box.appendChild(g);
    const x = 0, y = 2;
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
      g.appendChild(sv('ellipse', Object.assign({ cx: x + 12, cy: y + 2, rx: 12, ry: 4 }, st)));
      g.appendChild(sv('path', Object.assign({ d: 'M' + x + ',' + (y + 2) + ' v18 a12,4 0 0 0 24,0 v-18' }, st)));
    }
  }
  // Text that fits `width` units. Measured on a canvas with the text's own font (one style
  // lookup per class), so that laying out the boxes forces no page layout per try.
  const fonts = new Map();
  let ctx2d = null;
  function fitter(node, width) {
    const cls = node.getAttribute('class') || '';
    if (!fonts.has(cls)) {
      const cs = getComputedStyle(node);
      fonts.set(cls, { font: cs.fontStyle + ' ' + cs.fontWeight + ' ' + cs.fontSize + ' ' + cs.fontFamily, size: parseFloat(cs.fontSize) || 13 });
    }
    const f = fonts.get(cls);
    if (!ctx2d) ctx2d = document.createElement('canvas').getContext('2d');
    return (s) => {
      let w = 0;
      if (ctx2d) { ctx2d.font = f.font; w = ctx2d.measureText(s).width; }
      return (w > 0 ? w : s.length * f.size * 0.62) <= width - 4;  // 4 units to spare for rendering differences
    };
  }
  function line(g, cls, x, y, text, width) {
    const t = sv('text', { class: cls, x: x, y: y });
    g.appendChild(t);
    const fits = fitter(t, width);
    t.textContent = fits(String(text)) ? String(text) : cutToFit(String(text), fits);
    return t;
  }
  function hostBox(h, c) {
    const g = sv('g', { class: 'host', 'data-host': h.name, transform: 'translate(' + c[0] + ',' + c[1] + ')' });
    g.appendChild(sv('rect', { class: 'host-box', x: -boxW / 2, y: -boxH / 2, width: boxW, height: boxH, rx: 8 }));
    layer.appendChild(g);
    icon(g, h.role);
    const left = -boxW / 2 + PAD, top = -boxH / 2, inner = boxW - 2 * PAD, y = baselines();
    line(g, 'name', left, top + y[0], h.name, inner);
    line(g, 'addr', left + ICON, top + y[1], h.address, inner - ICON);
    line(g, 'roles', left, top + y[2], '', inner);
    // The scenario's label, on the lines left; the whole of it in the tooltip.
    const probe = sv('text', { class: 'host-label' });
    g.appendChild(probe);
    const lines = h.label ? wrapText(h.label, y.length - 3, fitter(probe, inner)) : [];
    g.removeChild(probe);
    lines.forEach((l, k) => g.appendChild(sv('text', { class: 'host-label', x: left, y: top + y[3 + k] }, l)));
    g.appendChild(sv('title', null, h.name + ' (' + h.address + ')' + (h.label ? ' — ' + h.label : '')));
    return g;
  }
  function init() {
    svg = $('topo');
    const L = V.layout;
    boxW = L.box[0]; boxH = L.box[1];
    const W = L.size[0] + 2 * MARGIN, H = L.size[1] + 2 * MARGIN;
    svg.setAttribute('viewBox', -MARGIN + ' ' + -MARGIN + ' ' + W + ' ' + H);
    // In rem, so that the drawing follows browser zoom and the reader's font size.
    drawnScale = fixedScale();
    svg.style.width = drawnScale ? (W * drawnScale / 16) + 'rem' : '';
    svg.style.height = drawnScale ? (H * drawnScale / 16) + 'rem' : '';
    if (drawnScale === PHONE_SCALE) svg.style.flex = '0 0 auto';
    else svg.style.flex = '';
    layer = sv('g');
    svg.appendChild(layer);
    const linkLayer = sv('g', { class: 'links' });
    layer.appendChild(linkLayer);
    TR.topology.hosts.forEach((h, k) => hostAt.set(h.name, L.hosts[k]));
    TR.topology.links.forEach((l, k) => {
      const pts = L.links[k];
      if (!pts || pts.length < 2) return;
      const el = sv('polyline', { class: 'link', points: pts.map((p) => p[0] + ',' + p[1]).join(' '),
        'data-a': l.a, 'data-b': l.b });
      linkLayer.appendChild(el);
      if (!linkEls.has(linkKey(l.a, l.b))) linkEls.set(linkKey(l.a, l.b), { el: el, a: l.a, pts: pts });
      // The latency in the middle of the longest stretch (always in a gap between rows).
      let best = 0, len = -1;
      for (let s = 0; s + 1 < pts.length; s++) {
        const d = Math.hypot(pts[s + 1][0] - pts[s][0], pts[s + 1][1] - pts[s][1]);
        if (d > len) { len = d; best = s; }
      }
      const mx = (pts[best][0] + pts[best + 1][0]) / 2, my = (pts[best][1] + pts[best + 1][1]) / 2;
      linkLayer.appendChild(sv('text', { class: 'link-label', x: mx + 5, y: my + 4 }, ((l.latency_us || 0) / 1000) + ' ms'));
    });
    TR.topology.hosts.forEach((h, k) => hostEls.set(h.name, hostBox(h, L.hosts[k])));
    adj = adjacency(TR.topology.links);
    tokenG = sv('g', { visibility: 'hidden' });
    svg.appendChild(tokenG);
    for (let i = 0; i < EV.length; i++) if (isFault(EV[i])) faults.push(i);
  }
  // Drawn again from scratch: projector mode changes the text sizes the boxes are fitted to.
  function rebuild() {
    cancelAnimationFrame(anim);
    clear(svg);
    hostEls.clear(); hostAt.clear(); linkEls.clear(); fonts.clear();
    faults = [];
    init();
    relabel();
  }
  // Projector mode: the pane scrolls so that both ends of the current hop are in view.
  function follow(hosts) {
    const pane = $('topo-scroll');
    if (!drawnScale || !pane || pane.scrollWidth <= pane.clientWidth && pane.scrollHeight <= pane.clientHeight) return;
    const boxes = hosts.filter((h) => hostEls.has(h)).map((h) => hostEls.get(h).getBoundingClientRect());
    if (!boxes.length) return;
    const r = pane.getBoundingClientRect();
    const lo = Math.min(...boxes.map((b) => b.left)), hi = Math.max(...boxes.map((b) => b.right));
    const top = Math.min(...boxes.map((b) => b.top)), bottom = Math.max(...boxes.map((b) => b.bottom));
    if (lo < r.left || hi > r.right) pane.scrollLeft += (lo + hi) / 2 - (r.left + r.right) / 2;
    if (top < r.top || bottom > r.bottom) pane.scrollTop += (top + bottom) / 2 - (r.top + r.bottom) / 2;
  }
  // A phone turned round, a window narrowed: a new fixed scale means a new drawing.
  window.addEventListener('resize', () => { if (svg && fixedScale() !== drawnScale) { rebuild(); update({}); } });
  function relabel() {
    for (const h of TR.topology.hosts) {
      const roles = h.services.map((s) => T('svc_' + s)).filter((s) => s.indexOf('svc_') !== 0);
      const node = hostEls.get(h.name).querySelector('.roles');
      const text = roles.length ? roles.join(' · ') : T('role_' + h.role);
      const fits = fitter(node, boxW - 2 * PAD);
      node.textContent = fits(text) ? text : cutToFit(text, fits);
    }
  }
  function routeOf(a, b) {
    const k = a + '\n' + b;
    if (!routes.has(k)) routes.set(k, route(adj, a, b));
    return routes.get(k);
  }
  // The points a token follows along a route: through each host's centre and along each link.
  function pathPoints(hosts) {
    const pts = [];
    for (let k = 0; k < hosts.length; k++) {
      const c = hostAt.get(hosts[k]);
      if (c) pts.push(c);
      if (k + 1 === hosts.length) break;
      const l = linkEls.get(linkKey(hosts[k], hosts[k + 1]));
      if (l) for (const p of (l.a === hosts[k] ? l.pts : l.pts.slice().reverse())) pts.push(p);
    }
    return pts.length ? pts : [[0, 0]];
  }
  // Links and hosts brought down by faults up to the current event.
  function faultState(i) {
    const down = new Map();
    for (const f of faults) {
      if (f > i) break;
      const [k, state] = faultEffect(EV[f], linkKey);
      down.set(k, state);
    }
    return down;
  }
  function token(i, colour) {
    const e = EV[i];
    clear(tokenG);
    if (e.kind === 'content') {
      tokenG.appendChild(sv('rect', { x: -13, y: -9, width: 26, height: 18, rx: 2, fill: '#fff', stroke: colour, 'stroke-width': 2.5 }));
      tokenG.appendChild(sv('path', { d: 'M-13,-9 L0,2 L13,-9', fill: 'none', stroke: colour, 'stroke-width': 2 }));
    } else {
      tokenG.appendChild(sv('circle', { r: 9, fill: colour, stroke: '#fff', 'stroke-width': 2 }));
    }
    tokenG.appendChild(sv('text', { class: 'token-label', x: 16, y: -10, fill: colour }, trunc(alertMark(e) + textOf(i), 42)));
  }
  function place(points, t) {
    const p = pointAlong(points, t);
    tokenG.setAttribute('transform', 'translate(' + p[0] + ',' + p[1] + ')');
  }
  function update(opts) {
    cancelAnimationFrame(anim);
    const i = cur();
    for (const g of hostEls.values()) g.setAttribute('class', 'host');
    for (const l of linkEls.values()) l.el.setAttribute('class', 'link');
    tokenG.setAttribute('visibility', 'hidden');
    const cap = $('topo-caption');
    if (i < 0) { cap.textContent = ''; return; }
    const e = EV[i], down = faultState(i);
    for (const [k, how] of down) {
      if (!how) continue;
      const item = k[0] === 'L' ? linkEls.get(k.slice(1)) : hostEls.get(k.slice(1));
      if (item) (item.el || item).classList.add(how);
    }
    cap.textContent = alertMark(e) + party(e.actor) + (e.peer ? ' → ' + party(e.peer) : '') + ': ' + trunc(textOf(i), 120);
    cap.style.color = e.alert ? alertColour(e.alert) : '';
    if (isFault(e)) return;
    if (hostEls.has(e.actor.host)) hostEls.get(e.actor.host).classList.add('from');
    follow(e.peer ? [e.actor.host, e.peer.host] : [e.actor.host]);
    if (!e.peer || e.peer.host === e.actor.host) return;
    if (hostEls.has(e.peer.host)) hostEls.get(e.peer.host).classList.add('to');
    const path = routeOf(e.actor.host, e.peer.host);
    for (let k = 0; k + 1 < path.length; k++) {
      const l = linkEls.get(linkKey(path[k], path[k + 1]));
      if (l) l.el.classList.add('used');
    }
    const points = pathPoints(path);
    token(i, evColour(i));
    tokenG.setAttribute('visibility', 'visible');
    if (!opts.animate || reduced) { place(points, 1); return; }
    const dur = Math.min(900, 800 / S.speed), t0 = performance.now();
    const stepFn = (now) => {
      const t = Math.min(1, Math.max(0, (now - t0) / dur));  // rAF time can precede the start time
      place(points, t);
      if (t < 1) anim = requestAnimationFrame(stepFn);
    };
    place(points, 0);
    anim = requestAnimationFrame(stepFn);
  }
  return { init, rebuild, relabel, update };
})();
