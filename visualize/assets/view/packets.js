// Viewer script, part 8: below the application layer (button or key L; needs
// `visualize --packets`, from `run --trace-packets`). The Packets tab lists the TCP segments of
// the current line's connection (found by its handshake: the last SYN between the two hosts
// before the connection's first line) or the UDP datagrams between its two hosts, up to the
// current time; a retransmitted segment is marked ↻ (the lossy-link lesson shows its losses).
const Packets = (() => {
  const T_ = 0, FROM = 1, TO = 2, PROTO = 3, SPORT = 4, DPORT = 5, FLAGS = 6, SEQ = 7, ACK = 8, LEN = 9, RTX = 10;
  let firstOfConn = null;  // conn -> time of its first line

  function have() { return (V.packets || []).length > 0; }
  function upTo(now) {  // packets sent at or before `now` (they are in time order)
    let lo = 0, hi = V.packets.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (V.packets[mid][T_] <= now) lo = mid + 1; else hi = mid; }
    return lo;
  }
  function connStart(conn) {
    if (!firstOfConn) {
      firstOfConn = new Map();
      for (const e of EV) if (e.conn !== null && e.conn !== undefined && !firstOfConn.has(e.conn)) firstOfConn.set(e.conn, e.time_us);
    }
    return firstOfConn.get(conn);
  }
  // The packets of the current line's conversation, and a sentence saying whose they are.
  function select(i) {
    const e = EV[i];
    if (!e.peer || e.peer.host === e.actor.host) return null;
    const a = e.actor.host, b = e.peer.host, n = upTo(e.time_us);
    const between = (p) => (p[FROM] === a && p[TO] === b) || (p[FROM] === b && p[TO] === a);
    const out = [];
    if (e.protocol === 'DNS' || e.conn === null || e.conn === undefined) {
      for (let k = 0; k < n; k++) if (V.packets[k][PROTO] === 'UDP' && between(V.packets[k])) out.push(V.packets[k]);
      return { rows: out.slice(-30), a: a, b: b };
    }
    const start = connStart(e.conn);
    let ports = null;
    for (let k = upTo(start) - 1; k >= 0 && !ports; k--) {
      const p = V.packets[k];
      if (p[PROTO] === 'TCP' && between(p) && p[FLAGS] === 'SYN') ports = [p[SPORT], p[DPORT]];
    }
    if (!ports) return { rows: [], a: a, b: b };
    for (let k = 0; k < n; k++) {
      const p = V.packets[k];
      if (p[PROTO] === 'TCP' && between(p) && ((p[SPORT] === ports[0] && p[DPORT] === ports[1]) || (p[SPORT] === ports[1] && p[DPORT] === ports[0])))
        out.push(p);
    }
    return { rows: out, a: a, b: b };
  }
  function draw() {
    const box = $('panel-packets');
    clear(box);
    const i = cur();
    const sel = i < 0 ? null : select(i);
    if (!sel) { box.appendChild(el('p', { class: 'muted' }, T('pk_none'))); return; }
    const rtx = sel.rows.filter((p) => p[RTX]).length;
    box.appendChild(el('p', { id: 'pk-summary' }, T('pk_summary', { n: sel.rows.length, a: sel.a, b: sel.b, rtx: rtx })));
    const table = el('table', { class: 'hdrs packets' });
    const head = el('tr');
    for (const k of ['time', 'pk_way', 'pk_flags', 'pk_seq', 'pk_ack', 'pk_len', '']) head.appendChild(el('th', null, k ? T(k) : ''));
    table.appendChild(head);
    for (const p of sel.rows.slice(-200)) {
      const tr = el('tr', p[RTX] ? { class: 'rtx' } : null);
      for (const v of [fmtTime(p[T_]), p[FROM] + ':' + p[SPORT] + ' → ' + p[TO] + ':' + p[DPORT], p[PROTO] + (p[FLAGS] ? ' ' + p[FLAGS] : ''),
        p[PROTO] === 'TCP' ? p[SEQ] : '', p[PROTO] === 'TCP' && p[FLAGS].indexOf('ACK') >= 0 ? p[ACK] : '', p[LEN], p[RTX] ? T('pk_rtx') : ''])
        tr.appendChild(el('td', null, String(v)));
      table.appendChild(tr);
    }
    box.appendChild(table);
  }
  function set(on) {
    S.packets = !!on && have();
    $('b-packets').setAttribute('aria-pressed', String(S.packets));
    $('tab-packets').hidden = !S.packets;
    if (S.packets) Panels.showTab('packets');
    else if (S.tab === 'packets') Panels.showTab('details');
  }
  function init() {
    $('b-packets').hidden = !have();
    $('tab-packets').hidden = true;
    $('b-packets').addEventListener('click', () => set(!S.packets));
  }
  return { init, set, draw };
})();
