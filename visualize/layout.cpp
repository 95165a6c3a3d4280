#include "visualize/layout.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <tuple>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/visitors.hpp>

namespace mailsim::viz {

namespace {

constexpr double kGapX = kSlot - kBoxW;        // between two boxes of a row
constexpr double kGapY = kRowPitch - kBoxH;    // between two rows: where links run
constexpr double kPass = 16;                   // room a longer link takes where it crosses a row
constexpr double kPassGap = 12;                // between two such passages
constexpr double kPortSpread = 0.7;            // links attach along the middle 70 % of a box side
constexpr std::size_t kMaxCentreSearch = 1500; // hosts; in a bigger network the busiest host is the root
constexpr double kMaxHint = 10000;             // |x|, |y| of a "pos" hint
constexpr double kTargetAspect = 2.0;          // width : height of the place the drawing should fill

using Vertex = Network::vertex_descriptor;

int outer_rank(const std::string& role) {  // PCs on the outside, then servers, DNS, routers
  if (role == "pc") return 0;
  if (role == "mailserver" || role == "relay") return 1;
  if (role == "dns") return 2;
  return 3;
}

int root_rank(const std::string& role) {  // the centre of the drawing is preferably a router
  if (role == "router") return 0;
  if (role == "dns") return 1;
  if (role == "pc") return 3;
  return 2;
}

// Hop counts from `from` (-1: unreachable), and the BFS tree's parents (-1: none).
void bfs(const Network& g, std::size_t from, std::vector<int>& dist, std::vector<int>* parent = nullptr) {
  const std::size_t n = boost::num_vertices(g);
  dist.assign(n, -1);
  std::vector<Vertex> pred(n);
  for (std::size_t v = 0; v < n; ++v) pred[v] = v;
  std::vector<int> d(n, 0);
  std::vector<boost::default_color_type> colour(n, boost::white_color);
  boost::breadth_first_visit(
      g, from,
      boost::visitor(boost::make_bfs_visitor(std::make_pair(boost::record_distances(d.data(), boost::on_tree_edge()),
                                                            boost::record_predecessors(pred.data(), boost::on_tree_edge()))))
          .color_map(colour.data()));
  for (std::size_t v = 0; v < n; ++v)
    if (colour[v] != boost::white_color) dist[v] = d[v];
  if (parent) {
    parent->assign(n, -1);
    for (std::size_t v = 0; v < n; ++v)
      if (dist[v] > 0) (*parent)[v] = static_cast<int>(pred[v]);
  }
}

std::optional<Point> hint(const nlohmann::json& host) {
  const auto it = host.find("pos");
  if (it == host.end() || !it->is_array() || it->size() != 2 || !(*it)[0].is_number() || !(*it)[1].is_number())
    return std::nullopt;
  const double x = (*it)[0].get<double>(), y = (*it)[1].get<double>();
  if (!std::isfinite(x) || !std::isfinite(y) || std::fabs(x) > kMaxHint || std::fabs(y) > kMaxHint) return std::nullopt;
  return Point{x, y};
}

int index_of(const Model& m, const std::string& name) {
  for (std::size_t i = 0; i < m.hosts.size(); ++i)
    if (m.hosts[i].name == name) return static_cast<int>(i);
  return -1;
}

// The host of the first message's sender and of its first recipient: the story runs from the
// left (sender) to the right (recipient). Without messages: the first and the last PC.
std::pair<int, int> anchors(const Model& m) {
  const nlohmann::json& t = *m.trace;
  auto host_of = [&](const std::string& address) {
    if (t.contains("users") && t["users"].is_array())
      for (const auto& u : t["users"])
        if (u.value("address", "") == address && u.contains("host") && u["host"].is_string())
          return index_of(m, u["host"].get<std::string>());
    return -1;
  };
  int s = -1, r = -1;
  if (t.contains("messages") && t["messages"].is_array() && !t["messages"].empty()) {
    const auto& msg = t["messages"][0];
    if (msg.contains("from") && msg["from"].is_string()) s = host_of(msg["from"].get<std::string>());
    if (msg.contains("to") && msg["to"].is_array() && !msg["to"].empty() && msg["to"][0].is_string())
      r = host_of(msg["to"][0].get<std::string>());
  }
  for (std::size_t i = 0; i < m.hosts.size(); ++i)
    if (m.hosts[i].role == "pc") {
      if (s < 0) s = static_cast<int>(i);
      if (r < 0 || r == s) r = static_cast<int>(i);
    }
  return {s, r};
}

// A subtree's outline per level below its root: leftmost and rightmost box centre, in slots.
// Stored deepest level first, plus one offset for the whole outline, so that putting a parent
// on top and shifting are O(1) and merging two outlines costs the shorter one (small into large).
struct Outline {
  std::vector<double> l, r;
  double base = 0;
  std::size_t levels() const { return l.size(); }
  double left(std::size_t k) const { return l[l.size() - 1 - k] + base; }
  double right(std::size_t k) const { return r[r.size() - 1 - k] + base; }
};

// Puts `child` (its root at x = shift) into `acc`, keeping per level the outermost boxes.
void merge(Outline& acc, Outline&& child, double shift) {
  child.base += shift;
  if (child.levels() > acc.levels()) std::swap(acc, child);
  for (std::size_t k = 0; k < child.levels(); ++k) {
    double& l = acc.l[acc.l.size() - 1 - k];
    double& r = acc.r[acc.r.size() - 1 - k];
    l = std::min(l, child.left(k) - acc.base);
    r = std::max(r, child.right(k) - acc.base);
  }
}

// Tidy tree: x of every member in slots, siblings in the given order, a parent centred over its
// children, neighbouring boxes on a level at least one slot apart.
std::vector<double> tidy_tree(std::size_t n, int root, const std::vector<std::vector<int>>& children,
                              const std::vector<int>& order) {
  std::vector<Outline> outline(n);
  std::vector<double> offset(n, 0), x(n, 0);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const int v = *it;
    const auto& ch = children[v];
    Outline acc;
    std::vector<double> shifts;
    for (std::size_t i = 0; i < ch.size(); ++i) {
      Outline& c = outline[ch[i]];
      double s = 0;
      if (i > 0) {
        s = -std::numeric_limits<double>::infinity();
        for (std::size_t k = 0; k < std::min(acc.levels(), c.levels()); ++k) s = std::max(s, acc.right(k) - c.left(k) + 1.0);
      }
      shifts.push_back(s);
      merge(acc, std::move(c), s);
      c = Outline{};
    }
    const double px = shifts.empty() ? 0 : (shifts.front() + shifts.back()) / 2;
    for (std::size_t i = 0; i < ch.size(); ++i) offset[ch[i]] = shifts[i] - px;
    acc.base -= px;
    acc.l.push_back(-acc.base);  // the parent itself, at 0
    acc.r.push_back(-acc.base);
    outline[v] = std::move(acc);
  }
  // Parents come before children in BFS order.
  x[root] = 0;
  for (const int v : order)
    for (const int c : children[v]) x[c] = x[v] + offset[c];
  return x;
}

// Minimal squared movement that keeps the order and the separations (isotonic regression by
// pool-adjacent-violators on want[i] - cumulative separation).
std::vector<double> legalise(const std::vector<double>& want, const std::vector<double>& weight,
                             const std::vector<double>& sep) {
  const std::size_t n = want.size();
  std::vector<double> c(n, 0);
  for (std::size_t i = 1; i < n; ++i) c[i] = c[i - 1] + sep[i - 1];
  struct Block { double sum_w, sum_wt; std::size_t count; };
  std::vector<Block> blocks;
  for (std::size_t i = 0; i < n; ++i) {
    blocks.push_back({weight[i], weight[i] * (want[i] - c[i]), 1});
    while (blocks.size() > 1) {
      const Block& b = blocks.back();
      const Block& a = blocks[blocks.size() - 2];
      if (a.sum_wt / a.sum_w <= b.sum_wt / b.sum_w) break;
      Block merged{a.sum_w + b.sum_w, a.sum_wt + b.sum_wt, a.count + b.count};
      blocks.pop_back();
      blocks.back() = merged;
    }
  }
  std::vector<double> x(n);
  std::size_t i = 0;
  for (const Block& b : blocks)
    for (std::size_t k = 0; k < b.count; ++k, ++i) x[i] = b.sum_wt / b.sum_w + c[i];
  return x;
}

struct Edge {
  int a = -1, b = -1;  // row[a] <= row[b]
  std::vector<double> pass_x;  // where it crosses each row strictly between a's and b's
};

double round1(double v) { return std::round(v * 10) / 10; }

}  // namespace

