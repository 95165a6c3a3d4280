// The network as the viewer walks it: adjacency of hosts and the route a line takes.

// One key per undirected link.
export function linkKey(a, b) { return a < b ? a + '\n' + b : b + '\n' + a; }

// Map host -> [neighbour hosts], from topology.links.
export function adjacency(links) {
  const adj = new Map();
  const add = (a, b) => { if (!adj.has(a)) adj.set(a, []); adj.get(a).push(b); };
  for (const l of links) { add(l.a, l.b); add(l.b, l.a); }
  return adj;
}

// Hosts on a shortest route from a to b (both included), breadth first; [a, b] when there
// is no route (the drawing then goes straight).
export function route(adj, a, b) {
  const prev = new Map([[a, null]]), queue = [a];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head];
    if (v === b) break;
    for (const w of adj.get(v) || []) if (!prev.has(w)) { prev.set(w, v); queue.push(w); }
  }
  if (!prev.has(b)) return [a, b];
  const path = [];
  for (let v = b; v !== null; v = prev.get(v)) path.unshift(v);
  return path;
}
