// Viewer script, part 2: the sequence diagram. Only the rows in view (plus a margin) exist in
// the DOM, so a 50,000-event trace costs the same to draw as a short one.
const Seq = (() => {
  // Row height, time column, header and narrowest lifeline column; larger in projector mode,
  // where the text is larger (viewer.css).
  const SIZES = { normal: [26, 110, 50, 160], projector: [34, 150, 60, 200] };
  let ROW = 26, LEFT = 110, HEAD = 50, MIN_COL = 160, K = 1;  // K: text size over the normal 12 px
  let scroll, body, svg, rows, head, cols = [], colX = {}, colW = 200, width = 600;

  // Arrowheads: a filled one per step; a transient failure's is open (the story goes on), a
  // permanent failure's is barred (it ends here).
  const HEADS = { open: 'M0,0 L10,5 L0,10', barred: 'M0,0 L9,5 L0,10 z M10,0 h3 v10 h-3 z' };
  function marker(defs, id, colour, shape) {
    const m = sv('marker', { id: id, viewBox: shape === 'open' ? '-1 -1 12 12' : '0 0 13 10', refX: shape === 'barred' ? '13' : '10',
      refY: '5', markerWidth: '13', markerHeight: '10', markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse' });
    m.appendChild(sv('path', shape === 'open' ? { d: HEADS.open, fill: 'none', stroke: colour, 'stroke-width': 2 }
      : { d: shape === 'barred' ? HEADS.barred : 'M0,0 L10,5 L0,10 z', fill: colour }));
    defs.appendChild(m);
  }
  function markers(defs) {
    V.colours.forEach((c, k) => marker(defs, 'arrow' + (k + 1), c, 'filled'));
    marker(defs, 'arrow-transient', V.transient, 'open');
    marker(defs, 'arrow-permanent', V.fail, 'barred');
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
    [ROW, LEFT, HEAD, MIN_COL] = SIZES[S.projector ? 'projector' : 'normal'];
    K = S.projector ? 16 / 12 : 1;
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
      head.appendChild(sv('text', { class: 'part-agent', x: x, y: Math.round(HEAD * 0.42), 'text-anchor': 'middle' }, agent));
      head.appendChild(sv('text', { class: 'part-host', x: x, y: Math.round(HEAD * 0.76), 'text-anchor': 'middle' }, trunc(host, colW / (7 * K))));
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
    // The two kinds of failure, each with its colour, sign and arrow end as drawn.
    for (const kind of ['transient', 'permanent']) {
      const f = el('span', { class: 'fail-key', 'data-alert': kind });
      f.style.setProperty('--c', alertColour(kind));
      const pic = sv('svg', { viewBox: '0 0 34 12', 'aria-hidden': 'true' });
      pic.appendChild(sv('line', { x1: 1, y1: 6, x2: 22, y2: 6, stroke: alertColour(kind), 'stroke-width': 2 }));
      pic.appendChild(sv('path', kind === 'transient'
        ? { d: 'M22,1 L32,6 L22,11', fill: 'none', stroke: alertColour(kind), 'stroke-width': 2 }
        : { d: 'M21,1 L29,6 L21,11 z M30,0 h3 v12 h-3 z', fill: alertColour(kind) }));
      f.appendChild(pic);
      f.appendChild(el('span', null, alertMark({ alert: kind }) + T('legend_' + kind)));
      box.appendChild(f);
    }
  }
  function row(p, y, current) {
    const i = S.vis[p], e = EV[i], colour = evColour(i), fail = !!e.alert;
    const g = sv('g', { class: 'seq-row' + (current ? ' current' : '') + (fail ? ' fail ' + e.alert : ''),
      'data-pos': p, 'data-seq': e.seq, transform: 'translate(0,' + y + ')' });
    g.appendChild(sv('rect', { class: 'row-bg', x: 0, y: 0, width: width, height: ROW, fill: 'transparent' }));
    if (p === 0 || segOf[i] !== segOf[S.vis[p - 1]])
      g.appendChild(sv('line', { x1: 0, y1: 0.5, x2: width, y2: 0.5, stroke: stepColour(V.segments[segOf[i]][2]), 'stroke-width': 1.5 }));
    const base = Math.round(ROW * 0.65);
    g.appendChild(sv('rect', { x: 4, y: (ROW - 16 * K) / 2, width: 18 * K, height: 16 * K, rx: 3, fill: stepColour(e.step) }));
    g.appendChild(sv('text', { x: 4 + 9 * K, y: base, 'text-anchor': 'middle', fill: '#fff', 'font-weight': 700 }, e.step));
    g.appendChild(sv('text', { x: 8 + 20 * K, y: base, fill: '#5f6368' }, fmtTime(e.time_us)));
    const label = alertMark(e) + textOf(i);
    const mid = ROW / 2 + 4;
    if (isFault(e) || V.from[i] < 0) {
      // A fault with an alert (link down) has its alert's colour; its repair (link up) green.
      const ink = fail ? colour : '#256b29';
      g.appendChild(sv('rect', { x: LEFT, y: 3, width: width - LEFT - 10, height: ROW - 6, fill: fail ? '#ffebee' : '#e8f5e9', stroke: ink }));
      g.appendChild(sv('text', { class: 'label', x: LEFT + (width - LEFT) / 2, y: mid + 1, 'text-anchor': 'middle', fill: ink }, label));
    } else if (V.to[i] < 0 || colX[V.to[i]] === undefined) {
      const x = colX[V.from[i]];
      g.appendChild(sv('rect', { x: x - colW / 2 + 8, y: 3, width: colW - 16, height: ROW - 6, rx: 3, fill: '#fffde7', stroke: colour }));
      g.appendChild(sv('text', { class: 'label', x: x, y: mid + 1, 'text-anchor': 'middle', fill: fail ? colour : '#212121' },
        trunc(label, (colW - 20) / (7 * K))));
    } else {
      const x1 = colX[V.from[i]], x2 = colX[V.to[i]];
      const attrs = { class: 'arrow', x1: x1, y1: ROW - 6, x2: x2, y2: ROW - 6, stroke: colour, 'stroke-width': fail ? 2.2 : 1.6,
        'marker-end': 'url(#arrow' + (fail ? '-' + e.alert : e.step) + ')' };
      if (e.direction === 'response') attrs['stroke-dasharray'] = '6 3';
      g.appendChild(sv('line', attrs));
      const room = Math.max(10, Math.abs(x2 - x1) / (7.3 * K));
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