NetworkLayout layout_network(const Model& m, const Network& g) {
  NetworkLayout out;
  const std::size_t n = m.hosts.size();
  const nlohmann::json& tl = (*m.trace)["topology"]["links"];
  out.links.assign(tl.size(), {});
  out.hosts.assign(n, Point{});
  if (n == 0 || boost::num_vertices(g) != n) return out;

  // ---- automatic places: one tidy tree per connected part, side by side ----
  std::vector<int> comp(n);
  const int parts = boost::connected_components(g, comp.data());
  const auto [sender, recipient] = anchors(m);
  std::vector<int> dist_s, dist_r;
  if (sender >= 0) bfs(g, sender, dist_s);
  if (recipient >= 0) bfs(g, recipient, dist_r);
  std::vector<int> local_row(n, 0);
  std::vector<double> slot_x(n, 0);
  double next_left = 0;
  std::vector<int> dist, parent;
  for (int part = 0; part < parts; ++part) {
    std::vector<int> members;
    for (std::size_t v = 0; v < n; ++v)
      if (comp[v] == part) members.push_back(static_cast<int>(v));
    // The root: the most central host (least eccentricity), a router if possible, balanced
    // between sender and recipient.
    int root = members.front();
    if (members.size() > kMaxCentreSearch) {
      for (const int v : members)
        if (boost::degree(v, g) > boost::degree(root, g)) root = v;
    } else {
      std::tuple<int, int, int, int> best{std::numeric_limits<int>::max(), 0, 0, 0};
      for (const int v : members) {
        bfs(g, v, dist);
        int ecc = 0;
        for (const int w : members) ecc = std::max(ecc, dist[w]);
        const int balance = sender >= 0 && recipient >= 0 && comp[sender] == part && comp[recipient] == part
                                ? std::abs(dist_s[v] - dist_r[v]) : 0;
        const std::tuple<int, int, int, int> key{ecc, root_rank(m.hosts[v].role), balance, v};
        if (key < best) { best = key; root = v; }
      }
    }
    bfs(g, root, dist, &parent);
    std::vector<int> order(members.begin(), members.end());  // BFS order: by depth, stable
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return dist[a] < dist[b]; });
    std::vector<std::vector<int>> children(n);
    for (const int v : order)
      if (parent[v] >= 0) children[parent[v]].push_back(v);
    // Which branch of the root each host is on: the sender's (left), the recipient's (right), other.
    enum Side { Left, Middle, Right };
    std::vector<Side> side(n, Middle);
    auto branch = [&](int v) {
      if (v < 0 || comp[v] != part || v == root) return -1;
      while (parent[v] != root) v = parent[v];
      return v;
    };
    const int left_branch = branch(sender), right_branch = branch(recipient);
    for (const int v : order) {
      if (v == root) continue;
      side[v] = parent[v] != root ? side[parent[v]]
                : v == left_branch ? Left : v == right_branch ? Right : Middle;
    }
    // A middle branch linked to the sender's branch by a link outside the tree (a direct link
    // between two providers' routers) goes next to it; one linked to the recipient's, next to that.
    std::vector<int> top(n, -1), pull(n, 0);
    for (const int v : order)
      if (v != root) top[v] = parent[v] == root ? v : top[parent[v]];
    for (const int v : members) {
      auto [it, end] = boost::adjacent_vertices(v, g);
      for (; it != end; ++it) {
        const int w = static_cast<int>(*it);
        if (parent[v] == w || parent[w] == v || top[v] < 0 || top[w] < 0 || top[v] == top[w]) continue;
        pull[top[v]] += (top[w] == left_branch) - (top[w] == right_branch);
      }
    }
    for (const int v : order) {
      auto& ch = children[v];
      std::stable_sort(ch.begin(), ch.end(), [&](int a, int b) {
        if (v == root && side[a] != side[b]) return side[a] < side[b];
        if (v == root && pull[a] != pull[b]) return pull[a] > pull[b];
        const int ra = outer_rank(m.hosts[a].role), rb = outer_rank(m.hosts[b].role);
        if (ra != rb) return side[a] == Right ? ra > rb : ra < rb;
        return a < b;
      });
    }
    // One-sided: the root at the bottom, every branch above it. Two-sided, when that is much
    // wider than high: the root in the middle row, the sender's branch (and some others) above,
    // the recipient's (and the rest) below, so the drawing fits a screen or a page better.
    std::vector<double> x = tidy_tree(n, root, children, order);
    int max_d = 0;
    for (const int v : members) max_d = std::max(max_d, dist[v]);
    for (const int v : members) local_row[v] = max_d - dist[v];
    auto score = [&](const std::vector<double>& xs, int bottom_row) {
      double lo = std::numeric_limits<double>::infinity(), hi = -lo;
      for (const int v : members) { lo = std::min(lo, xs[v]); hi = std::max(hi, xs[v]); }
      const double w = (hi - lo) * kSlot + kBoxW, h = bottom_row * kRowPitch + kBoxH;
      return std::min(kTargetAspect / w, 1.0 / h);
    };
    const auto& branches = children[root];
    if (branches.size() >= 2 && members.size() <= kMaxCentreSearch) {
      std::vector<int> leaves(n, 0);
      for (const int v : members)
        if (v != root && children[v].empty()) ++leaves[top[v]];
      std::vector<char> above(n, 0);
      int up = 0, down = 0;
      for (const int b : branches) {  // already ordered: sender's first, recipient's last
        const bool go_up = b == left_branch || (b != right_branch && (pull[b] > 0 || (pull[b] == 0 && up <= down)));
        above[b] = go_up;
        (go_up ? up : down) += std::max(1, leaves[b]);
      }
      if (up > 0 && down > 0) {
        std::vector<std::vector<int>> half(children);
        std::vector<int> order_up, order_down;
        for (const int v : order) {
          if (v == root || above[top[v]]) order_up.push_back(v);
          if (v == root || !above[top[v]]) order_down.push_back(v);
        }
        half[root].clear();
        for (const int b : branches) if (above[b]) half[root].push_back(b);
        const std::vector<double> x_up = tidy_tree(n, root, half, order_up);
        half[root].clear();
        for (const int b : branches) if (!above[b]) half[root].push_back(b);
        const std::vector<double> x_down = tidy_tree(n, root, half, order_down);
        int max_up = 0, max_down = 0;
        for (const int v : members) {
          int& deepest = v != root && above[top[v]] ? max_up : max_down;
          deepest = std::max(deepest, dist[v]);
        }
        std::vector<double> x2(n, 0);
        for (const int v : members) x2[v] = v == root ? 0 : above[top[v]] ? x_up[v] : x_down[v];
        if (score(x2, max_up + max_down) > 1.25 * score(x, max_d)) {  // only when clearly better
          x = std::move(x2);
          for (const int v : members)
            local_row[v] = v == root ? max_up : above[top[v]] ? max_up - dist[v] : max_up + dist[v];
        }
      }
    }
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const int v : members) { lo = std::min(lo, x[v]); hi = std::max(hi, x[v]); }
    for (const int v : members) slot_x[v] = x[v] - lo + next_left;
    next_left += hi - lo + 1;
  }

  // ---- rows (parts aligned at the top), hints ----
  std::vector<int> row(local_row);
  std::vector<double> want(n), weight(n, 1.0);
  const nlohmann::json& th = (*m.trace)["topology"]["hosts"];
  for (std::size_t v = 0; v < n; ++v) {
    want[v] = slot_x[v] * kSlot;
    if (const auto h = hint(th[v])) {
      row[v] = static_cast<int>(std::lround(h->y));
      want[v] = h->x * kSlot;
      weight[v] = 20.0;  // a teacher's hint moves only when it must
    }
  }
  const int min_row = *std::min_element(row.begin(), row.end());
  for (int& r : row) r -= min_row;
  const int rows = *std::max_element(row.begin(), row.end()) + 1;

  // ---- links: one drawn edge per pair of hosts ----
  std::vector<Edge> edges;
  std::vector<int> edge_of_link(tl.size(), -1);
  std::map<std::pair<int, int>, int> edge_index;
  for (std::size_t i = 0; i < tl.size(); ++i) {
    const int a = index_of(m, tl[i].value("a", "")), b = index_of(m, tl[i].value("b", ""));
    if (a < 0 || b < 0 || a == b) continue;
    auto [it, fresh] = edge_index.emplace(std::minmax(a, b), static_cast<int>(edges.size()));
    if (fresh) edges.push_back(row[a] <= row[b] ? Edge{a, b, {}} : Edge{b, a, {}});
    edge_of_link[i] = it->second;
  }

  // ---- x in every row: boxes and the passages of longer links, in order, legalised ----
  struct Item { double want, weight, width; int host, edge, k; };
  std::vector<std::vector<Item>> items(rows);
  for (std::size_t v = 0; v < n; ++v) items[row[v]].push_back({want[v], weight[v], kBoxW, static_cast<int>(v), -1, 0});
  for (std::size_t e = 0; e < edges.size(); ++e) {
    const Edge& ed = edges[e];
    const int span = row[ed.b] - row[ed.a];
    for (int k = 1; k < span; ++k)
      items[row[ed.a] + k].push_back({want[ed.a] + (want[ed.b] - want[ed.a]) * k / span, 0.5, kPass, -1,
                                      static_cast<int>(e), k - 1});
  }
  std::vector<double> cx(n);
  for (auto& list : items) {
    std::stable_sort(list.begin(), list.end(), [](const Item& a, const Item& b) {
      if (a.want != b.want) return a.want < b.want;
      return a.host >= 0 && b.host < 0;
    });
    std::vector<double> w, wt, sep;
    for (std::size_t i = 0; i < list.size(); ++i) {
      w.push_back(list[i].want);
      wt.push_back(list[i].weight);
      if (i > 0) {
        const bool passes = list[i - 1].host < 0 && list[i].host < 0;
        sep.push_back((list[i - 1].width + list[i].width) / 2 + (passes ? kPassGap : kGapX));
      }
    }
    const std::vector<double> x = legalise(w, wt, sep);
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (list[i].host >= 0) cx[list[i].host] = x[i];
      else {
        auto& px = edges[list[i].edge].pass_x;
        if (px.size() <= static_cast<std::size_t>(list[i].k)) px.resize(list[i].k + 1);
        px[list[i].k] = x[i];
      }
    }
  }
  auto cy = [&](int v) { return row[v] * kRowPitch; };
  // Two hosts next to each other in a row (nothing between them) are joined side to side.
  std::vector<int> left_neighbour(n, -1);
  for (const auto& list : items) {
    int prev = -1;
    for (const Item& it : list) {
      if (it.host >= 0 && prev >= 0) left_neighbour[it.host] = prev;
      prev = it.host;  // a passage in between breaks the adjacency
    }
  }
  auto side_by_side = [&](const Edge& ed) {
    return row[ed.a] == row[ed.b] && (left_neighbour[ed.a] == ed.b || left_neighbour[ed.b] == ed.a);
  };

  // ---- ports: where each link meets a box, spread along the side, ordered by direction ----
  struct Port { double toward; int edge; bool upper_end; };
  std::vector<Point> port_a(edges.size()), port_b(edges.size());
  std::vector<std::vector<Port>> top(n), bottom(n);
  for (std::size_t e = 0; e < edges.size(); ++e) {
    const Edge& ed = edges[e];
    const double toward_b = ed.pass_x.empty() ? cx[ed.b] : ed.pass_x.front();
    const double toward_a = ed.pass_x.empty() ? cx[ed.a] : ed.pass_x.back();
    if (side_by_side(ed)) {
      const bool a_left = cx[ed.a] < cx[ed.b];
      port_a[e] = {cx[ed.a] + (a_left ? 1 : -1) * kBoxW / 2, cy(ed.a)};
      port_b[e] = {cx[ed.b] + (a_left ? -1 : 1) * kBoxW / 2, cy(ed.b)};
    } else if (row[ed.a] == row[ed.b]) {  // within a row: both ends on the top side, round through the gap above
      top[ed.a].push_back({toward_b, static_cast<int>(e), true});
      top[ed.b].push_back({toward_a, static_cast<int>(e), false});
    } else {
      bottom[ed.a].push_back({toward_b, static_cast<int>(e), true});
      top[ed.b].push_back({toward_a, static_cast<int>(e), false});
    }
  }
  auto spread = [&](std::vector<Port>& ports, int v, double y) {
    std::stable_sort(ports.begin(), ports.end(), [](const Port& p, const Port& q) { return p.toward < q.toward; });
    for (std::size_t i = 0; i < ports.size(); ++i) {
      const double x = cx[v] + kBoxW * kPortSpread * ((i + 0.5) / ports.size() - 0.5);
      (ports[i].upper_end ? port_a : port_b)[ports[i].edge] = Point{x, y};
    }
  };
  for (std::size_t v = 0; v < n; ++v) {
    spread(top[v], static_cast<int>(v), cy(static_cast<int>(v)) - kBoxH / 2);
    spread(bottom[v], static_cast<int>(v), cy(static_cast<int>(v)) + kBoxH / 2);
  }

  // ---- polylines ----
  std::vector<std::vector<Point>> path(edges.size());
  std::vector<int> in_row_count(rows, 0);
  for (std::size_t e = 0; e < edges.size(); ++e) {
    const Edge& ed = edges[e];
    auto& p = path[e];
    p.push_back(port_a[e]);
    if (side_by_side(ed)) {
      // straight across the gap between the two boxes
    } else if (row[ed.a] == row[ed.b]) {
      // Staggered, so that two such links of a row do not share one line.
      const int k = in_row_count[row[ed.a]]++;
      const double y = cy(ed.a) - kBoxH / 2 - kGapY * (0.5 + 0.15 * ((k % 3) - 1));
      p.push_back({port_a[e].x, y});
      p.push_back({port_b[e].x, y});
    } else {
      for (std::size_t k = 0; k < ed.pass_x.size(); ++k) {
        const double y = (row[ed.a] + 1 + static_cast<int>(k)) * kRowPitch;
        p.push_back({ed.pass_x[k], y - kBoxH / 2});
        p.push_back({ed.pass_x[k], y + kBoxH / 2});
      }
    }
    p.push_back(port_b[e]);
  }

  // ---- into [0, width] x [0, height] ----
  double x0 = std::numeric_limits<double>::infinity(), y0 = x0, x1 = -x0, y1 = -x0;
  auto extend = [&](double x, double y) { x0 = std::min(x0, x); x1 = std::max(x1, x); y0 = std::min(y0, y); y1 = std::max(y1, y); };
  for (std::size_t v = 0; v < n; ++v) {
    extend(cx[v] - kBoxW / 2, cy(static_cast<int>(v)) - kBoxH / 2);
    extend(cx[v] + kBoxW / 2, cy(static_cast<int>(v)) + kBoxH / 2);
  }
  for (const auto& p : path)
    for (const Point& q : p) extend(q.x, q.y);
  for (std::size_t v = 0; v < n; ++v) out.hosts[v] = {round1(cx[v] - x0), round1(cy(static_cast<int>(v)) - y0)};
  for (std::size_t i = 0; i < tl.size(); ++i) {
    if (edge_of_link[i] < 0) continue;
    const Edge& ed = edges[edge_of_link[i]];
    std::vector<Point> p;
    for (const Point& q : path[edge_of_link[i]]) p.push_back({round1(q.x - x0), round1(q.y - y0)});
    if (index_of(m, tl[i].value("a", "")) != ed.a) std::reverse(p.begin(), p.end());  // from the link's a to its b
    out.links[i] = std::move(p);
  }
  out.width = round1(x1 - x0);
  out.height = round1(y1 - y0);
  return out;
}

