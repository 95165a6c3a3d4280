// Pure functions over the trace's events: filters, message time spans, faults and mailboxes.
// Meaning comes from typed facts (docs/trace-format.md), never from reading lines.
// Every table keyed by a message id or host name is a Map (see dict.js for why).

// SMTP and ESMTP are one protocol in the filter.
export function protoGroup(p) { return p === 'ESMTP' ? 'SMTP' : p; }

// Does event e (belonging to messages msgs) pass filter f = {proto, host, msg, fail}?
// span is [first, last] time of f.msg's events. A fault before the message was done (a
// server already down) explains its fate, so it stays with the message.
// A fault is a fact with no step (a host or link going down or up, a lossy link).
export function isFault(e) { return e.kind === 'fact' && e.step === null; }

export function passesFilter(e, msgs, f, span) {
  if (f.proto && protoGroup(e.protocol) !== f.proto) return false;
  if (f.host && e.actor.host !== f.host && !(e.peer && e.peer.host === f.host)) return false;
  if (f.msg && msgs.indexOf(f.msg) < 0) {
    if (!isFault(e) || !span || e.time_us > span[1]) return false;
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

// What a fault fact does to the drawing: [key, state] with key "H<host>" or "L<a>\n<b>"
// (linkKey order) and state "down", "lossy" or "" (working again).
export function faultEffect(e, linkKey) {
  const d = e.data || {};
  const key = d.link ? 'L' + linkKey(d.link[0], d.link[1]) : 'H' + d.host;
  return [key, !e.alert ? '' : e.fact === 'link_loss' ? 'lossy' : 'down'];
}

// The users' mailboxes after event i, replayed from the mailbox changes the C++ view model
// derives from facts (V.boxes: [event, user, "server" | "local", +1 | -1, message, record]).
// Returns Map user -> { server: [msg], removed: [msg], local: [msg] }.
export function mailboxesAt(boxes, i) {
  const out = new Map(), stored = new Map();
  const of = (user) => {
    if (!out.has(user)) out.set(user, { server: [], removed: [], local: [] });
    return out.get(user);
  };
  for (const [at, user, where, op, msg, record] of boxes) {
    if (at > i) break;
    const key = user + '\n' + record;
    if (where === 'local') of(user).local.push(msg);
    else if (op > 0) stored.set(key, [user, msg]);
    else if (stored.has(key)) {
      of(user).removed.push(stored.get(key)[1]);
      stored.delete(key);
    }
  }
  for (const [user, msg] of stored.values()) of(user).server.push(msg);
  return out;
}
