// Viewer script, part 1: data, state, i18n, filters, navigation, keyboard and playback.
// Every string from the trace reaches the page through textContent or setAttribute only.
const NS = 'http://www.w3.org/2000/svg';
let D = null, TR = null, EV = [], V = null;
let segOf = new Int32Array(0);
let spans = new Map();  // message id -> [first, last] time of its events
const S = { lang: 'en', vis: new Int32Array(0), pos: 0, playing: false, timer: 0, speed: 1, tab: 'details',
  fProto: '', fHost: '', fMsg: '', fFail: false, pointer: false, projector: false, quiz: false, packets: false };
const SPEEDS = [0.25, 0.5, 1, 2, 4, 8, 16];
const MS = {};

function $(id) { return document.getElementById(id); }
function T(key, vars) {
  let s = own(own(V.ui, S.lang), key);
  if (s === undefined) s = own(V.ui.en, key);
  return fillVars(s === undefined ? key : s, vars);
}
function el(tag, attrs, text) {
  const e = document.createElement(tag);
  if (attrs) for (const k of Object.keys(attrs)) e.setAttribute(k, attrs[k]);
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}
function sv(tag, attrs, text) {
  const e = document.createElementNS(NS, tag);
  if (attrs) for (const k of Object.keys(attrs)) e.setAttribute(k, attrs[k]);
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}
function clear(n) { while (n.firstChild) n.removeChild(n.firstChild); }
function stepColour(step) { return V.colours[step - 1] || '#616161'; }
// Transient failures (4xx: the sender retries) are amber with ↻, permanent ones (5xx, a
// bounce) red with ✖: the lesson's main distinction in colour and in sign.
function alertColour(kind) { return kind === 'transient' ? V.transient : V.fail; }
function alertMark(e) { return e.alert === 'transient' ? '↻ ' : e.alert ? '✖ ' : ''; }
function evColour(i) { return EV[i].alert ? alertColour(EV[i].alert) : stepColour(EV[i].step); }
function stepName(step) { return (own(V.steps, S.lang) || V.steps.en)[step - 1] || '?'; }
function party(p) { return p ? p.agent + '@' + p.host : ''; }
function msgsOf(i) { return V.msets[V.mset[i]]; }
// Facts and contents are told in words of the chosen language; protocol lines as sent.
function textOf(i) { const w = V.say[i]; return w ? w[S.lang === 'es' ? 1 : 0] : EV[i].line; }
function cur() { return S.vis.length ? S.vis[S.pos] : -1; }

// ---- filters ----
function passes(i) {
  return passesFilter(EV[i], msgsOf(i), { proto: S.fProto, host: S.fHost, msg: S.fMsg, fail: S.fFail }, spans.get(S.fMsg));
}
function applyFilters(keepIdx) {
  const out = new Int32Array(EV.length);
  let n = 0;
  for (let i = 0; i < EV.length; i++) if (passes(i)) out[n++] = i;
  S.vis = out.subarray(0, n);
  let lo = 0, hi = n;  // first visible event at or after keepIdx
  while (lo < hi) { const mid = (lo + hi) >> 1; if (S.vis[mid] < keepIdx) lo = mid + 1; else hi = mid; }
  S.pos = Math.max(0, Math.min(lo, n - 1));
  Seq.layout();
  Panels.layoutList();
}
function fillSelect(sel, options, value) {
  clear(sel);
  for (const [v, label] of options) { const o = el('option', { value: v }, label); sel.appendChild(o); }
  sel.value = value;
}
function buildFilters() {
  const protos = [], hosts = [];
  for (const e of EV) { const p = protoGroup(e.protocol); if (protos.indexOf(p) < 0) protos.push(p); }
  for (const h of TR.topology.hosts) hosts.push(h.name);
  fillSelect($('f-protocol'), [['', T('all')]].concat(protos.map((p) => [p, p])), S.fProto);
  fillSelect($('f-host'), [['', T('all')]].concat(hosts.map((h) => [h, h])), S.fHost);
  const msgs = V.messages.map((m) => [m.id, m.id + ' — ' + trunc(m.subject, 40)]);
  fillSelect($('f-message'), V.restricted ? msgs : [['', T('all')]].concat(msgs), S.fMsg);
  $('f-message').disabled = !!V.restricted;
  fillSelect($('speed'), SPEEDS.map((s) => [String(s), s + '×']), String(S.speed));
}

