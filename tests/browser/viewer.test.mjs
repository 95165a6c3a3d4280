// Drives Debian's chromium through mailsim's HTML viewer (issue 5).
//
// usage: node viewer.test.mjs --six SIX.html --xss XSS.html --big BIG.html
//                             [--failures FAILURES.html] [--proto PROTO.html]
//                             [--backup BACKUP-MX.html] [--three THREE-DOMAINS.html] [--shots DIR]
//
// Fails on any console error, page error, dialog (alert) or network request other than the
// page itself. Prints "big-trace-open-ms: N" (load to first answered key, wall clock),
// "big-trace-viewer-ms: N" (the viewer's own work in it) as figures only: on a shared machine
// a time says more about the load than about the viewer, so no assertion rests on one (speed
// targets belong in bench/). Closes with a "N passed, N failed" line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { boxesOverlap, segmentHitsBox } from '../../visualize/assets/lib/geometry.js';

const args = {};
for (let k = 2; k < process.argv.length; k += 2) args[process.argv[k].replace(/^--/, '')] = process.argv[k + 1];
for (const need of ['six', 'xss', 'big']) {
  if (!args[need]) { console.error(`missing --${need} FILE.html`); process.exit(2); }
}
const shots = args.shots || fs.mkdtempSync(path.join(os.tmpdir(), 'mailsim-shots-'));
fs.mkdirSync(shots, { recursive: true });

let passed = 0, failed = 0;
const problems = [];  // console errors, requests, dialogs: each fails the run
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok - ${name}`);
  } catch (err) {
    failed++;
    console.log(`not ok - ${name}\n  ${String(err && err.stack || err).split('\n').join('\n  ')}`);
  }
}
function assert(cond, what) { if (!cond) throw new Error(what); }

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailsim-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic'],
  viewport: { width: 1400, height: 860 },
});
let allowed = new Set();
context.on('request', (req) => {
  const url = req.url().replace(/#.*$/, '');
  if (!allowed.has(url)) problems.push(`network request: ${req.url()}`);
});

async function open(file, hash = '') {
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error in ${path.basename(file)}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error in ${path.basename(file)}: ${e.message}`));
  page.on('dialog', async (d) => { problems.push(`dialog (${d.type()}) opened: ${d.message()}`); await d.dismiss(); });
  const url = pathToFileURL(path.resolve(file)).href;
  allowed.add(url);
  const t0 = Date.now();
  await page.goto(url + hash);
  await page.waitForFunction(() => document.documentElement.dataset.ready === '1', null, { timeout: 30000 });
  return { page, ms: Date.now() - t0 };
}
const state = (page) => page.evaluate(() => window.mailsim.state());
const label = (page) => page.textContent('#step-label');
async function highlighted(page) {
  return page.evaluate(() => {
    const rows = document.querySelectorAll('#seq-svg g.seq-row.current');
    return rows.length === 1 ? +rows[0].dataset.seq : -rows.length;
  });
}
async function shot(page, name) { await page.screenshot({ path: path.join(shots, name) }); }

// The network as drawn on screen: no two host boxes overlap, no link segment passes through a
// box other than its two ends, every host's label is on the drawing and all text stays in its box.
async function checkNetwork(page, what) {
  const g = await page.evaluate(() => {
    const rect = (n) => { const r = n.getBoundingClientRect(); return { x: r.left, y: r.top, w: r.width, h: r.height }; };
    const hosts = [...document.querySelectorAll('#topo g.host')].map((h) => ({
      name: h.dataset.host, box: rect(h.querySelector('rect.host-box')),
      texts: [...h.querySelectorAll('text')].map((t) => ({ cls: t.getAttribute('class'), text: t.textContent, r: rect(t) })),
    }));
    const links = [...document.querySelectorAll('#topo polyline.link')].map((l) => {
      const m = l.getScreenCTM();
      return { a: l.dataset.a, b: l.dataset.b, pts: [...l.points].map((p) => [m.a * p.x + m.c * p.y + m.e, m.b * p.x + m.d * p.y + m.f]) };
    });
    const topo = JSON.parse(document.getElementById('mailsim-data').textContent).trace.topology;
    return { hosts, links, topo };
  });
  assert(g.hosts.length === g.topo.hosts.length, `${what}: ${g.hosts.length} boxes for ${g.topo.hosts.length} hosts`);
  assert(g.links.length === g.topo.links.length, `${what}: ${g.links.length} links drawn of ${g.topo.links.length}`);
  const bad = [];
  for (let i = 0; i < g.hosts.length; i++)
    for (let j = i + 1; j < g.hosts.length; j++)
      if (boxesOverlap(g.hosts[i].box, g.hosts[j].box)) bad.push(`boxes ${g.hosts[i].name} and ${g.hosts[j].name} overlap`);
  let segments = 0;
  for (const l of g.links)
    for (let k = 0; k + 1 < l.pts.length; k++, segments++)
      for (const h of g.hosts)
        if (h.name !== l.a && h.name !== l.b && segmentHitsBox(l.pts[k], l.pts[k + 1], h.box, 0.5))
          bad.push(`link ${l.a}--${l.b} passes behind ${h.name}`);
  for (const h of g.hosts) {
    const host = g.topo.hosts.find((x) => x.name === h.name);
    const label = h.texts.filter((t) => t.cls === 'host-label').map((t) => t.text).join(' ');
    if (host.label && !(label.length > 0 && host.label.startsWith(label.replace(/…$/, '')))) bad.push(`${h.name}: label "${label}" for "${host.label}"`);
    if (!h.texts.some((t) => t.cls === 'name' && t.text.length > 0)) bad.push(`${h.name}: no name on the box`);
    for (const t of h.texts)
      if (t.text && (t.r.x < h.box.x - 0.5 || t.r.y < h.box.y - 0.5 || t.r.x + t.r.w > h.box.x + h.box.w + 0.5 || t.r.y + t.r.h > h.box.y + h.box.h + 0.5))
        bad.push(`${h.name}: text "${t.text}" sticks out of its box`);
  }
  assert(bad.length === 0, `${what}:\n  ` + bad.join('\n  '));
  console.log(`network-geometry ${what}: ${g.hosts.length} boxes, ${segments} link segments, no overlap, nothing behind a box`);
}

