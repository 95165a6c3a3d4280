// Takes the screenshots of docs/img/ from lessons made by `mailsim visualize`.
//
// usage: node screenshots.mjs --six SIX.html --failures FAILURES.html --out docs/img
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const args = {};
for (let k = 2; k < process.argv.length; k += 2) args[process.argv[k].replace(/^--/, '')] = process.argv[k + 1];
fs.mkdirSync(args.out, { recursive: true });
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailsim-shots-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic'],
  viewport: { width: 1366, height: 800 },
});

async function open(file, lang, hash = '') {
  const page = await context.newPage();
  page.on('pageerror', (e) => { console.error(e); process.exitCode = 1; });
  await page.goto(pathToFileURL(path.resolve(file)).href + '#lang=' + lang + hash);
  await page.waitForFunction(() => document.documentElement.dataset.ready === '1');
  return page;
}
const seqOf = (page, re) => page.evaluate((src) => {
  const e = JSON.parse(document.getElementById('mailsim-data').textContent).trace.events.find((x) => new RegExp(src).test(x.line));
  return e ? e.seq : -1;
}, re);
const shot = (page, name) => page.screenshot({ path: path.join(args.out, name) });

for (const lang of ['en', 'es']) {
  let p = await open(args.six, lang);
  for (let k = 0; k < 40 && (await p.evaluate(() => window.mailsim.state().segmentStep)) < 3; k++) await p.keyboard.press('ArrowDown');
  await p.keyboard.press('ArrowRight');
  await p.waitForTimeout(1200);  // let the moving dot arrive
  await shot(p, `viewer-step3-${lang}.png`);
  await p.close();
  p = await open(args.six, lang);
  await p.evaluate((s) => window.mailsim.gotoSeq(s), await seqOf(p, '^354\\b'));
  await shot(p, `viewer-details-${lang}.png`);
  await p.keyboard.press('End');
  await p.click('#tabs button[data-tab="message"]');
  const retr = await p.evaluate(() => {
    const sel = document.getElementById('copy-select');
    return sel ? sel.options[sel.options.length - 1].value : null;
  });
  if (retr) await p.selectOption('#copy-select', retr);
  await shot(p, `viewer-inspector-${lang}.png`);
  await p.close();
  if (args.failures) {
    p = await open(args.failures, lang);
    const s5 = await seqOf(p, '^5\\d\\d ');
    if (s5 >= 0) await p.evaluate((s) => window.mailsim.gotoSeq(s), s5);
    else await p.keyboard.press('f');
    await shot(p, `viewer-failures-${lang}.png`);
    await p.close();
  }
}
await context.close();
fs.rmSync(userDataDir, { recursive: true, force: true });
