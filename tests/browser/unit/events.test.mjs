// Filters, message spans and POP3 deletions (visualize/assets/lib/events.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { protoGroup, passesFilter, messageSpans, pop3Deletions } from '../../../visualize/assets/lib/events.js';

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
  const fault = ev({ kind: 'fault', time_us: 5, peer: null });
  assert.ok(passesFilter(fault, [], none, [0, 10]));
  assert.ok(!passesFilter(fault, [], none, [0, 4]));
  assert.ok(!passesFilter(fault, [], none, undefined));
});

test('messageSpans and pop3Deletions work with ids that are Object.prototype names', () => {
  const events = [
    ev({ time_us: 1 }), ev({ time_us: 2 }), ev({ time_us: 3 }),
    ev({ protocol: 'POP3', direction: 'request', line: 'DELE 1', conn: 7, time_us: 4 }),
    ev({ protocol: 'POP3', direction: 'request', line: 'QUIT', conn: 7, time_us: 5 }),
    ev({ protocol: 'POP3', direction: 'response', line: '+OK bye', conn: 7, time_us: 6 }),
  ];
  const msgs = [['__proto__'], ['constructor', '__proto__'], ['toString'], ['constructor'], [], []];
  const spans = messageSpans(events, (i) => msgs[i]);
  assert.deepEqual(spans.get('__proto__'), [1, 2]);
  assert.deepEqual(spans.get('constructor'), [2, 4]);
  assert.deepEqual(spans.get('toString'), [3, 3]);
  assert.equal(spans.get('hasOwnProperty'), undefined);
  const del = pop3Deletions(events, (i) => msgs[i]);
  assert.equal(del.get('constructor'), 6);  // at the +OK to QUIT, not at the DELE
  assert.equal(del.size, 1);
});

test('a POP3 session that never quits deletes nothing', () => {
  const events = [ev({ protocol: 'POP3', direction: 'request', line: 'DELE 1', conn: 1 })];
  assert.equal(pop3Deletions(events, () => ['m1']).size, 0);
});
