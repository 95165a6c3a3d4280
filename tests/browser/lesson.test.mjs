// The lesson on a projector, on paper and in students' hands (issue 13), in Debian's chromium:
// contrast and the two kinds of failure, the keyboard, projector mode and the sizes a class
// uses, print, the quiz, the lower-layer view.
//
// usage: node lesson.test.mjs --six SIX.html --grey GREYLISTING.html --bounce BOUNCE.html
//                             [--lossy LOSSY.html] [--quiz QUIZ.html] [--shots DIR]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, assert, startBrowser, open, check, finish, state, assertContrast, textInView } from './harness.mjs';
import { lessonChecks } from './lesson-screen.mjs';
import { quizChecks } from './lesson-quiz.mjs';

const args = parseArgs(process.argv);
for (const need of ['six', 'grey', 'bounce']) {
  if (!args[need]) { console.error(`missing --${need} FILE.html`); process.exit(2); }
}
const shots = args.shots || fs.mkdtempSync(path.join(os.tmpdir(), 'mailsim-lesson-shots-'));
fs.mkdirSync(shots, { recursive: true });
const run = await startBrowser();
const events = (page) => page.evaluate(() => JSON.parse(document.getElementById('mailsim-data').textContent).trace.events);

// ---- colours: every text at WCAG AA, transient and permanent failures told apart ----
async function failureRow(page, kind) {
  const ev = await events(page);
  const e = ev.find((x) => x.alert === kind && x.kind !== 'fact');
  assert(e, `no ${kind} failure line in this lesson`);
  await page.evaluate((q) => window.mailsim.gotoSeq(q), e.seq);
  return page.evaluate(() => {
    const g = document.querySelector('#seq-svg g.seq-row.current');
    const arrow = g && g.querySelector('line.arrow');
    const id = arrow && /#([\w-]+)/.exec(arrow.getAttribute('marker-end'))[1];
    const head = id && document.getElementById(id).querySelector('path');
    return { cls: g && g.getAttribute('class'), stroke: arrow && getComputedStyle(arrow).stroke, marker: id,
      headFill: head && head.getAttribute('fill'), label: g && g.querySelector('text.label').textContent,
      alert: document.querySelector('#panel-details .alert') && document.querySelector('#panel-details .alert').textContent };
  });
}

await check(run, 'a transient failure is amber with ↻ and an open arrowhead, a permanent one red with ✖ and a barred end', async () => {
  const grey = await open(run, args.grey);
  const t = await failureRow(grey, 'transient');
  assert(/\btransient\b/.test(t.cls) && t.marker === 'arrow-transient' && t.headFill === 'none', `transient row ${JSON.stringify(t)}`);
  assert(t.label.startsWith('↻ ') && t.alert.startsWith('↻ '), `transient sign: ${JSON.stringify(t)}`);
  const bounce = await open(run, args.bounce);
  const p = await failureRow(bounce, 'permanent');
  assert(/\bpermanent\b/.test(p.cls) && p.marker === 'arrow-permanent' && p.headFill !== 'none', `permanent row ${JSON.stringify(p)}`);
  assert(p.label.startsWith('✖ ') && p.alert.startsWith('✖ '), `permanent sign: ${JSON.stringify(p)}`);
  assert(t.stroke !== p.stroke, `both failures drawn in ${t.stroke}`);
  const legend = await grey.evaluate(() => [...document.querySelectorAll('#legend .fail-key')].map((n) => [n.dataset.alert, n.textContent, getComputedStyle(n).color]));
  assert(legend.length === 2 && legend[0][0] === 'transient' && legend[1][0] === 'permanent' && legend[0][2] !== legend[1][2],
    `legend ${JSON.stringify(legend)}`);
  assert(/4xx/.test(legend[0][1]) && /5xx/.test(legend[1][1]), `legend words ${JSON.stringify(legend)}`);
  await grey.screenshot({ path: path.join(shots, 'greylisting-transient.png') });
  await bounce.screenshot({ path: path.join(shots, 'bounce-permanent.png') });
  await grey.close(); await bounce.close();
});

await check(run, 'every text in view is at least 4.5:1 against what is under it (computed styles)', async () => {
  let low = Infinity, count = 0;
  const note = (r) => { low = Math.min(low, r.low); count += r.count; };
  const six = await open(run, args.six);
  for (let k = 0; k < 3; k++) await six.keyboard.press('ArrowDown');
  note(await assertContrast(six, 'six-steps step 3'));
  for (const tab of ['message', 'mailboxes', 'events', 'help']) {
    await six.click(`#tabs button[data-tab="${tab}"]`);
    note(await assertContrast(six, `six-steps ${tab} tab`));
  }
  await six.click('#lang-es');
  note(await assertContrast(six, 'six-steps in Spanish'));
  for (const [file, kind] of [[args.grey, 'transient'], [args.bounce, 'permanent']]) {
    const p = await open(run, file);
    await failureRow(p, kind);
    note(await assertContrast(p, `${kind} failure highlighted`));
    await p.close();
  }
  await six.close();
  console.log(`contrast-min: ${low.toFixed(2)} over ${count} texts`);
});

