// Viewer script, part 6: quiz mode (button, key Q, #quiz=1). Going forward, the lesson stops
// on the line before each question (V.quiz, chosen in C++: visualize/quiz.cpp) and asks the
// student to predict that line; the answer is checked against what the trace states (the
// answer travels in V.quiz), then the line is shown. A score, and a final one at the end.
const Quiz = (() => {
  let card = null, open = -1, picked = null, pickedClass = null;
  const answered = new Map();  // question index -> true (right) | false (wrong)

  function qs() { return V.quiz || []; }
  // The visible position of question k's line, or -1 when a filter hides it.
  function posOf(k) {
    const ev = qs()[k].event;
    let lo = 0, hi = S.vis.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (S.vis[mid] < ev) lo = mid + 1; else hi = mid; }
    return lo < S.vis.length && S.vis[lo] === ev ? lo : -1;
  }
  function score() { let n = 0; for (const ok of answered.values()) n += ok ? 1 : 0; return n; }
  // Going from S.pos to `pos`: the last position allowed before an unanswered question, or pos.
  function stopBefore(pos) {
    if (!S.quiz || pos <= S.pos) return { pos: pos, ask: -1 };
    for (let k = 0; k < qs().length; k++) {
      if (answered.has(k)) continue;
      const qp = posOf(k);
      if (qp > S.pos && qp <= pos) return { pos: qp - 1, ask: k };
    }
    return { pos: pos, ask: -1 };
  }
  function choiceLabel(q, c) { return q.ask === 'step' ? c + ' · ' + stepName(+c) : c; }
  function button(text, attrs, onClick) {
    const b = el('button', attrs, text);
    b.addEventListener('click', onClick);
    return b;
  }
  function draw() {
    clear(card);
    card.hidden = !S.quiz;
    $('quiz-score').hidden = !S.quiz;
    if (!S.quiz) return;
    const total = qs().length;
    $('quiz-score').textContent = T('quiz_score', { n: score(), total: total });
    if (open < 0) {
      const done = answered.size === total;
      card.appendChild(el('p', { class: 'quiz-status' }, done ? T('quiz_final', { n: score(), total: total })
        : total ? T('quiz_intro', { total: total }) : T('quiz_none')));
      return;
    }
    const q = qs()[open];
    card.appendChild(el('h3', null, T('quiz_question', { n: open + 1, total: total })));
    card.appendChild(el('p', { class: 'quiz-prompt' }, own(q.prompt, S.lang) || q.prompt.en));
    const result = answered.get(open);
    const row = el('div', { class: 'quiz-choices', role: 'group' });
    if (q.ask === 'reply') {
      const input = el('input', { id: 'quiz-code', type: 'text', inputmode: 'numeric', maxlength: '3', size: '4', 'aria-label': T('quiz_code') });
      if (picked !== null) input.value = picked;
      input.addEventListener('input', () => { picked = input.value.trim(); });
      input.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { picked = input.value.trim(); check(); } });
      const lab = el('label', null, T('quiz_code') + ' ');
      lab.appendChild(input);
      row.appendChild(lab);
      for (const c of ['success', 'transient', 'permanent'])
        row.appendChild(button(T('quiz_class_' + c), { 'data-class': c, 'aria-pressed': String(pickedClass === c) }, () => { pickedClass = c; draw(); }));
    } else {
      for (const c of q.choices)
        row.appendChild(button(choiceLabel(q, c), { 'data-choice': c, 'aria-pressed': String(picked === c) }, () => { picked = c; draw(); }));
    }
    if (result !== undefined) for (const b of row.querySelectorAll('button, input')) b.disabled = true;
    card.appendChild(row);
    if (result === undefined) {
      card.appendChild(button(T('quiz_check'), { id: 'quiz-check' }, check));
    } else {
      const said = own(q.said, S.lang) || q.said.en, why = own(q.why, S.lang) || q.why.en;
      card.appendChild(el('p', { class: 'quiz-result ' + (result ? 'right' : 'wrong') },
        (result ? '✔ ' + T('quiz_right', { answer: said }) : '✖ ' + T('quiz_wrong', { answer: said }))));
      if (why) card.appendChild(el('p', { class: 'quiz-why' }, why));
      card.appendChild(button(T('quiz_continue'), { id: 'quiz-continue' }, next));
    }
  }
  function check() {
    if (open < 0 || answered.has(open)) return;
    const q = qs()[open];
    if (picked === null || picked === '' || (q.ask === 'reply' && !pickedClass)) {
      const b = $('quiz-check');
      if (b) b.textContent = T(q.ask === 'reply' ? 'quiz_pick_both' : 'quiz_pick');
      return;
    }
    const ok = q.ask === 'reply' ? picked === q.answer && pickedClass === q.class : picked === q.answer;
    answered.set(open, ok);
    draw();
    const c = $('quiz-continue');
    if (c) c.focus();
  }
  // Shows the line the student predicted, then goes on as far as the next question allows.
  function next() {
    const k = open;
    if (k < 0 || !answered.has(k)) return;
    open = -1; picked = null; pickedClass = null;
    const qp = posOf(k);
    go(qp >= 0 ? qp : S.pos + 1, { animate: true });
    draw();
  }
  function ask(k) {
    if (open !== k) { picked = null; pickedClass = null; }
    open = k;
    play(false);
    draw();
    const first = card.querySelector('#quiz-code, .quiz-choices button');
    if (first) first.focus();
  }
  function set(on) {
    S.quiz = !!on;
    document.body.classList.toggle('quiz', S.quiz);
    $('b-quiz').setAttribute('aria-pressed', String(S.quiz));
    answered.clear();
    open = -1; picked = null; pickedClass = null;
    if (S.quiz) go(0);
    draw();
  }
  function init() {
    card = $('quiz-card');
    $('b-quiz').addEventListener('click', () => set(!S.quiz));
  }
  // Called by go(): while a question is open the lesson does not pass its line.
  function gate(pos) {
    if (!S.quiz) return { pos: pos, ask: -1 };
    if (open >= 0 && !answered.has(open) && pos > S.pos) return { pos: S.pos, ask: open };
    return stopBefore(pos);
  }
  function onKey(ev) {
    if (!S.quiz || open < 0) return false;
    if (answered.has(open) && (ev.key === 'Enter' || ev.key === 'ArrowRight')) { next(); return true; }
    return false;
  }
  function status() {
    return { on: S.quiz, open: open, answered: answered.size, score: score(), total: qs().length };
  }
  return { init, set, gate, ask, draw, onKey, status };
})();
