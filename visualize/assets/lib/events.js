// Pure functions over the trace's events: filters, message time spans, POP3 deletions.
// Every table keyed by a message id or host name is a Map (see dict.js for why).

// SMTP and ESMTP are one protocol in the filter.
export function protoGroup(p) { return p === 'ESMTP' ? 'SMTP' : p; }

// Does event e (belonging to messages msgs) pass filter f = {proto, host, msg, fail}?
// span is [first, last] time of f.msg's events. A fault before the message was done (a
// server already down) explains its fate, so it stays with the message.
export function passesFilter(e, msgs, f, span) {
  if (f.proto && protoGroup(e.protocol) !== f.proto) return false;
  if (f.host && e.actor.host !== f.host && !(e.peer && e.peer.host === f.host)) return false;
  if (f.msg && msgs.indexOf(f.msg) < 0) {
    if (e.kind !== 'fault' || !span || e.time_us > span[1]) return false;
  }
  if (f.fail && !e.alert) return false;
  return true;
}

// Map message id -> [time of its first event, time of its last event].
export function messageSpans(events, msgsOf) {
  const spans = new Map();
  for (let i = 0; i < events.length; i++)
    for (const m of msgsOf(i)) {
      const sp = spans.get(m);
      if (sp) sp[1] = events[i].time_us;
      else spans.set(m, [events[i].time_us, events[i].time_us]);
    }
  return spans;
}

// Map message id -> time it left the server's mailbox: POP3 deletions take effect at the +OK
// to QUIT (RFC 1939 §6), not at the DELE.
export function pop3Deletions(events, msgsOf) {
  const deletedAt = new Map(), pending = new Map(), quitting = new Set();
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.protocol !== 'POP3' || e.kind !== 'line') continue;
    const c = e.conn;
    if (e.direction === 'request' && /^DELE\b/i.test(e.line)) {
      if (!pending.has(c)) pending.set(c, []);
      pending.get(c).push(...msgsOf(i));
    }
    if (e.direction === 'request' && /^QUIT\b/i.test(e.line)) quitting.add(c);
    if (e.direction === 'response' && quitting.has(c) && /^\+OK/.test(e.line)) {
      for (const m of pending.get(c) || []) if (!deletedAt.has(m)) deletedAt.set(m, e.time_us);
      pending.delete(c);
      quitting.delete(c);
    }
  }
  return deletedAt;
}
