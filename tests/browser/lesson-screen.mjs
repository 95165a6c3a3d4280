// Projector mode and the screens a classroom has: text sizes measured from computed styles
// (SVG text times its drawing's scale), contrast, what must be in view, and screenshots.
import path from 'node:path';
import { boxesOverlap } from '../../visualize/assets/lib/geometry.js';
import { screenshot } from './harness.mjs';

// Where the parts a student needs are, in CSS px of the window.
async function inView(page) {
  return page.evaluate(() => {
    const W = innerWidth, H = innerHeight;
    const box = (n) => { if (!n) return null; const r = n.getBoundingClientRect(); return { x: r.left, y: r.top, w: r.width, h: r.height }; };
    const seen = (r) => r && r.w > 0 && r.h > 0 && r.x >= -1 && r.y >= -1 && r.x + r.w <= W + 1 && r.y + r.h <= H + 1;
    const hosts = [...document.querySelectorAll('#topo g.host rect.host-box')].map(box);
    const row = box(document.querySelector('#seq-svg g.seq-row.current .row-bg'));
    const seq = box(document.getElementById('seq-scroll'));
    const label = box(document.getElementById('step-label'));
    const current = document.querySelector('#legend span.current');
    return {
      hostsInView: hosts.filter(seen).length, hosts: hosts.length, hostBoxes: hosts,
      step: seen(label) && document.getElementById('step-label').textContent.length > 0,
      legend: seen(box(current)),
      row: !!row && row.y >= seq.y - 1 && row.y + row.h <= seq.y + seq.h + 1 && row.y >= 0 && row.y + row.h <= H + 1,
      bodyPx: parseFloat(getComputedStyle(document.body).fontSize), dpr: devicePixelRatio,
      panels: [...document.querySelectorAll('main section, #banner, header, nav#controls')].map((n) => ({ id: n.id || n.tagName, r: box(n) })),
    };
  });
}