// ---- keyboard first ----
await check(run, 'shortcuts work after choosing a filter, a tab or a checkbox with the mouse', async () => {
  const six = await open(run, args.six);
  const first = await six.evaluate(() => document.querySelector('#f-message option[value]:not([value=""])').value);
  await six.click('#f-message');
  await six.selectOption('#f-message', first);
  const before = await state(six);
  await six.keyboard.press('ArrowDown');
  const after = await state(six);
  assert(after.pos > before.pos, `↓ after choosing ${first} did not move: ${JSON.stringify([before, after])}`);
  assert(await six.evaluate(() => document.activeElement.id !== 'f-message'), 'focus stayed in the dropdown');
  await six.click('#tabs button[data-tab="events"]');
  await six.keyboard.press('ArrowRight');
  assert((await state(six)).pos === after.pos + 1, '→ after clicking a tab did not move');
  await six.click('#f-failures');
  await six.click('#f-failures');
  await six.keyboard.press('Home');
  assert((await state(six)).pos === 0, 'Home after the checkbox did not go to the start');
  await six.close();
});

await check(run, 'the diagram and the network are reached with Tab, show a focus ring and answer the keys', async () => {
  const six = await open(run, args.six);
  const reached = new Set();
  for (let k = 0; k < 80 && reached.size < 2; k++) {
    await six.keyboard.press('Tab');
    const id = await six.evaluate(() => document.activeElement.id);
    if (id === 'seq-scroll' || id === 'topo') {
      reached.add(id);
      const ring = await six.evaluate(() => { const cs = getComputedStyle(document.activeElement); return [cs.outlineStyle, parseFloat(cs.outlineWidth)]; });
      assert(ring[0] !== 'none' && ring[1] >= 2, `${id} has no visible focus ring: ${ring}`);
      const role = await six.evaluate(() => [document.activeElement.getAttribute('role'), document.activeElement.getAttribute('aria-label')]);
      assert(role[0] && role[1], `${id}: role ${role[0]}, label ${role[1]}`);
    }
  }
  assert(reached.size === 2, `Tab reached only ${[...reached]}`);
  await six.focus('#seq-scroll');
  await six.click('#tabs button[data-tab="help"]');
  await six.focus('#seq-scroll');
  const p0 = (await state(six)).pos;
  await six.keyboard.press('ArrowRight');
  await six.keyboard.press('Enter');
  const s = await state(six);
  assert(s.pos === p0 + 1 && s.tab === 'details', `in the diagram: ${JSON.stringify(s)}`);
  await six.screenshot({ path: path.join(shots, 'keyboard-focus.png') });
  await six.close();
});

// ---- below the application layer ----
if (args.lossy) {
  await check(run, 'lossy-link with packets: L shows the connection\'s segments, and a retransmitted one', async () => {
    const page = await open(run, args.lossy);
    await page.keyboard.press('l');
    assert((await state(page)).tab === 'packets', 'L did not open the Packets tab');
    const seqs = (await events(page)).filter((e) => e.conn !== null && e.kind === 'line' && e.protocol !== 'DNS').map((e) => e.seq);
    let found = null, rows = 0;
    for (const q of seqs) {
      await page.evaluate((x) => window.mailsim.gotoSeq(x), q);
      const r = await page.evaluate(() => ({ rows: document.querySelectorAll('#panel-packets tr').length - 1,
        rtx: document.querySelectorAll('#panel-packets tr.rtx').length, summary: (document.getElementById('pk-summary') || {}).textContent }));
      rows = Math.max(rows, r.rows);
      if (r.rtx > 0) { found = { seq: q, ...r }; break; }
    }
    assert(rows > 3, `the Packets tab shows at most ${rows} packets`);
    assert(found, 'no retransmitted segment shown on any connection of the lossy-link lesson');
    assert(/retransmission/.test(await page.textContent('#panel-packets tr.rtx')), 'the retransmission is not named');
    await page.screenshot({ path: path.join(shots, 'packets-lossy-link.png') });
    console.log(`packets lossy-link: at #${found.seq}: ${found.summary}`);
    await page.keyboard.press('l');
    assert((await state(page)).tab === 'details', 'L again did not close the Packets tab');
    await page.close();
  });
}

if (lessonChecks) await lessonChecks({ run, args, shots, open, check, assert, state, assertContrast, textInView, events });
if (quizChecks && args.quiz) await quizChecks({ run, args, shots, open, check, assert, state, events });
await finish(run);