// ---- navigation ----
function go(pos, opts) {
  if (!S.vis.length) { render({}); return; }
  // In quiz mode the lesson stops on the line before an unanswered question.
  const g = Quiz.gate(Math.max(0, Math.min(pos, S.vis.length - 1)));
  S.pos = Math.max(0, Math.min(g.pos, S.vis.length - 1));
  render(opts || {});
  if (g.ask >= 0) Quiz.ask(g.ask);
}
function nextEvent() { go(S.pos + 1, { animate: true }); }
function prevEvent() { go(S.pos - 1); }
// Steps move through the story's beats in their order (V.segments is sorted by each beat's
// first event). Beats may interleave (the QUIT of a submission comes after the relay has
// begun), so "next" is the next beat in story order, not the next change of beat.
function beatStart(b) {
  for (let p = 0; p < S.vis.length; p++) if (segOf[S.vis[p]] === b) return p;
  return -1;
}
function nextStep() {
  if (!S.vis.length) return;
  const s = segOf[cur()];
  let best = -1;
  for (let p = 0; p < S.vis.length; p++) {
    const b = segOf[S.vis[p]];
    if (b > s && (best < 0 || b < segOf[S.vis[best]])) best = p;
  }
  if (best >= 0) return go(best, { animate: true });
  go(S.vis.length - 1);
}
function prevStep() {
  if (!S.vis.length) return;
  const s = segOf[cur()], start = beatStart(s);
  if (start >= 0 && start < S.pos) return go(start);
  let prev = -1;
  for (let p = 0; p < S.vis.length; p++) {
    const b = segOf[S.vis[p]];
    if (b < s && b > prev) prev = b;
  }
  go(prev >= 0 ? beatStart(prev) : 0);
}
// Failures are counted and visited as stories (beats): sixty failed polls during an
// outage are one story, a greylisted attempt with its 451 and its deferral another.
function nextFailure() {
  const n = S.vis.length, here = S.vis.length ? segOf[cur()] : -1;
  for (let k = 1; k <= n; k++) {
    const p = (S.pos + k) % n, i = S.vis[p];
    if (EV[i].alert && segOf[i] !== here) return go(p, { animate: true });
  }
}
function gotoTime(us) {
  let lo = 0, hi = S.vis.length;  // last visible event at or before us
  while (lo < hi) { const mid = (lo + hi) >> 1; if (EV[S.vis[mid]].time_us <= us) lo = mid + 1; else hi = mid; }
  go(Math.max(0, lo - 1));
}
function gotoSeq(seq) {
  for (let p = 0; p < S.vis.length; p++) if (EV[S.vis[p]].seq === seq) return go(p);
}
function play(on) {
  S.playing = on;
  clearTimeout(S.timer);
  const b = $('b-play');
  b.textContent = T(on ? 'btn_pause' : 'btn_play');
  b.title = T(on ? 'pause' : 'play');
  b.setAttribute('aria-label', b.title);
  if (on) tick();
}
function tick() {
  S.timer = setTimeout(() => {
    if (!S.playing) return;
    if (S.pos >= S.vis.length - 1) { play(false); return; }
    go(S.pos + 1, { animate: true });
    tick();
  }, 1000 / S.speed);
}
function setSpeed(delta) {
  const k = Math.max(0, Math.min(SPEEDS.length - 1, SPEEDS.indexOf(S.speed) + delta));
  S.speed = SPEEDS[k];
  $('speed').value = String(S.speed);
}

