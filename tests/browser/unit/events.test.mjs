// Filters, message spans, faults and mailboxes (visualize/assets/lib/events.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { protoGroup, passesFilter, messageSpans, isFault, faultEffect, mailboxesAt } from '../../../visualize/assets/lib/events.js';

const ev = (o) => Object.assign({ kind: 'line', protocol: 'SMTP', actor: { agent: 'MTA', host: 'a' }, peer: { agent: 'MTA', host: 'b' },
  time_us: 0, line: '' }, o);

test('protoGroup puts ESMTP with SMTP', () => {
  assert.equal(protoGroup('ESMTP'), 'SMTP');
  assert.equal(protoGroup('POP3'), 'POP3');
});

test('passesFilter applies protocol, host, message and failure filters', () => {
  const none = { proto: '', host: '', msg: '', fail: false };
  const e = ev({ protocol: 'ESMTP' });
  assert.ok(passesFilter(e, [], none));
  assert.ok(passesFilter(e, [], { ...none, proto: 'SMTP' }));
  assert.ok(!passesFilter(e, [], { ...none, proto: 'POP3' }));
  assert.ok(passesFilter(e, [], { ...none, host: 'b' }));
  assert.ok(!passesFilter(e, [], { ...none, host: 'c' }));
  assert.ok(passesFilter(e, ['m1'], { ...none, msg: 'm1' }));
  assert.ok(!passesFilter(e, ['m2'], { ...none, msg: 'm1' }));
  assert.ok(!passesFilter(e, [], { ...none, fail: true }));
  assert.ok(passesFilter(ev({ alert: 'permanent' }), [], { ...none, fail: true }));
});

test('a fault stays with a message while the message is not done', () => {
  const none = { proto: '', host: '', msg: 'm1', fail: false };
  const fault = ev({ kind: 'fact', step: null, fact: 'host_down', data: { host: 'a' }, time_us: 5, peer: null });
  assert.ok(isFault(fault));
  assert.ok(!isFault(ev({ kind: 'fact', step: 5, fact: 'delivered' })));
  assert.ok(passesFilter(fault, [], none, [0, 10]));
  assert.ok(!passesFilter(fault, [], none, [0, 4]));
  assert.ok(!passesFilter(fault, [], none, undefined));
});

test('messageSpans works with ids that are Object.prototype names', () => {
  const events = [ev({ time_us: 1 }), ev({ time_us: 2 }), ev({ time_us: 3 }), ev({ time_us: 4 })];
  const msgs = [['__proto__'], ['constructor', '__proto__'], ['toString'], ['constructor']];
  const spans = messageSpans(events, (i) => msgs[i]);
  assert.deepEqual(spans.get('__proto__'), [1, 2]);
  assert.deepEqual(spans.get('constructor'), [2, 4]);
  assert.deepEqual(spans.get('toString'), [3, 3]);
  assert.equal(spans.get('hasOwnProperty'), undefined);
});

test('faultEffect reads the typed fault, not its words', () => {
  const key = (a, b) => (a < b ? a + '\n' + b : b + '\n' + a);
  assert.deepEqual(faultEffect({ fact: 'host_down', data: { host: 'mx' }, alert: 'transient' }, key), ['Hmx', 'down']);
  assert.deepEqual(faultEffect({ fact: 'host_up', data: { host: 'mx' } }, key), ['Hmx', '']);
  assert.deepEqual(faultEffect({ fact: 'link_loss', data: { link: ['b', 'a'], loss: 0.2 }, alert: 'transient' }, key),
    ['La\nb', 'lossy']);
});

test('mailboxesAt replays stores, deletions and local copies up to an event', () => {
  const boxes = [[3, 'bob', 'server', 1, 'm1', 1], [5, 'alice', 'server', 1, '__proto__', 1],
    [9, 'alice', 'server', -1, '__proto__', 1], [9, 'alice', 'local', 1, '__proto__', 1]];
  assert.deepEqual(mailboxesAt(boxes, 2).size, 0);
  const at5 = mailboxesAt(boxes, 5);
  assert.deepEqual(at5.get('bob').server, ['m1']);
  assert.deepEqual(at5.get('alice').server, ['__proto__']);
  const at9 = mailboxesAt(boxes, 9);
  assert.deepEqual(at9.get('alice').server, []);
  assert.deepEqual(at9.get('alice').removed, ['__proto__']);  // retrieved and deleted: history
  assert.deepEqual(at9.get('alice').local, ['__proto__']);
});
