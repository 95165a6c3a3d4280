// Lookups keyed by data never reach Object.prototype (visualize/assets/lib/dict.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dict, own, hashParams } from '../../../visualize/assets/lib/dict.js';

const HOSTILE = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

test('dict() has no inherited keys', () => {
  const d = dict();
  for (const k of HOSTILE) assert.equal(d[k], undefined, k);
  for (const k of HOSTILE) d[k] = k.length;
  for (const k of HOSTILE) assert.equal(d[k], k.length, k);
  assert.equal(Object.getPrototypeOf(d), null);
});

test('own() reads only own properties, also of parsed JSON', () => {
  const parsed = JSON.parse('{"__proto__": [1, 2], "a": 1}');
  assert.deepEqual(own(parsed, '__proto__'), [1, 2]);
  assert.equal(own(parsed, 'constructor'), undefined);
  assert.equal(own(parsed, 'toString'), undefined);
  assert.equal(own(parsed, 'a'), 1);
  assert.equal(own(null, 'a'), undefined);
  assert.equal(own(undefined, 'a'), undefined);
});

test('hashParams reads the address and survives hostile keys and bad escapes', () => {
  const p = hashParams('#seq=40&lang=es&tab=message');
  assert.equal(p.seq, '40');
  assert.equal(p.lang, 'es');
  assert.equal(p.tab, 'message');
  const h = hashParams('#__proto__=x&constructor=y&bad=%E0%A4%A&k');
  assert.equal(h['__proto__'], 'x');
  assert.equal(h.constructor, 'y');
  assert.equal(h.bad, undefined);
  assert.equal(h.k, '');
  assert.equal(Object.getPrototypeOf(h), null);
  assert.equal(Object.keys(hashParams('')).length, 0);
});
