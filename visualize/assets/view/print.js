// Viewer script, part 7: printing. Before the browser prints, the lesson is laid out as a
// book, one part of the story (beat) per page: its step, what happens in words, the network
// with that part's hosts and links lit, and its lines (as filtered) with what they mean. The
// screen never shows the book (viewer.css, @media print); it is removed after printing.
const Book = (() => {
  const MAX_PAGES = 80, MAX_LINES = 40;  // a load test would print thousands of pages

  function meaningOf(i) {
    for (const k of V.xsets[V.xset[i]]) {
      const x = V.explain[k];
      if (x) return (S.lang === 'es' ? x.es : x.en) + ' (' + x.rfc + ')';
    }
    return '';
  }
  // The network drawing with the hosts in `lit` and the links in `used` drawn bold.
  function network(lit, used) {
    const pic = $('topo').cloneNode(true);
    pic.removeAttribute('id');
    pic.removeAttribute('tabindex');
    pic.setAttribute('class', 'book-net');
    pic.style.width = ''; pic.style.height = '';
    for (const g of pic.querySelectorAll('g.host')) g.setAttribute('class', 'host' + (lit.has(g.dataset.host) ? ' from' : ''));
    for (const l of pic.querySelectorAll('polyline.link'))
      l.setAttribute('class', 'link' + (used.has(linkKey(l.dataset.a, l.dataset.b)) ? ' used' : ''));
    for (const g of pic.querySelectorAll('g[visibility]')) g.remove();  // the moving token
    return pic;
  }
  function build() {
    remove();
    const book = el('div', { id: 'print-book' });
    const beats = [];
    const lines = new Map();  // beat -> visible event indexes
    for (let p = 0; p < S.vis.length; p++) {
      const i = S.vis[p], b = segOf[i];
      if (!lines.has(b)) { if (beats.length === MAX_PAGES) continue; lines.set(b, []); beats.push(b); }
      lines.get(b).push(i);
    }
    beats.sort((a, b) => a - b);
    const adj = adjacency(TR.topology.links);
    for (const b of beats) {
      const seg = V.segments[b], evs = lines.get(b);
      const page = el('section', { class: 'book-page', 'data-beat': String(b) });
      const h = el('h2', null, seg[S.lang === 'es' ? 7 : 6]);
      h.style.color = stepColour(seg[2]);
      page.appendChild(h);
      page.appendChild(el('p', null, seg[S.lang === 'es' ? 5 : 4]));
      const lit = new Set(), used = new Set();
      for (const i of evs) {
        const e = EV[i];
        if (isFault(e)) continue;
        lit.add(e.actor.host);
        if (!e.peer || e.peer.host === e.actor.host) continue;
        lit.add(e.peer.host);
        const path = route(adj, e.actor.host, e.peer.host);
        for (let k = 0; k + 1 < path.length; k++) used.add(linkKey(path[k], path[k + 1]));
      }
      page.appendChild(network(lit, used));
      const table = el('table');
      const head = el('tr');
      for (const k of ['time', 'd_from', 'd_raw', 'd_meaning']) head.appendChild(el('th', null, T(k)));
      table.appendChild(head);
      for (const i of evs.slice(0, MAX_LINES)) {
        const e = EV[i], tr = el('tr', e.alert ? { class: e.alert } : null);
        tr.appendChild(el('td', null, fmtTime(e.time_us)));
        tr.appendChild(el('td', null, party(e.actor) + (e.peer ? ' → ' + party(e.peer) : '')));
        tr.appendChild(el('td', { class: 'mono' }, alertMark(e) + textOf(i)));
        tr.appendChild(el('td', null, meaningOf(i)));
        table.appendChild(tr);
      }
      page.appendChild(table);
      if (evs.length > MAX_LINES) page.appendChild(el('p', { class: 'muted' }, '… ' + (evs.length - MAX_LINES)));
      book.appendChild(page);
    }
    document.body.appendChild(book);
    return beats.length;
  }
  function remove() { const b = $('print-book'); if (b) b.remove(); }
  function init() {
    window.addEventListener('beforeprint', build);
    window.addEventListener('afterprint', remove);
  }
  return { init, build, remove };
})();
