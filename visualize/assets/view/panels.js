// Viewer script, part 4: the tabbed panels — arrow details with the meaning of each line, the
// (virtualized) event list, the users' mailboxes at the current time, and help.
const Panels = (() => {
  const LROW = 24;
  let list, spacer;

  function init() {
    for (const b of document.querySelectorAll('#tabs button')) b.addEventListener('click', () => showTab(b.dataset.tab));
    list = $('ev-list'); spacer = $('ev-spacer');
    list.addEventListener('scroll', drawList, { passive: true });
    list.addEventListener('click', (ev) => {
      const r = ev.target.closest && ev.target.closest('.row');
      if (r) go(+r.dataset.pos);
    });
  }
  const TABS = ['details', 'message', 'mailboxes', 'events', 'packets', 'help'];
  function showTab(name) {
    S.tab = TABS.indexOf(name) >= 0 ? name : 'details';
    name = S.tab;
    for (const b of document.querySelectorAll('#tabs button')) {
      b.setAttribute('aria-selected', String(b.dataset.tab === name));
      b.setAttribute('aria-pressed', String(b.dataset.tab === name));
    }
    for (const t of TABS) $('panel-' + t).hidden = t !== name;
    update({});
  }
  function kv(dl, k, v, cls) {
    dl.appendChild(el('dt', null, k));
    const dd = el('dd', cls ? { class: cls } : null, v);
    dl.appendChild(dd);
    return dd;
  }
  function details() {
    const box = $('panel-details');
    clear(box);
    const i = cur();
    if (i < 0) { box.appendChild(el('p', { class: 'muted' }, T('no_events'))); return; }
    const e = EV[i];
    const h = el('h3', null, T('d_seq') + ' #' + e.seq + ' · ' + fmtTime(e.time_us) + ' · ');
    const b = el('span', { class: 'badge' }, T('step') + ' ' + e.step + ' · ' + stepName(e.step));
    b.style.background = stepColour(e.step);
    h.appendChild(b);
    box.appendChild(h);
    const dl = el('dl', { class: 'kv' });
    kv(dl, T('d_from'), party(e.actor));
    if (e.peer) kv(dl, T('d_to'), party(e.peer));
    kv(dl, T('d_protocol'), e.kind === 'fact' ? T(isFault(e) ? 'kind_fault' : 'kind_fact')
      : e.protocol + (e.direction ? ' · ' + T(e.direction) : ''));
    if (msgsOf(i).length) kv(dl, T('d_message'), msgsOf(i).join(', '));
    if (e.conn !== null && e.conn !== undefined) kv(dl, T('d_conn'), String(e.conn));
    box.appendChild(dl);
    box.appendChild(el('h3', null, T('d_raw')));
    box.appendChild(el('pre', { class: 'raw', id: 'detail-raw' }, textOf(i)));
    if (e.alert) box.appendChild(el('p', { class: 'alert ' + e.alert }, alertMark(e) + T('alert_' + e.alert)));
    box.appendChild(el('h3', null, T('d_meaning')));
    for (const k of V.xsets[V.xset[i]]) {
      const x = V.explain[k];
      if (!x) continue;
      const d = el('div', { class: 'meaning', 'data-key': k });
      d.appendChild(el('div', null, S.lang === 'es' ? x.es : x.en));
      d.appendChild(el('div', { class: 'rfc' }, T('d_rfc') + ': ' + x.rfc));
      box.appendChild(d);
    }
    if (e.kind === 'content') {
      const btn = el('button', { id: 'open-inspector' }, T('open_inspector'));
      btn.addEventListener('click', () => { Insp.pick(i); showTab('message'); });
      box.appendChild(btn);
    }
  }
  function layoutList() { if (spacer) spacer.style.height = (S.vis.length * LROW) + 'px'; }
  function drawList() {
    if (S.tab !== 'events') return;
    $('ev-count').textContent = T('ev_shown', { n: S.vis.length, total: EV.length });
    for (const r of list.querySelectorAll('.row')) r.remove();
    const first = Math.max(0, Math.floor(list.scrollTop / LROW) - 5);
    const last = Math.min(S.vis.length - 1, first + Math.ceil(list.clientHeight / LROW) + 10);
    for (let p = first; p <= last; p++) {
      const i = S.vis[p], e = EV[i];
      const r = el('div', { class: 'row' + (p === S.pos ? ' current' : '') + (e.alert ? ' fail ' + e.alert : ''), 'data-pos': p },
        '#' + e.seq + '  ' + fmtTime(e.time_us) + '  ' + e.step + '  ' + party(e.actor) + (e.peer ? ' → ' + party(e.peer) : '') +
        '  ' + alertMark(e) + textOf(i));
      r.style.top = (p * LROW) + 'px';
      r.style.borderLeft = '5px solid ' + stepColour(e.step);
      list.appendChild(r);
    }
  }
  function revealList() {
    const y = S.pos * LROW;
    if (y < list.scrollTop || y + LROW > list.scrollTop + list.clientHeight) list.scrollTop = Math.max(0, y - list.clientHeight / 2);
  }
  // What each user has at the current event: the server mailbox (and what left it), the
  // MUA's local copies, and the mail the user sent. Replayed from the facts (V.boxes).
  // What each user has at the current event: the server mailbox (and what left it), the
  // MUA's local copies, and the mail the user sent. Replayed from the facts (V.boxes).
  function mailboxes() {
    const box = $('panel-mailboxes');
    clear(box);
    const i = cur();
    const now = i < 0 ? 0 : EV[i].time_us;
    box.appendChild(el('p', { class: 'muted' }, T('time') + ': ' + fmtTime(now)));
    if (!TR.users.length) { box.appendChild(el('p', null, T('mb_none'))); return; }
    const info = new Map(V.messages.map((m) => [m.id, m]));
    const label = (id) => {
      const m = info.get(id);
      return id + ' — ' + (m ? m.subject + ' (' + (m.from || 'MAILER-DAEMON') + ')' : '');
    };
    const boxes = mailboxesAt(V.boxes, i);
    const sums = (TR.summary && TR.summary.messages) || [];
    for (const u of TR.users) {
      const div = el('div', { class: 'mbox' });
      div.appendChild(el('h3', null, u.address));
      const mine = boxes.get(u.address) || { server: [], removed: [], local: [] };
      const sent = [];
      for (const m of sums)
        if (m.from === u.address && m.submitted_us !== null && m.submitted_us !== undefined && m.submitted_us <= now)
          sent.push(m.id + ' — ' + (m.subject || '') + ': ' + (m.recipients || []).map((r) =>
            r.address + ' (' + T('mb_' + r.status) + ')').join(', '));
      const section = (title, items, cls) => {
        div.appendChild(el('div', { class: 'muted' }, title));
        const ul = el('ul');
        if (!items.length) ul.appendChild(el('li', { class: 'muted' }, T('mb_empty')));
        const shown = items.slice(-30);
        if (items.length > shown.length) ul.appendChild(el('li', { class: 'muted' }, '… ' + (items.length - shown.length)));
        for (const it of shown) ul.appendChild(el('li', cls ? { class: cls } : null, it));
        div.appendChild(ul);
      };
      section(T('mb_server', { server: u.server }), mine.server.map(label));
      if (mine.removed.length) section(T('mb_removed'), mine.removed.map(label), 'removed');
      section(T('mb_local', { host: u.host }), mine.local.map(label));
      if (sent.length) section(T('mb_sent'), sent);
      box.appendChild(div);
    }
  }
  function help() {
    const box = $('panel-help');
    clear(box);
    const d = TR.scenario.description || {};
    box.appendChild(el('h3', null, TR.scenario.name));
    const desc = own(d, S.lang) || own(d, 'en');
    if (desc) box.appendChild(el('p', null, desc));
    box.appendChild(el('h3', null, T('help_title')));
    box.appendChild(el('p', null, T('help_keys')));
    box.appendChild(el('p', null, T('help_colors')));
    const tot = TR.summary && TR.summary.totals;
    if (tot) { box.appendChild(el('h3', null, T('summary'))); box.appendChild(el('p', null, T('totals', tot))); }
    box.appendChild(el('p', { class: 'muted' }, 'mailsim ' + (TR.mailsim_version || '') + ' · seed ' + TR.seed));
  }
  function update() {
    if (S.tab === 'details') details();
    else if (S.tab === 'events') { revealList(); drawList(); }
    else if (S.tab === 'mailboxes') mailboxes();
    else if (S.tab === 'message') Insp.update();
    else if (S.tab === 'help') help();
    else if (S.tab === 'packets') Packets.draw();
  }
  return { init, showTab, update, layoutList };
})();
