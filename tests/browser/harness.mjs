// What the browser tests share: Debian's chromium through playwright-core, a page opener that
// fails the run on any console error, page error, dialog or network request, named checks with
// a closing "N passed, N failed" line, and measurements taken from computed styles (text
// sizes, WCAG contrast) rather than from pixels.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export function parseArgs(argv) {
  const args = {};
  for (let k = 2; k < argv.length; k += 2) args[argv[k].replace(/^--/, '')] = argv[k + 1];
  return args;
}

export function assert(cond, what) { if (!cond) throw new Error(what); }

export async function startBrowser(viewport = { width: 1400, height: 860 }) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailsim-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic', '--font-render-hinting=none'],
    viewport,
  });
  const run = { context, userDataDir, passed: 0, failed: 0, problems: [], allowed: new Set() };
  context.on('request', (req) => {
    if (!run.allowed.has(req.url().replace(/#.*$/, ''))) run.problems.push(`network request: ${req.url()}`);
  });
  return run;
}

// Opens a lesson in a new page (optionally with its own viewport and zoom) and waits until the
// viewer says it is ready.
export async function open(run, file, { hash = '', viewport = null, scale = 1 } = {}) {
  const page = await run.context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  if (scale !== 1) {
    // Browser zoom is a device scale factor with a viewport shrunk by it, as Chromium does.
    const cdp = await run.context.newCDPSession(page);
    const v = viewport || { width: 1400, height: 860 };
    await cdp.send('Emulation.setDeviceMetricsOverride', {
      width: Math.round(v.width / scale), height: Math.round(v.height / scale), deviceScaleFactor: scale, mobile: false,
    });
    page.cdp = cdp;
  }
  const name = path.basename(file);
  page.on('console', (m) => { if (m.type() === 'error') run.problems.push(`console error in ${name}: ${m.text()}`); });
  page.on('pageerror', (e) => run.problems.push(`page error in ${name}: ${e.message}`));
  page.on('dialog', async (d) => { run.problems.push(`dialog (${d.type()}) opened: ${d.message()}`); await d.dismiss(); });
  const url = pathToFileURL(path.resolve(file)).href;
  run.allowed.add(url);
  await page.goto(url + hash);
  await page.waitForFunction(() => document.documentElement.dataset.ready === '1', null, { timeout: 60000 });
  return page;
}

export async function check(run, name, fn) {
  try {
    await fn();
    run.passed++;
    console.log(`ok - ${name}`);
  } catch (err) {
    run.failed++;
    console.log(`not ok - ${name}\n  ${String(err && err.stack || err).split('\n').join('\n  ')}`);
  }
}

export async function finish(run) {
  await check(run, 'no console error, dialog or network request', async () => {
    assert(run.problems.length === 0, run.problems.join('\n'));
  });
  await run.context.close();
  fs.rmSync(run.userDataDir, { recursive: true, force: true });
  console.log(`${run.passed} passed, ${run.failed} failed`);
  process.exit(run.failed ? 1 : 0);
}

export const state = (page) => page.evaluate(() => window.mailsim.state());

// Every piece of text in view, with its computed colour, the colour under it and its size in
// CSS pixels. HTML text is an element with its own text; its background is the first opaque
// background among its ancestors. SVG text takes the first filled shape (or HTML background)
// under its middle; a text with a white halo (paint-order stroke) stands on white. Disabled
// controls are left out, as WCAG leaves them out.
export async function textInView(page, root = 'body') {
  return page.evaluate((rootSel) => {
    const rgba = (s) => {
      const m = /rgba?\(([^)]+)\)/.exec(s || '');
      if (!m) return null;
      const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
      return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    };
    const htmlBg = (n) => {
      for (; n && n.nodeType === 1; n = n.parentElement) {
        if (n instanceof SVGElement) continue;
        const c = rgba(getComputedStyle(n).backgroundColor);
        if (c && c[3] >= 0.5) return c;
      }
      return [255, 255, 255, 1];
    };
    // The topmost filled shape of the same drawing under (x, y), in paint (document) order.
    const svgBg = (t, x, y) => {
      const cs = getComputedStyle(t);
      const halo = rgba(cs.stroke);
      if (cs.paintOrder.startsWith('stroke') && halo && parseFloat(cs.strokeWidth) >= 3) return halo;
      let found = null;
      for (const n of t.ownerSVGElement.querySelectorAll('rect, circle, ellipse, polygon, path')) {
        if (n.closest('marker, defs')) continue;
        if (n.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_PRECEDING) break;  // painted after the text
        const f = rgba(getComputedStyle(n).fill);
        if (!f || f[3] === 0 || parseFloat(getComputedStyle(n).fillOpacity) <= 0.5) continue;
        const r = n.getBoundingClientRect();
        if (x >= r.left && x <= r.right && y >= r.top && y <= r.bottom) found = f;
      }
      return found || htmlBg(t.ownerSVGElement);
    };
    const out = [];
    const W = innerWidth, H = innerHeight;
    const visible = (r) => r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 && r.right <= W && r.bottom <= H;
    for (const n of document.querySelector(rootSel).querySelectorAll('*')) {
      if (n.closest('[hidden], option, title, script, style') || n.disabled || n.closest('[disabled]')) continue;
      const own = [...n.childNodes].some((c) => c.nodeType === 3 && c.textContent.trim());
      if (!own) continue;
      const cs = getComputedStyle(n);
      if (cs.visibility === 'hidden' || cs.display === 'none' || parseFloat(cs.opacity) === 0) continue;
      const r = n.getBoundingClientRect();
      if (!visible(r)) continue;
      // Only what a reader sees: the element must be on top at its middle (not scrolled out of
      // its pane, not under another part of the page).
      const cx = Math.min(W - 1, Math.max(0, r.left + r.width / 2)), cy = Math.min(H - 1, Math.max(0, r.top + r.height / 2));
      const top = document.elementsFromPoint(cx, cy);
      if (!top.some((e) => e === n || n.contains(e) || (n instanceof SVGElement && e === n.ownerSVGElement))) continue;
      const isSvg = n instanceof SVGElement;
      const fg = rgba(isSvg ? cs.fill : cs.color);
      const bg = isSvg ? svgBg(n, Math.min(W - 1, Math.max(0, r.left + r.width / 2)), Math.min(H - 1, Math.max(0, r.top + r.height / 2)))
        : htmlBg(n);
      // Font size as seen: CSS px times the SVG's scale, so that a scaled drawing counts as drawn.
      let size = parseFloat(cs.fontSize);
      if (isSvg && n.getScreenCTM()) { const m = n.getScreenCTM(); size *= Math.hypot(m.a, m.b); }
      out.push({ text: n.textContent.trim().slice(0, 40), id: n.id || '', cls: n.getAttribute('class') || n.tagName,
        fg, bg, size, bold: +cs.fontWeight >= 700 });
    }
    return out;
  }, root);
}

function luminance([r, g, b]) {
  const c = [r, g, b].map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}
// A colour with alpha over an opaque background.
function over(fg, bg) { const a = fg[3]; return [0, 1, 2].map((k) => fg[k] * a + bg[k] * (1 - a)); }
export function contrast(fg, bg) {
  const a = luminance(over(fg, bg)), b = luminance(bg);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

// Asserts WCAG AA (4.5:1) for every text in view; returns the lowest ratio found.
export async function assertContrast(page, what, root = 'body', min = 4.5) {
  const texts = await textInView(page, root);
  assert(texts.length > 0, `${what}: no text in view`);
  let low = Infinity;
  const bad = [];
  for (const t of texts) {
    const r = contrast(t.fg, t.bg);
    low = Math.min(low, r);
    if (r < min) bad.push(`"${t.text}" (${t.cls}${t.id ? '#' + t.id : ''}) ${r.toFixed(2)}:1 rgb(${t.fg}) on rgb(${t.bg})`);
  }
  assert(bad.length === 0, `${what}: text under ${min}:1\n  ` + bad.join('\n  '));
  return { low, count: texts.length };
}

// A screenshot of what the window shows, at its device pixels (zoomed pages included).
export async function screenshot(page, file) {
  if (!page.cdp) return page.screenshot({ path: file });
  const { data } = await page.cdp.send('Page.captureScreenshot', { format: 'png' });
  fs.writeFileSync(file, Buffer.from(data, 'base64'));
}