// ---- rendering of the shared parts ----
function render(opts) {
  const i = cur();
  $('empty').hidden = S.vis.length > 0;
  const total = EV.length;
  $('pos').textContent = i < 0 ? T('no_events')
    : T('event_n_of', { n: S.pos + 1, total: S.vis.length }) + (S.vis.length < total ? ' (' + total + ')' : '') +
      ' · #' + EV[i].seq + ' · ' + fmtTime(EV[i].time_us);
  const label = $('step-label'), text = $('step-text');
  if (i < 0) { label.textContent = ''; text.textContent = ''; label.style.background = 'transparent'; }
  else {
    const seg = V.segments[segOf[i]];
    label.textContent = seg[S.lang === 'es' ? 7 : 6];
    label.style.background = stepColour(seg[2]);
    label.dataset.step = String(seg[2]);
    text.textContent = seg[S.lang === 'es' ? 5 : 4];
  }
  // The legend marks the step of the current event (a step-4 decision inside a step-3
  // session lights step 4) and the step the current beat tells.
  const now = i < 0 ? 0 : EV[i].step || 0, told = i < 0 ? 0 : V.segments[segOf[i]][2];
  for (const n of document.querySelectorAll('#legend span[data-step]')) {
    const st = +n.dataset.step;
    n.classList.toggle('current', st === now || (now === 0 && st === told));
    n.setAttribute('aria-current', String(st === now || (now === 0 && st === told)));
  }
  const fails = countFailures();
  $('b-failure').textContent = '⚠ ' + T('failures_n', { n: fails });
  $('b-failure').disabled = fails === 0;
  Seq.update(opts);
  Topo.update(opts);
  Panels.update(opts);
}
let failCache = -1, failKey = null;
function countFailures() {
  if (failKey === S.vis) return failCache;
  const stories = new Set();
  for (let p = 0; p < S.vis.length; p++) if (EV[S.vis[p]].alert) stories.add(segOf[S.vis[p]]);
  const n = stories.size;
  failKey = S.vis; failCache = n;
  return n;
}
function applyLang(lang) {
  S.lang = own(V.ui, lang) ? lang : 'en';
  document.documentElement.lang = S.lang;
  for (const n of document.querySelectorAll('[data-i18n]')) n.textContent = T(n.dataset.i18n);
  for (const n of document.querySelectorAll('[data-i18n-title]')) { n.title = T(n.dataset.i18nTitle); n.setAttribute('aria-label', n.title); }
  for (const n of document.querySelectorAll('[data-i18n-placeholder]')) n.placeholder = T(n.dataset.i18nPlaceholder);
  for (const n of document.querySelectorAll('[data-i18n-label]')) n.setAttribute('aria-label', T(n.dataset.i18nLabel));
  $('lang-en').setAttribute('aria-pressed', String(S.lang === 'en'));
  $('lang-es').setAttribute('aria-pressed', String(S.lang === 'es'));
  const r = $('restricted');
  r.hidden = !V.restricted;
  if (V.restricted) r.textContent = T('restricted', { id: V.restricted });
  buildFilters();
  play(S.playing);
  Seq.legend();
  Topo.relabel();
  render({});
  Quiz.draw();
}

