// Viewer script, last part: start. A failure to start is shown on the page, not only in the
// console, so that a teacher sees why the lesson did not open.
try { MS.init(); } catch (err) {
  const p = document.createElement('pre'); p.textContent = 'mailsim viewer: ' + err; document.body.prepend(p);
  throw err;
}
