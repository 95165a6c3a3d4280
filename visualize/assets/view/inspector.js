// Viewer script, part 5: the message inspector. Shows one copy of a message as it crossed the
// network: its header fields, the Received chain hop by hop (read from the bottom up), the
// MIME parts with their text decoded, and the attachments. The parsing is done once, in C++
// (visualize/inspect.cpp with agents/mime): V.mime holds one entry per distinct copy and
// V.contents maps content events to it.
const Insp = (() => {
  const copies = new Map();  // message id -> content event indexes
  const mimeOf = new Map();  // content event index -> entry of V.mime
  let chosen = -1, pickedAt = -1, shownFor = null;

  function init() {
    for (const [i, k] of V.contents) mimeOf.set(i, V.mime[k]);
    for (let i = 0; i < EV.length; i++)
      if (EV[i].kind === 'content')
        for (const m of msgsOf(i)) { if (!copies.has(m)) copies.set(m, []); copies.get(m).push(i); }
  }
  function partView(box, p) {
    const d = el('div', { class: 'part' });
    d.style.setProperty('--depth', p.depth);
    const info = [p.type, p.charset, p.encoding, p.disposition, p.filename,
      p.octets !== undefined ? T('i_octets', { n: p.octets }) : ''].filter((x) => x);
    d.appendChild(el('div', { class: 'mono' }, info.join(' · ')));
    if (p.text !== undefined) d.appendChild(el('pre', null, p.text));
    box.appendChild(d);
  }
  function pick(i) { chosen = i; pickedAt = cur(); shownFor = null; }
  function messageOf(i) {
    if (S.fMsg) return S.fMsg;
    const ms = i >= 0 ? msgsOf(i) : [];
    if (ms.length) return ms[0];
    return TR.messages.length ? TR.messages[0].id : null;
  }
  function receivedChain(box, hops) {
    box.appendChild(el('h3', null, T('i_received')));
    if (!hops.length) { box.appendChild(el('p', { class: 'muted' }, T('i_no_received'))); return; }
    box.appendChild(el('p', { class: 'muted' }, T('i_received_help')));
    const ol = el('ol', { class: 'hops' });
    hops.forEach((r, n) => {
      const li = el('li', null, T('i_hop', { n: n + 1, from: r.from || '?', by: r.by || '?' }));
      const bits = [r.with && T('i_with') + ' ' + r.with, r.id && T('i_id') + ' ' + r.id, r.for && T('i_for') + ' ' + r.for,
        r.date && T('i_date') + ' ' + r.date].filter((x) => x);
      li.appendChild(el('div', { class: 'muted' }, bits.join(' · ')));
      ol.appendChild(li);
    });
    box.appendChild(ol);
  }
  function update() {
    const box = $('panel-message'), i = cur();
    if (pickedAt !== i) chosen = -1;  // a pick holds until the cursor moves
    if (chosen < 0 && i >= 0 && EV[i].kind === 'content') chosen = i;
    const id = chosen >= 0 ? msgsOf(chosen)[0] || messageOf(i) : messageOf(i);
    const list = (id !== null && copies.get(id)) || [];
    let which = chosen >= 0 && list.indexOf(chosen) >= 0 ? chosen : -1;
    if (which < 0) for (const c of list) if (c <= i) which = c;
    const k = id + '\n' + which + '\n' + S.lang;
    if (k === shownFor) return;
    shownFor = k;
    clear(box);
    const meta = TR.messages.find((m) => m.id === id);
    if (!meta && !list.length) { box.appendChild(el('p', { class: 'muted' }, T('i_pick_message'))); return; }
    if (meta) box.appendChild(el('h3', null, id + ' — ' + meta.subject));
    if (list.length) {
      const sel = el('select', { id: 'copy-select', 'aria-label': T('i_copies') });
      for (const c of list) {
        const e = EV[c];
        sel.appendChild(el('option', { value: c }, T('i_copy', { seq: e.seq, step: e.step, from: party(e.actor), to: party(e.peer) })));
      }
      if (which >= 0) sel.value = String(which);
      sel.addEventListener('change', () => { pick(+sel.value); update(); });
      const l = el('label', null, T('i_copies') + ' ');
      l.appendChild(sel);
      box.appendChild(l);
    }
    const m = which >= 0 ? mimeOf.get(which) : undefined;
    if (!m) { box.appendChild(el('p', { class: 'muted' }, T('i_none'))); return; }
    receivedChain(box, m.received);
    box.appendChild(el('h3', null, T('i_headers')));
    const tbl = el('table', { class: 'hdrs' });
    for (const [name, value] of m.headers) {
      const tr = el('tr');
      tr.appendChild(el('td', null, name));
      tr.appendChild(el('td', null, value));
      tbl.appendChild(tr);
    }
    box.appendChild(tbl);
    if (m.return_path !== undefined) box.appendChild(el('p', null, T('i_return_path') + ': ' + m.return_path));
    box.appendChild(el('h3', null, T('i_parts')));
    for (const p of m.parts) partView(box, p);
    if (m.attachments.length) {
      box.appendChild(el('h3', null, T('i_attachments')));
      const ul = el('ul');
      for (const a of m.attachments) ul.appendChild(el('li', null, a.filename + ' · ' + a.type + ' · ' + T('i_octets', { n: a.octets })));
      box.appendChild(ul);
    }
    const text = EV[which].text || '';
    const det = el('details');
    det.appendChild(el('summary', null, T('i_raw') + ' (' + T('i_octets', { n: m.octets }) + ')'));
    det.appendChild(el('pre', null, trunc(text, 100000)));
    box.appendChild(det);
  }
  return { init, update, pick };
})();