// ---- wiring ----
// One listener on the document: the shortcuts work wherever the focus is, except while typing
// in a field (Escape leaves it). Dropdowns and checkboxes give the focus back after a choice,
// so "choose m1 in Message and press ↓" works with the mouse too.
function onKey(ev) {
  const t = ev.target, tag = t && t.tagName;
  if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') {
    if (ev.key === 'Enter' && t.id === 'jump') { jump(); t.blur(); }
    else if (ev.key === 'Escape') t.blur();
    if (!(tag === 'INPUT' && t.type === 'checkbox') || ev.key === ' ') return;
  }
  if ((ev.key === 'Enter') && (t === $('seq-scroll') || t === $('topo'))) { Panels.showTab('details'); ev.preventDefault(); return; }
  if (tag === 'BUTTON' && (ev.key === ' ' || ev.key === 'Enter')) return;  // the button's own click
  if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
  if (Quiz.onKey(ev)) { ev.preventDefault(); return; }
  switch (ev.key) {
    case 'ArrowRight': nextEvent(); break;
    case 'ArrowLeft': prevEvent(); break;
    case 'ArrowDown': case 'PageDown': nextStep(); break;
    case 'ArrowUp': case 'PageUp': prevStep(); break;
    case 'Home': go(0); break;
    case 'End': go(S.vis.length - 1); break;
    case ' ': play(!S.playing); break;
    case 'f': case 'F': nextFailure(); break;
    case '+': case '=': setSpeed(1); break;
    case 'p': case 'P': setProjector(!S.projector); break;
    case 'q': case 'Q': Quiz.set(!S.quiz); break;
    case 'l': case 'L': Packets.set(!S.packets); break;
    case '-': case '_': setSpeed(-1); break;
    default: return;
  }
  ev.preventDefault();
}
// Projector mode: large type, the network at a fixed legible scale, the panels folded away
// (viewer.css, body.projector). The drawings are laid out again for the new sizes.
function setProjector(on) {
  S.projector = !!on;
  document.body.classList.toggle('projector', S.projector);
  $('b-projector').setAttribute('aria-pressed', String(S.projector));
  Topo.rebuild();
  Seq.layout();
  render({});
}
function jump() {
  const us = parseTime($('jump').value);
  $('jump').setAttribute('aria-invalid', String(us === null));
  if (us !== null) gotoTime(us);
}
function bind() {
  document.addEventListener('keydown', onKey);
  $('b-first').addEventListener('click', () => go(0));
  $('b-prev-step').addEventListener('click', prevStep);
  $('b-prev').addEventListener('click', prevEvent);
  $('b-play').addEventListener('click', () => play(!S.playing));
  $('b-next').addEventListener('click', nextEvent);
  $('b-next-step').addEventListener('click', nextStep);
  $('b-last').addEventListener('click', () => go(S.vis.length - 1));
  $('b-jump').addEventListener('click', jump);
  $('b-failure').addEventListener('click', nextFailure);
  // Was the last action a pointer's? Then a dropdown gives the focus back after a choice; a
  // keyboard user stays in it to try the next option.
  document.addEventListener('pointerdown', () => { S.pointer = true; }, true);
  document.addEventListener('keydown', () => { S.pointer = false; }, true);
  const release = (n) => { if (S.pointer && document.activeElement === n) n.blur(); };
  $('speed').addEventListener('change', () => { S.speed = +$('speed').value; release($('speed')); });
  $('b-projector').addEventListener('click', () => setProjector(!S.projector));
  $('lang-en').addEventListener('click', () => applyLang('en'));
  $('lang-es').addEventListener('click', () => applyLang('es'));
  const refilter = () => {
    const keep = Math.max(0, cur());
    S.fProto = $('f-protocol').value; S.fHost = $('f-host').value; S.fMsg = $('f-message').value;
    S.fFail = $('f-failures').checked;
    applyFilters(keep);
    render({});
    release(document.activeElement);  // the arrows step through the lesson again, not the dropdown
  };
  for (const id of ['f-protocol', 'f-host', 'f-message', 'f-failures']) $(id).addEventListener('change', refilter);
}
MS.init = function () {
  const t0 = performance.now();
  D = JSON.parse($('mailsim-data').textContent);
  TR = D.trace; EV = TR.events; V = D.view;
  segOf = Int32Array.from(V.beatOf);
  spans = messageSpans(EV, msgsOf);
  const hp = hashParams(location.hash);
  if (V.restricted) S.fMsg = V.restricted;
  bind();
  S.projector = hp.projector === '1';
  document.body.classList.toggle('projector', S.projector);
  $('b-projector').setAttribute('aria-pressed', String(S.projector));
  Seq.init(); Topo.init(); Panels.init(); Insp.init(); Quiz.init(); Book.init(); Packets.init();
  applyFilters(0);
  S.lang = hp.lang || V.lang;
  applyLang(S.lang);
  if (hp.seq !== undefined) gotoSeq(+hp.seq);
  Panels.showTab(hp.tab || 'details');
  if (hp.quiz === '1') Quiz.set(true);
  if (hp.packets === '1') Packets.set(true);
  MS.readyMs = performance.now() - t0;
  window.mailsim = {
    readyMs: MS.readyMs,
    state: () => {
      const i = cur();
      return { pos: S.pos, visible: S.vis.length, seq: i < 0 ? -1 : EV[i].seq, step: i < 0 ? 0 : EV[i].step,
        segmentStep: i < 0 ? 0 : V.segments[segOf[i]][2], lang: S.lang, playing: S.playing, tab: S.tab,
        projector: S.projector };
    },
    gotoSeq: gotoSeq,
    quiz: () => Quiz.status(),
    printBook: () => Book.build(),
  };
  document.documentElement.dataset.ready = '1';
};
