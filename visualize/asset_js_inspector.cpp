// Viewer script, part 5: the message inspector. Parses the content events' text (RFC 5322
// header fields, RFC 2047 encoded words, MIME multipart, base64 and quoted-printable) and
// explains the Received chain hop by hop. Parsing is bounded: depth 8, 200 parts.
#include "visualize/assets.hpp"

namespace mailsim::viz::assets {

std::string_view js_inspector() {
  return R"JS(
const Insp = (() => {
  let copies = {}, chosen = -1, pickedAt = -1, shownFor = null;

  function init() {
    for (let i = 0; i < EV.length; i++)
      if (EV[i].kind === 'content') for (const m of msgsOf(i)) (copies[m] = copies[m] || []).push(i);
  }
  function bytesToText(bytes, charset) {
    try { return new TextDecoder((charset || 'utf-8').toLowerCase()).decode(bytes); }
    catch (err) { return new TextDecoder('utf-8').decode(bytes); }
  }
  function b64(s) {
    try {
      const bin = atob(s.replace(/[^A-Za-z0-9+/=]/g, ''));
      const out = new Uint8Array(bin.length);
      for (let k = 0; k < bin.length; k++) out[k] = bin.charCodeAt(k);
      return out;
    } catch (err) { return null; }
  }
  function qp(s, header) {
    if (header) s = s.replace(/_/g, ' ');
    s = s.replace(/=\r?\n/g, '');
    const out = [];
    for (let k = 0; k < s.length; k++) {
      const c = s[k];
      if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(s.substr(k + 1, 2))) { out.push(parseInt(s.substr(k + 1, 2), 16)); k += 2; }
      else { const enc = new TextEncoder().encode(c); for (const b of enc) out.push(b); }
    }
    return new Uint8Array(out);
  }
  // RFC 2047: =?charset?B|Q?text?= inside header values.
  function words(v) {
    return v.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (m, cs, enc, txt) => {
      const bytes = enc.toUpperCase() === 'B' ? b64(txt) : qp(txt, true);
      return bytes ? bytesToText(bytes, cs) : m;
    });
  }
  // Undoes dot-stuffing, unfolds header lines, splits header from body.
  function entity(lines, depth, budget) {
    const headers = [];
    let k = 0;
    for (; k < lines.length; k++) {
      const l = lines[k];
      if (l === '') { k++; break; }
      if ((l[0] === ' ' || l[0] === '\t') && headers.length) headers[headers.length - 1].value += ' ' + l.trim();
      else { const c = l.indexOf(':'); headers.push(c > 0 ? { name: l.slice(0, c), value: l.slice(c + 1).trim() } : { name: '', value: l }); }
    }
    const body = lines.slice(k);
    const get = (n) => { const h = headers.find((x) => x.name.toLowerCase() === n); return h ? h.value : ''; };
    const ct = get('content-type') || 'text/plain';
    const ent = { headers, body, get, type: ct.split(';')[0].trim().toLowerCase(), ct, parts: [] };
    const boundary = param(ct, 'boundary');
    if (ent.type.startsWith('multipart/') && boundary && depth < 8) {
      let part = null;
      for (const l of body) {
        if (l === '--' + boundary || l === '--' + boundary + '--') {
          if (part && budget.n-- > 0) ent.parts.push(entity(part, depth + 1, budget));
          if (l === '--' + boundary + '--') break;
          part = [];
        } else if (part) part.push(l);
      }
    }
    return ent;
  }
  function param(v, name) {
    const m = new RegExp(';\\s*' + name + '\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))', 'i').exec(v || '');
    return m ? (m[1] !== undefined ? m[1] : m[2]) : '';
  }
  function decode(ent) {
    const enc = ent.get('content-transfer-encoding').toLowerCase(), raw = ent.body.join('\r\n');
    if (enc === 'base64') return b64(raw) || new Uint8Array(0);
    if (enc === 'quoted-printable') return qp(raw, false);
    return new TextEncoder().encode(raw);
  }
  // "from a (b [ip]) by c with P id Q for <r>; date" -> its pieces.
  function received(v) {
    const f = /\bfrom\s+(\S+)(?:\s+\(([^)]*)\))?/i.exec(v), by = /\bby\s+(\S+)/i.exec(v), w = /\bwith\s+(\S+)/i.exec(v);
    const id = /\bid\s+([^\s;]+)/i.exec(v), fo = /\bfor\s+<?([^>\s;]+)>?/i.exec(v), semi = v.lastIndexOf(';');
    return { from: f ? f[1] + (f[2] ? ' (' + f[2] + ')' : '') : '?', by: by ? by[1] : '?', with: w ? w[1] : '',
      id: id ? id[1] : '', for: fo ? fo[1] : '', date: semi >= 0 ? v.slice(semi + 1).trim() : '' };
  }
  function partView(box, ent, depth, attachments) {
    const d = el('div', { class: 'part' });
    d.style.setProperty('--depth', depth);
    const disp = ent.get('content-disposition'), name = param(disp, 'filename') || param(ent.ct, 'name');
    const bytes = ent.parts.length ? null : decode(ent);
    const info = [ent.type, param(ent.ct, 'charset'), ent.get('content-transfer-encoding'), disp.split(';')[0], name,
      bytes ? T('i_octets', { n: bytes.length }) : ''].filter((x) => x);
    d.appendChild(el('div', { class: 'mono' }, info.join(' · ')));
    if (bytes && /attachment/i.test(disp)) attachments.push(name + ' · ' + ent.type + ' · ' + T('i_octets', { n: bytes.length }));
    else if (bytes && ent.type.startsWith('text/')) d.appendChild(el('pre', null, trunc(bytesToText(bytes, param(ent.ct, 'charset')), 20000)));
    box.appendChild(d);
    for (const p of ent.parts) partView(box, p, depth + 1, attachments);
  }
  function pick(i) { chosen = i; pickedAt = cur(); shownFor = null; }
  function messageOf(i) {
    if (S.fMsg) return S.fMsg;
    const ms = i >= 0 ? msgsOf(i) : [];
    if (ms.length) return ms[0];
    return TR.messages.length ? TR.messages[0].id : null;
  }
  function update() {
    const box = $('panel-message'), i = cur();
    if (pickedAt !== i) chosen = -1;  // a pick holds until the cursor moves
    if (chosen < 0 && i >= 0 && EV[i].kind === 'content') chosen = i;
    let id = chosen >= 0 ? msgsOf(chosen)[0] || messageOf(i) : messageOf(i);
    const list = (id && copies[id]) || [];
    let which = chosen >= 0 && list.indexOf(chosen) >= 0 ? chosen : -1;
    if (which < 0) for (const c of list) if (c <= i) which = c;
    const k = id + '|' + which + '|' + S.lang;
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
    if (which < 0) { box.appendChild(el('p', { class: 'muted' }, T('i_none'))); return; }
    const text = EV[which].text || '';
    const lines = text.split('\r\n').map((l) => (l.startsWith('..') ? l.slice(1) : l));
    const ent = entity(lines, 0, { n: 200 });
    box.appendChild(el('h3', null, T('i_received')));
    const recs = ent.headers.filter((h) => h.name.toLowerCase() === 'received').reverse();
    if (!recs.length) box.appendChild(el('p', { class: 'muted' }, T('i_no_received')));
    else {
      box.appendChild(el('p', { class: 'muted' }, T('i_received_help')));
      const ol = el('ol', { class: 'hops' });
      recs.forEach((h, n) => {
        const r = received(h.value);
        const li = el('li', null, T('i_hop', { n: n + 1, from: r.from, by: r.by }));
        const bits = [r.with && T('i_with') + ' ' + r.with, r.id && T('i_id') + ' ' + r.id, r.for && T('i_for') + ' ' + r.for,
          r.date && T('i_date') + ' ' + r.date].filter((x) => x);
        li.appendChild(el('div', { class: 'muted' }, bits.join(' · ')));
        ol.appendChild(li);
      });
      box.appendChild(ol);
    }
    box.appendChild(el('h3', null, T('i_headers')));
    const tbl = el('table', { class: 'hdrs' });
    for (const h of ent.headers) {
      const tr = el('tr');
      tr.appendChild(el('td', null, h.name));
      tr.appendChild(el('td', null, words(h.value)));
      tbl.appendChild(tr);
    }
    box.appendChild(tbl);
    const rp = ent.get('return-path');
    if (rp) box.appendChild(el('p', null, T('i_return_path') + ': ' + rp));
    box.appendChild(el('h3', null, T('i_parts')));
    const attachments = [];
    partView(box, ent, 0, attachments);
    if (attachments.length) {
      box.appendChild(el('h3', null, T('i_attachments')));
      const ul = el('ul');
      for (const a of attachments) ul.appendChild(el('li', null, a));
      box.appendChild(ul);
    }
    const det = el('details');
    det.appendChild(el('summary', null, T('i_raw') + ' (' + T('i_octets', { n: new TextEncoder().encode(text).length }) + ')'));
    det.appendChild(el('pre', null, trunc(text, 100000)));
    box.appendChild(det);
  }
  return { init, update, pick };
})();
)JS";
}

}  // namespace mailsim::viz::assets
