// Unit tests of the viewer's pure text helpers (visualize/assets/lib/format.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fmtTime, parseTime, trunc, fillVars } from '../../../visualize/assets/lib/format.js';

test('fmtTime prints times like the CLI', () => {
  assert.equal(fmtTime(0), '0.000000s');
  assert.equal(fmtTime(1044200), '1.044200s');
  assert.equal(fmtTime(60001500), '1m00.001500s');
  assert.equal(fmtTime(3723000450), '1h02m03.000450s');
  assert.equal(fmtTime(59999999), '59.999999s');
});

test('parseTime reads seconds, decimals and h/m/s', () => {
  assert.equal(parseTime('90'), 90e6);
  assert.equal(parseTime('1.5'), 1.5e6);
  assert.equal(parseTime('1,5'), 1.5e6);
  assert.equal(parseTime('90s'), 90e6);
  assert.equal(parseTime('1m30s'), 90e6);
  assert.equal(parseTime(' 1h2m '), 3720e6);
  assert.equal(parseTime('2m'), 120e6);
  for (const bad of ['', 'abc', '1x', '-3', 'm', null, undefined]) assert.equal(parseTime(bad), null, String(bad));
});

test('fmtTime and parseTime agree', () => {
  for (const us of [0, 1, 999999, 61000000, 3600000000, 7384123456]) assert.equal(parseTime(fmtTime(us)), us);
});

test('trunc cuts with an ellipsis and keeps short text', () => {
  assert.equal(trunc('abcdef', 10), 'abcdef');
  assert.equal(trunc('abcdef', 4), 'abc…');
  assert.equal(trunc('abcdef', 1), 'a…');
  assert.equal(trunc(42, 5), '42');
});

test('fillVars fills own values only and leaves unknown placeholders', () => {
  assert.equal(fillVars('{n} of {total}', { n: 1, total: 2 }), '1 of 2');
  assert.equal(fillVars('{constructor}{toString}{x}', { x: 0 }), '{constructor}{toString}0');
  assert.equal(fillVars('plain', undefined), 'plain');
});