export async function lessonChecks({ run, args, shots, open, check, assert, assertContrast, textInView }) {
  const shot = (page, name) => screenshot(page, path.join(shots, name));
  // Walks to the relay (step 3) so that the network shows a hop between two servers.
  const toRelay = async (page) => {
    for (let k = 0; k < 10 && (await page.evaluate(() => window.mailsim.state().segmentStep)) < 3; k++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(1000);  // the moving dot arrives
  };
  const sizes = async (page) => {
    const texts = await textInView(page);
    const small = (min, pick) => texts.filter(pick).filter((t) => t.size < min - 0.01).map((t) => `"${t.text}" (${t.cls}) ${t.size.toFixed(1)} px`);
    const labels = texts.filter((t) => /host-label|name/.test(t.cls) && t.size > 0);
    return { texts, small, labelMin: Math.min(...labels.map((t) => t.size)) };
  };

  await check(run, 'projector mode at 1024×768: body ≥ 18 px, every text ≥ 14 px, host labels ≥ 14 px, step and legend in view', async () => {
    const page = await open(run, args.six, { hash: '#projector=1', viewport: { width: 1024, height: 768 } });
    await toRelay(page);
    const v = await inView(page);
    assert(v.bodyPx >= 18, `body text ${v.bodyPx} px`);
    assert(v.step && v.legend, `step banner ${v.step}, legend's current step ${v.legend}`);
    assert(v.row, 'the current line is not in view');
    assert(v.hostsInView >= 2, `${v.hostsInView} host boxes in view`);
    const s = await sizes(page);
    const small = s.small(14, () => true);
    assert(small.length === 0, 'text under 14 px:\n  ' + small.join('\n  '));
    assert(s.labelMin >= 14, `host text at ${s.labelMin} px`);
    const c = await assertContrast(page, 'projector mode');
    await shot(page, 'projector-1024x768.png');
    console.log(`projector-1024x768: body ${v.bodyPx} px, smallest host text ${s.labelMin.toFixed(1)} px, ${s.texts.length} texts, contrast-min ${c.low.toFixed(2)}`);
    // The P key leaves projector mode and comes back.
    await page.keyboard.press('p');
    assert(!(await page.evaluate(() => window.mailsim.state().projector)), 'P did not leave projector mode');
    await page.click('#b-projector');
    assert(await page.evaluate(() => window.mailsim.state().projector && document.body.classList.contains('projector')), 'the button did not enter projector mode');
    await page.close();
  });

  await check(run, 'browser zoom 150 % enlarges the network and the diagram (projector mode)', async () => {
    const measure = async (scale) => {
      const page = await open(run, args.six, { hash: '#projector=1', viewport: { width: 1024, height: 768 }, scale });
      await toRelay(page);
      // Device pixels of a host name and of a line in the diagram: CSS size × drawing scale × zoom.
      const out = await page.evaluate(() => {
        const px = (n) => parseFloat(getComputedStyle(n).fontSize) * Math.hypot(n.getScreenCTM().a, n.getScreenCTM().b) * devicePixelRatio;
        return { label: px(document.querySelector('#topo g.host text.host-label')),
          seq: px(document.querySelector('#seq-svg g.seq-row text.label')), dpr: devicePixelRatio };
      });
      if (scale !== 1) await shot(page, 'projector-zoom150.png');
      await page.close();
      return out;
    };
    const a = await measure(1), b = await measure(1.5);
    assert(Math.abs(b.dpr - 1.5) < 0.01, `device pixel ratio ${b.dpr}`);
    assert([a.label, a.seq, b.label, b.seq].every(Number.isFinite), `not in view: ${JSON.stringify([a, b])}`);
    assert(b.label / a.label > 1.45 && b.seq / a.seq > 1.45, `on the screen at 150 %: host text ${a.label.toFixed(1)} → ${b.label.toFixed(1)} px, lines ${a.seq.toFixed(1)} → ${b.seq.toFixed(1)} px`);
    console.log(`zoom-150: host text ${a.label.toFixed(1)} → ${b.label.toFixed(1)} screen px, diagram text ${a.seq.toFixed(1)} → ${b.seq.toFixed(1)}`);
  });

  for (const [name, vp, min] of [['tablet-portrait', { width: 1024, height: 1366 }, 12], ['tablet-landscape', { width: 1366, height: 1024 }, 12],
    ['phone', { width: 390, height: 844 }, 10]]) {
    await check(run, `${name} ${vp.width}×${vp.height}: the network, the step and the current line are in view, nothing overlaps`, async () => {
      const page = await open(run, args.six, { viewport: vp });
      await toRelay(page);
      const v = await inView(page);
      assert(v.step, 'the step banner is not in view');
      assert(v.row, 'the current line is not in view');
      assert(v.hostsInView >= 2, `${v.hostsInView} of ${v.hosts} host boxes in view`);
      // The parts of the page do not overlap one another (the sticky banner excepted, which
      // stays on top by design when the page scrolls).
      const parts = v.panels.filter((p) => p.r && p.r.w > 0 && p.r.h > 0);
      const bad = [];
      for (let i = 0; i < parts.length; i++)
        for (let j = i + 1; j < parts.length; j++)
          if (boxesOverlap(parts[i].r, parts[j].r)) bad.push(`${parts[i].id} and ${parts[j].id}`);
      assert(bad.length === 0, `overlapping: ${bad.join(', ')}`);
      const s = await sizes(page);
      // The network is shrunk to fit its pane on these screens (its text is checked in projector mode).
      const small = s.small(min, (t) => !/host|name|addr|roles|link-label|token-label/.test(t.cls));
      assert(small.length === 0, `text under ${min} px:\n  ` + small.join('\n  '));
      await assertContrast(page, name);
      await shot(page, `${name}.png`);
      console.log(`${name}: ${v.hostsInView} of ${v.hosts} host boxes in view, smallest host text ${s.labelMin.toFixed(1)} px`);
      await page.close();
    });
  }
}