std::vector<std::string> layout_problems(const Model& m, const NetworkLayout& lay) {
  std::vector<std::string> problems;
  struct Box { double x0, y0, x1, y1; };
  std::vector<Box> boxes;
  for (const Point& c : lay.hosts)
    boxes.push_back({c.x - lay.box_w / 2, c.y - lay.box_h / 2, c.x + lay.box_w / 2, c.y + lay.box_h / 2});
  const double eps = 1e-6;
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    const Box& b = boxes[i];
    if (b.x0 < -eps || b.y0 < -eps || b.x1 > lay.width + eps || b.y1 > lay.height + eps)
      problems.push_back("the box of " + m.hosts[i].name + " is outside the drawing");
    for (std::size_t j = i + 1; j < boxes.size(); ++j) {
      const Box& c = boxes[j];
      if (b.x0 < c.x1 - eps && c.x0 < b.x1 - eps && b.y0 < c.y1 - eps && c.y0 < b.y1 - eps)
        problems.push_back("the boxes of " + m.hosts[i].name + " and " + m.hosts[j].name + " overlap");
    }
  }
  // Liang-Barsky: does segment p-q pass through the interior of box b?
  auto hits = [&](Point p, Point q, const Box& b) {
    const double bx0 = b.x0 + eps, bx1 = b.x1 - eps, by0 = b.y0 + eps, by1 = b.y1 - eps;
    const double dx = q.x - p.x, dy = q.y - p.y;
    double t0 = 0, t1 = 1;
    const double pk[4] = {-dx, dx, -dy, dy}, qk[4] = {p.x - bx0, bx1 - p.x, p.y - by0, by1 - p.y};
    for (int k = 0; k < 4; ++k) {
      if (pk[k] == 0) {
        if (qk[k] < 0) return false;
        continue;
      }
      const double t = qk[k] / pk[k];
      if (pk[k] < 0) t0 = std::max(t0, t);
      else t1 = std::min(t1, t);
      if (t0 > t1) return false;
    }
    return t0 < t1;
  };
  auto on_border = [&](Point p, const Box& b) {
    const bool in_x = p.x >= b.x0 - eps && p.x <= b.x1 + eps, in_y = p.y >= b.y0 - eps && p.y <= b.y1 + eps;
    return in_x && in_y && (std::fabs(p.x - b.x0) < 1e-3 || std::fabs(p.x - b.x1) < 1e-3 || std::fabs(p.y - b.y0) < 1e-3 ||
                            std::fabs(p.y - b.y1) < 1e-3);
  };
  const nlohmann::json& tl = (*m.trace)["topology"]["links"];
  for (std::size_t i = 0; i < lay.links.size() && i < tl.size(); ++i) {
    const auto& p = lay.links[i];
    const std::string a = tl[i].value("a", ""), b = tl[i].value("b", "");
    const std::string name = a + "--" + b;
    int ia = -1, ib = -1;
    for (std::size_t v = 0; v < m.hosts.size(); ++v) {
      if (m.hosts[v].name == a) ia = static_cast<int>(v);
      if (m.hosts[v].name == b) ib = static_cast<int>(v);
    }
    if (ia < 0 || ib < 0 || ia == ib) continue;
    if (p.size() < 2) { problems.push_back("the link " + name + " is not drawn"); continue; }
    if (!on_border(p.front(), boxes[ia]) || !on_border(p.back(), boxes[ib]))
      problems.push_back("the link " + name + " does not join the boxes of its hosts");
    for (std::size_t k = 0; k + 1 < p.size(); ++k)
      for (std::size_t v = 0; v < boxes.size(); ++v) {
        if (!hits(p[k], p[k + 1], boxes[v])) continue;
        // A link may touch its own ends' boxes only at its first and last point.
        if ((static_cast<int>(v) == ia || static_cast<int>(v) == ib)) {
          problems.push_back("the link " + name + " runs through the box of its own end " + m.hosts[v].name);
          continue;
        }
        problems.push_back("the link " + name + " passes behind the box of " + m.hosts[v].name);
      }
  }
  return problems;
}

nlohmann::json layout_json(const NetworkLayout& lay) {
  nlohmann::json hosts = nlohmann::json::array(), links = nlohmann::json::array();
  for (const Point& p : lay.hosts) hosts.push_back({p.x, p.y});
  for (const auto& l : lay.links) {
    nlohmann::json pts = nlohmann::json::array();
    for (const Point& p : l) pts.push_back({p.x, p.y});
    links.push_back(std::move(pts));
  }
  return {{"box", {lay.box_w, lay.box_h}}, {"size", {lay.width, lay.height}}, {"hosts", std::move(hosts)},
          {"links", std::move(links)}};
}

}  // namespace mailsim::viz
