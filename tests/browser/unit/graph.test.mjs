// Routes through the network and plane geometry (visualize/assets/lib/graph.js, geometry.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adjacency, linkKey, route } from '../../../visualize/assets/lib/graph.js';
import { boxesOverlap, segmentHitsBox, pointAlong, wrapText, cutToFit } from '../../../visualize/assets/lib/geometry.js';

test('route finds a shortest path, also between hosts named like Object.prototype members', () => {
  const links = [{ a: '__proto__', b: 'toString' }, { a: 'toString', b: 'constructor' }, { a: '__proto__', b: 'x' },
    { a: 'x', b: 'y' }, { a: 'y', b: 'constructor' }];
  const adj = adjacency(links);
  assert.deepEqual(route(adj, '__proto__', 'constructor'), ['__proto__', 'toString', 'constructor']);
  assert.deepEqual(route(adj, 'constructor', 'constructor'), ['constructor']);
  assert.deepEqual(route(adj, '__proto__', 'nowhere'), ['__proto__', 'nowhere']);
  assert.equal(linkKey('b', 'a'), linkKey('a', 'b'));
});

test('boxesOverlap: shared area only, touching is fine', () => {
  const a = { x: 0, y: 0, w: 10, h: 10 };
  assert.ok(boxesOverlap(a, { x: 5, y: 5, w: 10, h: 10 }));
  assert.ok(!boxesOverlap(a, { x: 10, y: 0, w: 10, h: 10 }));
  assert.ok(!boxesOverlap(a, { x: 0, y: 11, w: 10, h: 10 }));
  assert.ok(boxesOverlap(a, { x: 2, y: 2, w: 2, h: 2 }));
});

test('segmentHitsBox: through, beside, along an edge, ending inside', () => {
  const r = { x: 10, y: 10, w: 10, h: 10 };
  assert.ok(segmentHitsBox([0, 15], [30, 15], r));
  assert.ok(segmentHitsBox([0, 0], [30, 30], r));
  assert.ok(!segmentHitsBox([0, 0], [30, 0], r));
  assert.ok(!segmentHitsBox([0, 10], [30, 10], r));   // along the top edge
  assert.ok(segmentHitsBox([0, 25], [25, 0], r));     // across a corner region
  assert.ok(segmentHitsBox([15, 15], [40, 40], r));   // starts inside
  assert.ok(!segmentHitsBox([0, 0], [9, 30], r));
  assert.ok(!segmentHitsBox([5, 5], [5, 5], r));      // a point outside
  assert.ok(!segmentHitsBox([0, 20], [10, 30], r));   // touches a corner only
});

test('pointAlong walks a polyline by length', () => {
  const pts = [[0, 0], [10, 0], [10, 30]];
  assert.deepEqual(pointAlong(pts, 0), [0, 0]);
  assert.deepEqual(pointAlong(pts, 0.25), [10, 0]);
  assert.deepEqual(pointAlong(pts, 1), [10, 30]);
  assert.deepEqual(pointAlong(pts, 2), [10, 30]);
  assert.deepEqual(pointAlong([[3, 4]], 0.5), [3, 4]);
});

test('wrapText fills lines, cuts what does not fit with an ellipsis', () => {
  const fits = (s) => s.length <= 10;
  assert.deepEqual(wrapText('one two three four', 2, fits), ['one two', 'three four']);
  assert.deepEqual(wrapText('one two three four five', 2, fits), ['one two', 'three fou…']);
  assert.deepEqual(wrapText('averyveryverylongword', 2, fits), ['averyvery…']);
  assert.deepEqual(wrapText('', 2, fits), []);
  assert.equal(cutToFit('abcdefghijkl', fits), 'abcdefghi…');
});
