// The quiz in the viewer, offline: the lesson stops before each question's line, a wrong and a
// right answer are scored, the line is shown after the answer, and a final score closes it.
// Also the book the viewer prints: one part of the story per page.
import path from 'node:path';

export async function quizChecks({ run, args, shots, open, check, assert, state }) {
  const quiz = (page) => page.evaluate(() => window.mailsim.quiz());
  const questions = (page) => page.evaluate(() => JSON.parse(document.getElementById('mailsim-data').textContent).view.quiz);

  // Answers the open question: right when `right`, else with a wrong choice (or a wrong class).
  async function answer(page, q, right) {
    if (q.ask === 'reply') {
      await page.fill('#quiz-code', q.answer);
      const cls = right ? q.class : ['success', 'transient', 'permanent'].find((c) => c !== q.class);
      await page.click(`#quiz-card button[data-class="${cls}"]`);
    } else {
      const pick = right ? q.answer : q.choices.find((c) => c !== q.answer);
      await page.click(`#quiz-card button[data-choice="${pick}"]`);
    }
    await page.click('#quiz-check');
  }

  for (const [key, name] of [['quiz', 'greylisting'], ['six', 'six-steps']]) {
    if (!args[key]) continue;
    await check(run, `${name}: the quiz stops before each question, scores a wrong and a right answer, then shows the line`, async () => {
      const page = await open(run, args[key], { hash: '#quiz=1' });
      const qs = await questions(page);
      assert(qs.length >= 3, `${qs.length} questions`);
      if (name === 'greylisting') {
        const reply = qs.find((q) => q.ask === 'reply');
        assert(reply && reply.answer === '451' && reply.class === 'transient', `greylisting reply question ${JSON.stringify(reply)}`);
      }
      let right = 0;
      for (let k = 0; k < qs.length; k++) {
        // Step forward until the lesson stops for question k.
        for (let n = 0; n < 400 && (await quiz(page)).open !== k; n++) await page.keyboard.press('ArrowRight');
        const s = await state(page), z = await quiz(page);
        assert(z.open === k, `question ${k} never asked (${JSON.stringify(z)})`);
        const ev = await page.evaluate(() => JSON.parse(document.getElementById('mailsim-data').textContent).trace.events);
        assert(ev[qs[k].event].seq > s.seq, `question ${k} asked at #${s.seq}, after its line #${ev[qs[k].event].seq}`);
        // Going forward does not pass the question's line.
        await page.keyboard.press('ArrowDown');
        const after = await state(page);
        assert(after.seq < ev[qs[k].event].seq, `question ${k} (${qs[k].ask}): ↓ went from #${s.seq} to #${after.seq}, past the unanswered question's line`);
        if (after.seq !== s.seq) await page.evaluate((q) => window.mailsim.gotoSeq(q), s.seq);
        const wrong = k === 0;
        await answer(page, qs[k], !wrong);
        if (!wrong) right++;
        const text = await page.textContent('.quiz-result');
        assert(wrong ? text.startsWith('✖') : text.startsWith('✔'), `question ${k}: "${text}"`);
        assert((await quiz(page)).score === right, `score ${(await quiz(page)).score}, want ${right}`);
        if (k === 0) await page.screenshot({ path: path.join(shots, `quiz-${name}.png`) });
        await page.click('#quiz-continue');
        assert((await state(page)).seq === ev[qs[k].event].seq, 'the predicted line is not shown after the answer');
      }
      for (let n = 0; n < 400 && (await state(page)).pos < (await state(page)).visible - 1; n++) await page.keyboard.press('End');
      const z = await quiz(page);
      assert(z.answered === qs.length && z.score === qs.length - 1, `final ${JSON.stringify(z)}`);
      const final = await page.textContent('#quiz-card');
      assert(final.includes(`${qs.length - 1} of ${qs.length}`), `final score: ${final}`);
      console.log(`quiz ${name}: ${qs.length} questions (${qs.map((q) => q.ask).join(', ')}), one wrong and the rest right: ${z.score}/${z.total}`);
      await page.close();
    });
  }

  await check(run, 'printing lays the lesson out one part of the story per page, with the network and the meanings', async () => {
    const page = await open(run, args.six);
    const pages = await page.evaluate(() => window.mailsim.printBook());
    await page.emulateMedia({ media: 'print' });
    const book = await page.evaluate(() => [...document.querySelectorAll('#print-book .book-page')].map((p, k) => ({
      title: p.querySelector('h2').textContent, breakBefore: getComputedStyle(p).breakBefore,
      lit: p.querySelectorAll('svg g.host.from').length, used: p.querySelectorAll('svg polyline.link.used').length,
      rows: p.querySelectorAll('tr').length - 1, meanings: [...p.querySelectorAll('td:last-child')].filter((t) => t.textContent).length,
      first: k === 0,
    })));
    const screen = await page.evaluate(() => ['main', '#controls', '#banner'].map((s) => getComputedStyle(document.querySelector(s)).display));
    assert(pages > 3 && book.length === pages, `${book.length} pages`);
    assert(screen.every((d) => d === 'none'), `the screen's parts are printed: ${screen}`);
    for (const p of book) {
      assert(p.first || p.breakBefore === 'page', `"${p.title}" does not start a page (${p.breakBefore})`);
      assert(/^(Step|Paso) \d/.test(p.title) || p.title.length > 0, `page title "${p.title}"`);
      assert(p.rows > 0 && p.lit > 0, `"${p.title}": ${p.rows} lines, ${p.lit} hosts lit`);
    }
    assert(book.some((p) => p.used > 0) && book.some((p) => p.meanings > 0), 'no page lights a link or explains a line');
    const pdf = await page.pdf({ format: 'A4' });
    const count = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
    assert(count >= pages, `the PDF has ${count} pages for ${pages} parts`);
    console.log(`print six-steps: ${pages} parts, ${count} A4 pages`);
    await page.emulateMedia({ media: 'screen' });
    await page.close();
  });
}