// ---- the six-steps lesson ----
const { page: six } = await open(args.six);
const stepNames = await six.evaluate(() => JSON.parse(document.getElementById('mailsim-data').textContent).view.steps);

await check('six-steps opens at step 1 with its first arrow highlighted', async () => {
  const s = await state(six);
  assert(s.pos === 0 && s.segmentStep === 1, `state ${JSON.stringify(s)}`);
  assert((await label(six)) === `Step 1 · ${stepNames.en[0]}`, `label ${await label(six)}`);
  assert((await highlighted(six)) === s.seq, 'highlighted row is not the current event');
});

await check('↓ walks through all six steps in order, label and arrow follow', async () => {
  const seen = [1];
  for (let k = 0; k < 40; k++) {
    const before = await state(six);
    await six.keyboard.press('ArrowDown');
    const s = await state(six);
    if (s.pos === before.pos) break;  // last step reached
    const want = s.segmentStep === 3 ? 'Step 3 · Relay between MTAs, and acceptance (step 4)'
      : `Step ${s.segmentStep} · ${stepNames.en[s.segmentStep - 1]}`;
    assert((await label(six)) === want, `label "${await label(six)}", want "${want}"`);
    assert((await highlighted(six)) === s.seq, `highlighted row ${await highlighted(six)} is not event #${s.seq}`);
    assert(s.segmentStep >= seen[seen.length - 1], `step went back: ${seen.join(',')} then ${s.segmentStep}`);
    if (s.segmentStep !== seen[seen.length - 1]) seen.push(s.segmentStep);
    if (s.segmentStep === 3) await shot(six, 'six-steps-step3-en.png');
  }
  // The MTA-to-MTA session is one beat (step 3) holding the receiving server's step-4
  // decisions: 1, 2, 3, 5, 6.
  assert(seen.join(',') === '1,2,3,5,6', `steps seen: ${seen.join(',')}`);
});

await check('a step-4 decision inside the relay session lights step 4 in the legend', async () => {
  const steps = await six.evaluate(() => JSON.parse(document.getElementById('mailsim-data').textContent).trace.events
    .map((e) => e.step));
  const seq = steps.indexOf(4);
  assert(seq > 0, 'no step-4 fact in six-steps');
  await six.evaluate((q) => window.mailsim.gotoSeq(q), seq);
  const lit = await six.evaluate(() => [...document.querySelectorAll('#legend span.current')].map((n) => n.dataset.step));
  assert(lit.join(',') === '4', `legend lights ${lit.join(',')}`);
  const s = await state(six);
  assert(s.segmentStep === 3, `the decision belongs to the step-3 beat, not ${s.segmentStep}`);
  await six.keyboard.press('End');
});

await check('↑ / PageUp go back a step, → / ← move one event', async () => {
  await six.keyboard.press('PageUp');
  const s5 = await state(six);
  assert(s5.segmentStep === 5 || s5.segmentStep === 6, `after PageUp: ${JSON.stringify(s5)}`);
  await six.keyboard.press('Home');
  await six.keyboard.press('ArrowRight');
  assert((await state(six)).pos === 1, 'ArrowRight did not move one event');
  await six.keyboard.press('ArrowLeft');
  assert((await state(six)).pos === 0, 'ArrowLeft did not move back');
  await six.keyboard.press('PageDown');
  assert((await state(six)).segmentStep === 2, 'PageDown did not reach step 2');
});

