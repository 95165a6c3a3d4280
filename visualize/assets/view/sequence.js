// Viewer script, part 2: the sequence diagram. Only the rows in view (plus a margin) exist in
// the DOM, so a 50,000-event trace costs the same to draw as a short one.
const Seq = (() => {
  const ROW = 26, LEFT = 110, HEAD = 50, MIN_COL = 160;
  let scroll, body, svg, rows, head, cols = [], colX = {}, colW = 200, width = 600;

  function markers(defs) {
    const colours = V.colours.concat([V.fail]);
    colours.forEach((c, k) => {
      const m = sv('marker', { id: 'arrow' + k, viewBox: '0 0 10 10', refX: '10', refY: '5', markerWidth: '10',
        markerHeight: '10', markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse' });
      m.appendChild(sv('path', { d: 'M0,0 L10,5 L0,10 z', fill: c }));
      defs.appendChild(m);
    });
  }
  function init() {
    scroll = $('seq-scroll'); body = $('seq-body'); svg = $('seq-svg'); head = $('seq-head-svg');
    const defs = sv('defs');
    markers(defs);
    svg.appendChild(defs);
    rows = sv('g');
    svg.appendChild(rows);
    scroll.addEventListener('scroll', draw, { passive: true });
    svg.addEventListener('click', (ev) => {
      const g = ev.target.closest && ev.target.closest('g.seq-row');
      if (!g) return;
      go(+g.dataset.pos);
      Panels.showTab('details');
    });
    window.addEventListener('resize', () => { layout(); draw(); });
  }
  // Lifelines for the agents that appear in the visible events, in first-appearance order.
  function layout() {
    const used = new Uint8Array(V.participants.length);
    for (let p = 0; p < S.vis.length; p++) {
      const i = S.vis[p];
      if (V.from[i] >= 0) used[V.from[i]] = 1;
      if (V.to[i] >= 0) used[V.to[i]] = 1;
    }
    cols = [];
    used.forEach((u, k) => { if (u) cols.push(k); });
    const avail = Math.max(300, (scroll.clientWidth || 900) - LEFT - 16);
    colW = Math.max(MIN_COL, Math.floor(avail / Math.max(1, cols.length)));
    colX = {};
    cols.forEach((k, n) => { colX[k] = LEFT + n * colW + colW / 2; });
    width = LEFT + Math.max(1, cols.length) * colW + 10;
    body.style.height = (S.vis.length * ROW + 20) + 'px';
    body.style.width = width + 'px';
    svg.setAttribute('width', width);
    head.setAttribute('width', width);
    head.setAttribute('height', HEAD);
    clear(head);
    for (const k of cols) {
      const [agent, host] = V.participants[k], x = colX[k];
      head.appendChild(sv('rect', { class: 'part-box', x: x - colW / 2 + 6, y: 4, width: colW - 12, height: HEAD - 8, rx: 6 }));
      head.appendChild(sv('text', { class: 'part-agent', x: x, y: 21, 'text-anchor': 'middle' }, agent));
      head.appendChild(sv('text', { class: 'part-host', x: x, y: 37, 'text-anchor': 'middle' }, trunc(host, colW / 7)));
    }
  }
  function legend() {
    const box = $('legend');
    clear(box);
    for (let s = 1; s <= 6; s++) {
      const span = el('span', { 'data-step': String(s) }, s + ' ' + stepName(s));
      span.style.setProperty('--c', stepColour(s));
      box.appendChild(span);
    }
    const f = el('span', null, '⚠ ' + T('alert_permanent') + ' / ' + T('alert_transient'));
    f.style.setProperty('--c', V.fail);
    box.appendChild(f);
  }
  function row(p, y, current) {
    const i = S.vis[p], e = EV[i], colour = evColour(i), fail = !!e.alert;
    const g = sv('g', { class: 'seq-row' + (current ? ' current' : '') + (fail ? ' fail' : ''),
      'data-pos': p, 'data-seq': e.seq, transform: 'translate(0,' + y + ')' });
    g.appendChild(sv('rect', { class: 'row-bg', x: 0, y: 0, width: width, height: ROW, fill: 'transparent' }));
    if (p === 0 || segOf[i] !== segOf[S.vis[p - 1]])
      g.appendChild(sv('line', { x1: 0, y1: 0.5, x2: width, y2: 0.5, stroke: stepColour(V.segments[segOf[i]][2]), 'stroke-width': 1.5 }));
    g.appendChild(sv('rect', { x: 4, y: 5, width: 18, height: 16, rx: 3, fill: stepColour(e.step) }));
    g.appendChild(sv('text', { x: 13, y: 17, 'text-anchor': 'middle', fill: '#fff', 'font-weight': 700 }, e.step));
    g.appendChild(sv('text', { x: 27, y: 17, fill: '#5f6368' }, fmtTime(e.time_us)));
    const label = (fail ? '⚠ ' : '') + textOf(i);
    const mid = ROW / 2 + 4;
    if (isFault(e) || V.from[i] < 0) {
      // A fault with an alert (link down) is red; its repair (link up) green.
      const ink = fail ? V.fail : '#2e7d32';
      g.appendChild(sv('rect', { x: LEFT, y: 3, width: width - LEFT - 10, height: ROW - 6, fill: fail ? '#ffebee' : '#e8f5e9', stroke: ink }));
      g.appendChild(sv('text', { class: 'label', x: LEFT + (width - LEFT) / 2, y: mid + 1, 'text-anchor': 'middle', fill: ink }, label));
    } else if (V.to[i] < 0 || colX[V.to[i]] === undefined) {
      const x = colX[V.from[i]];
      g.appendChild(sv('rect', { x: x - colW / 2 + 8, y: 3, width: colW - 16, height: ROW - 6, rx: 3, fill: '#fffde7', stroke: colour }));
      g.appendChild(sv('text', { class: 'label', x: x, y: mid + 1, 'text-anchor': 'middle', fill: fail ? V.fail : '#212121' },
        trunc(label, (colW - 20) / 7)));
    } else {
      const x1 = colX[V.from[i]], x2 = colX[V.to[i]];
      const attrs = { class: 'arrow', x1: x1, y1: ROW - 6, x2: x2, y2: ROW - 6, stroke: colour, 'stroke-width': fail ? 2.2 : 1.6,
        'marker-end': 'url(#arrow' + (fail ? 6 : e.step - 1) + ')' };
      if (e.direction === 'response') attrs['stroke-dasharray'] = '6 3';
      g.appendChild(sv('line', attrs));
      const room = Math.max(10, Math.abs(x2 - x1) / 7.3);
      g.appendChild(sv('text', { class: 'label', x: (x1 + x2) / 2, y: ROW - 10, 'text-anchor': 'middle', fill: colour }, trunc(label, room)));
    }
    g.appendChild(sv('title', null, '#' + e.seq + ' ' + party(e.actor) + (e.peer ? ' → ' + party(e.peer) : '') + ': ' + textOf(i)));
    return g;
  }
  function draw() {
    if (!rows) return;
    const n = S.vis.length;
    const top = Math.max(0, scroll.scrollTop - HEAD);
    const first = Math.max(0, Math.floor(top / ROW) - 8);
    const last = Math.min(n - 1, Math.floor((top + scroll.clientHeight) / ROW) + 8);
    clear(rows);
    const h = Math.max(0, (last - first + 1) * ROW);
    svg.setAttribute('height', h);
    svg.style.top = (first * ROW) + 'px';
    for (const k of cols) rows.appendChild(sv('line', { class: 'life', x1: colX[k], y1: 0, x2: colX[k], y2: h }));
    for (let p = first; p <= last; p++) rows.appendChild(row(p, (p - first) * ROW, p === S.pos));
  }
  // Keeps the current row in view, centred when it has to move.
  function reveal() {
    const rowTop = S.pos * ROW, view = scroll.clientHeight - HEAD;
    const top = scroll.scrollTop;
    if (rowTop < top || rowTop + ROW > top + view) scroll.scrollTop = Math.max(0, rowTop - view / 2);
    // Sideways too: both ends of the arrow, or at least its start, in view.
    const i = cur();
    if (i < 0 || V.from[i] < 0 || colX[V.from[i]] === undefined) return;
    const xs = [colX[V.from[i]]];
    if (V.to[i] >= 0 && colX[V.to[i]] !== undefined) xs.push(colX[V.to[i]]);
    const lo = Math.min.apply(null, xs) - colW / 2, hi = Math.max.apply(null, xs) + colW / 2;
    const left = scroll.scrollLeft, w = scroll.clientWidth;
    if (lo < left + LEFT || hi > left + w) scroll.scrollLeft = Math.max(0, hi - lo <= w - LEFT ? lo - LEFT - (w - LEFT - (hi - lo)) / 2 : lo - LEFT);
  }
  function update() { reveal(); draw(); }
  return { init, layout, legend, update, draw };
})();