await check("clicking the 354 arrow shows the raw line, its meaning and RFC section", async () => {
  const found = await six.evaluate(() => {
    const ev = JSON.parse(document.getElementById('mailsim-data').textContent).trace.events;
    const e = ev.find((x) => /^354\b/.test(x.line));
    if (e) window.mailsim.gotoSeq(e.seq);
    return e ? e.line : null;
  });
  assert(found, 'no 354 reply in the six-steps trace');
  await six.keyboard.press('ArrowRight');
  await six.keyboard.press('ArrowLeft');
  const row = six.locator('#seq-svg g.seq-row', { has: six.locator('title', { hasText: found }) }).first();
  await row.locator('.label').click();
  await six.waitForSelector('#detail-raw');
  assert((await six.textContent('#detail-raw')) === found, 'raw line differs');
  const meaning = await six.textContent('#panel-details');
  assert(/only a dot/.test(meaning) && /RFC 5321/.test(meaning), `meaning: ${meaning}`);
  await shot(six, 'six-steps-details-en.png');
});

await check('the language switch turns every label and the narration to Spanish', async () => {
  await six.click('#lang-es');
  assert((await six.getAttribute('html', 'lang')) === 'es', 'html lang');
  const l = await label(six);
  assert(/^Paso 2 · /.test(l), `label ${l}`);
  assert(/punto/.test(await six.textContent('#panel-details')), 'meaning not in Spanish');
  assert((await six.textContent('#b-next-step')).includes('Paso'), 'buttons not in Spanish');
  assert(/servidor del proveedor \(MSA\)/.test(await six.textContent('#step-text')), 'narration not in Spanish');
  await shot(six, 'six-steps-details-es.png');
  await six.keyboard.press('End');
  await six.click('#tabs button[data-tab="message"]');
  const panel = await six.textContent('#panel-message');
  assert(/Cadena Received/.test(panel) && /Salto 1/.test(panel), 'inspector not showing the Received chain');
  await shot(six, 'six-steps-inspector-es.png');
  await six.click('#tabs button[data-tab="mailboxes"]');
  assert(/Buzón en/.test(await six.textContent('#panel-mailboxes')), 'mailboxes');
  await six.click('#lang-en');
  await six.click('#tabs button[data-tab="message"]');
  await shot(six, 'six-steps-inspector-en.png');
});

await check('six-steps: the network has no overlapping boxes, no link behind a box, labels on the boxes', async () => {
  await checkNetwork(six, 'six-steps');
});

for (const [key, name] of [['backup', 'backup-mx'], ['three', 'three-domains']]) {
  if (!args[key]) continue;
  await check(`${name}: the network has no overlapping boxes, no link behind a box, labels on the boxes`, async () => {
    const { page: p } = await open(args[key]);
    await checkNetwork(p, name);
    await p.keyboard.press('ArrowDown');
    await p.keyboard.press('ArrowDown');
    await shot(p, `${name}-network.png`);
  });
}

// ---- a lesson with failures (optional) ----
if (args.failures) {
  const { page: fp } = await open(args.failures);
  await check('failures stand out and F jumps to them', async () => {
    const n = await fp.evaluate(() => JSON.parse(document.getElementById('mailsim-data').textContent).trace.events.filter((e) => e.alert).length);
    assert(n > 0, 'no failure in the failures lesson');
    await fp.keyboard.press('f');
    const s = await state(fp);
    const alert = await fp.evaluate(() => document.querySelectorAll('#seq-svg g.seq-row.current.fail').length);
    assert(alert === 1, `current row not marked as failure (${JSON.stringify(s)})`);
    await shot(fp, 'failures-en.png');
  });
}

// ---- hostile strings ----
await check('a <script> subject is shown as text and never runs', async () => {
  const { page: x } = await open(args.xss);
  await x.keyboard.press('End');
  await x.click('#tabs button[data-tab="message"]');
  const head = await x.textContent('#panel-message h3');
  assert(head.includes('<script>alert(1)</script>'), `subject not shown literally: ${head}`);
  const dom = await x.evaluate(() => ({ scripts: document.scripts.length, imgs: document.images.length, svgs: document.querySelectorAll('svg svg').length }));
  assert(dom.scripts === 2 && dom.imgs === 0 && dom.svgs === 0, `injected elements: ${JSON.stringify(dom)}`);
  await x.click('#tabs button[data-tab="help"]');
  await x.click('#lang-es');
  await x.waitForTimeout(300);  // let any injected handler fire before the dialog check
});

// ---- names that are Object.prototype members ----
if (args.proto) {
  await check('hosts and messages named __proto__, constructor, toString render and play to the end', async () => {
    const before = problems.length;
    const { page: p } = await open(args.proto);
    const data = await p.evaluate(() => JSON.parse(document.getElementById('mailsim-data').textContent));
    const ids = data.trace.messages.map((m) => m.id);
    assert(['__proto__', 'constructor', 'toString'].every((id) => ids.includes(id)), `ids ${ids}`);
    assert(data.trace.topology.hosts.some((h) => h.name === '__proto__'), 'no host __proto__');
    const n = data.trace.events.length;
    const seen = new Set();
    for (let k = 0; k < n; k++) {
      const s = await state(p);
      assert(s.pos === k, `at event ${k} the viewer is at ${s.pos}`);
      seen.add(s.seq);
      if (k % 10 === 0) for (const tab of ['message', 'mailboxes', 'details']) await p.click(`#tabs button[data-tab="${tab}"]`);
      await p.keyboard.press('ArrowRight');
    }
    assert(seen.size === n, `visited ${seen.size} of ${n} events`);
    // Every message and every host in the filters; each message filter shows its own events.
    const options = await p.evaluate(() => [...document.querySelectorAll('#f-message option')].map((o) => o.value));
    assert(['__proto__', 'constructor', 'toString'].every((id) => options.includes(id)), `filter offers ${options}`);
    for (const id of ['__proto__', 'constructor', 'toString']) {
      await p.selectOption('#f-message', id);
      await p.keyboard.press('End');
      const vis = (await state(p)).visible;
      assert(vis > 0 && vis < n, `filter ${id}: ${vis} of ${n} events`);
      await p.click('#tabs button[data-tab="message"]');
      const head = await p.textContent('#panel-message h3');
      assert(head.startsWith(id + ' — '), `inspector shows "${head}" for ${id}`);
    }
    await p.selectOption('#f-message', '');
    await p.selectOption('#f-host', '__proto__');
    assert((await state(p)).visible > 0, 'host filter __proto__ shows nothing');
    await p.click('#tabs button[data-tab="mailboxes"]');
    const boxes = await p.textContent('#panel-mailboxes');
    assert(/__proto__/.test(boxes) && /constructor/.test(boxes), `mailboxes: ${boxes.slice(0, 300)}`);
    await checkNetwork(p, 'proto-names');
    const polluted = await p.evaluate(() => Object.prototype[1] !== undefined || Object.keys(Object.prototype).length > 0);
    assert(!polluted, 'Object.prototype was modified');
    assert(problems.length === before, problems.slice(before).join('\n'));
    await shot(p, 'proto-names.png');
  });
}

// ---- 50,000 events ----
await check('a 50,000-event lesson answers its first key and stays windowed', async () => {
  const t0 = Date.now();
  const { page: big } = await open(args.big);
  const k0 = await big.evaluate(() => performance.now());
  await big.keyboard.press('ArrowRight');
  const k1 = await big.evaluate(() => new Promise((done) => {
    const poll = () => (window.mailsim.state().pos === 1 ? done(performance.now()) : requestAnimationFrame(poll));
    poll();
  }));
  const ms = Date.now() - t0;
  const viewerMs = Math.round((await big.evaluate(() => window.mailsim.readyMs)) + (k1 - k0));
  console.log(`big-trace-open-ms: ${ms}`);
  console.log(`big-trace-viewer-ms: ${viewerMs}`);
  const n = await big.evaluate(() => JSON.parse(document.getElementById('mailsim-data').textContent).trace.events.length);
  assert(n >= 50000, `only ${n} events`);
  const t1 = Date.now();
  await big.keyboard.press('End');
  await big.keyboard.press('PageUp');
  await big.click('#tabs button[data-tab="events"]');
  await big.keyboard.press('ArrowLeft');
  const keysMs = Date.now() - t1;
  const dom = await big.evaluate(() => ({ rows: document.querySelectorAll('#seq-svg g.seq-row').length,
    list: document.querySelectorAll('#ev-list .row').length, all: document.getElementsByTagName('*').length }));
  assert(dom.rows < 200 && dom.list < 200 && dom.all < 20000, `not windowed: ${JSON.stringify(dom)}`);
  assert((await highlighted(big)) === (await state(big)).seq, 'current row not highlighted after End/PageUp');
  console.log(`big-trace-keys-ms: ${keysMs}`);
  await shot(big, 'big-trace.png');
});

await check('no console error, dialog or network request', async () => {
  assert(problems.length === 0, problems.join('\n'));
});

await context.close();
fs.rmSync(userDataDir, { recursive: true, force: true });
console.log(`screenshots: ${shots}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
