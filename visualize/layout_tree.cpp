#include "visualize/layout_tree.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <tuple>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/visitors.hpp>

#include "visualize/layout.hpp"

namespace mailsim::viz::layout_detail {

namespace {

constexpr std::size_t kMaxCentreSearch = 1500;  // hosts; in a bigger part the busiest host is the root
constexpr double kTargetAspect = 2.0;           // width : height of the place the drawing should fill
constexpr double kTwoSidedGain = 1.25;          // drawn two-sided only when it is clearly larger

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

// Breadth-first search within one connected part, reusing its maps, so that a network of many
// small parts costs the sum of their sizes, not parts x hosts.
class PartBfs {
 public:
  explicit PartBfs(const Network& g)
      : g_(g), colour_(boost::num_vertices(g), boost::white_color), dist_(colour_.size(), 0), pred_(colour_.size()) {}
  void run(int from, const std::vector<int>& members) {
    for (const int v : members) {
      colour_[v] = boost::white_color;
      dist_[v] = 0;
      pred_[v] = static_cast<Vertex>(v);
    }
    boost::breadth_first_visit(
        g_, static_cast<Vertex>(from),
        boost::visitor(boost::make_bfs_visitor(std::make_pair(boost::record_distances(dist_.data(), boost::on_tree_edge()),
                                                              boost::record_predecessors(pred_.data(), boost::on_tree_edge()))))
            .color_map(colour_.data()));
  }
  int dist(int v) const { return dist_[v]; }
  int parent(int v) const { return pred_[v] == static_cast<Vertex>(v) ? -1 : static_cast<int>(pred_[v]); }

 private:
  const Network& g_;
  std::vector<boost::default_color_type> colour_;
  std::vector<int> dist_;
  std::vector<Vertex> pred_;
};

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

enum Side { Left, Middle, Right };

// Everything about one part, in arrays over all hosts that only the part's members touch.
struct Scratch {
  explicit Scratch(std::size_t n)
      : children(n), outline(n), offset(n, 0), side(n, Middle), top(n, -1), pull(n, 0), leaves(n, 0), above(n, 0),
        ds(n, -1), dr(n, -1), x1(n, 0), x2(n, 0) {}
  std::vector<std::vector<int>> children;
  std::vector<Outline> outline;
  std::vector<double> offset;
  std::vector<Side> side;
  std::vector<int> top, pull, leaves;
  std::vector<char> above;
  std::vector<int> ds, dr;  // hops from the sender's and the recipient's host
  std::vector<double> x1, x2;
};

// Tidy tree over `order` (parents before children): x in slots into `x`, siblings in the order of
// s.children, a parent centred over its children, neighbours on a level at least one slot apart.
void tidy_tree(Scratch& s, int root, const std::vector<int>& order, std::vector<double>& x) {
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const int v = *it;
    const auto& ch = s.children[v];
    Outline acc;
    double first = 0, last = 0;
    for (std::size_t i = 0; i < ch.size(); ++i) {
      Outline& c = s.outline[ch[i]];
      double shift = 0;
      if (i > 0) {
        shift = -std::numeric_limits<double>::infinity();
        for (std::size_t k = 0; k < std::min(acc.levels(), c.levels()); ++k)
          shift = std::max(shift, acc.right(k) - c.left(k) + 1.0);
      }
      if (i == 0) first = shift;
      last = shift;
      s.offset[ch[i]] = shift;
      merge(acc, std::move(c), shift);
      c = Outline{};
    }
    const double mid = (first + last) / 2;
    for (const int c : ch) s.offset[c] -= mid;
    acc.base -= mid;
    acc.l.push_back(-acc.base);  // the parent itself, at 0
    acc.r.push_back(-acc.base);
    s.outline[v] = std::move(acc);
  }
  s.outline[root] = Outline{};
  x[root] = 0;
  for (const int v : order)
    for (const int c : s.children[v]) x[c] = x[v] + s.offset[c];
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
  auto host_of = [&](const nlohmann::json& address) {
    if (address.is_string() && t.contains("users") && t["users"].is_array())
      for (const auto& u : t["users"])
        if (u.is_object() && u.value("address", nlohmann::json()) == address && u.contains("host") && u["host"].is_string())
          return index_of(m, u["host"].get<std::string>());
    return -1;
  };
  int s = -1, r = -1;
  if (t.contains("messages") && t["messages"].is_array() && !t["messages"].empty() && t["messages"][0].is_object()) {
    const auto& msg = t["messages"][0];
    if (msg.contains("from")) s = host_of(msg["from"]);
    if (msg.contains("to") && msg["to"].is_array() && !msg["to"].empty()) r = host_of(msg["to"][0]);
  }
  for (std::size_t i = 0; i < m.hosts.size(); ++i)
    if (m.hosts[i].role == "pc") {
      if (s < 0) s = static_cast<int>(i);
      if (r < 0 || r == s) r = static_cast<int>(i);
    }
  return {s, r};
}

class PartPlacer {
 public:
  PartPlacer(const Model& m, const Network& g, const std::vector<int>& comp)
      : m_(m), g_(g), comp_(comp), bfs_(g), s_(m.hosts.size()) {
    std::tie(sender_, recipient_) = anchors(m);
  }

  // Places the part's members: x relative to the part (leftmost at 0), rows from its top.
  void place(int part, const std::vector<int>& members, TreePlaces& out) {
    const bool has_s = sender_ >= 0 && comp_[sender_] == part, has_r = recipient_ >= 0 && comp_[recipient_] == part;
    if (has_s) { bfs_.run(sender_, members); for (const int v : members) s_.ds[v] = bfs_.dist(v); }
    if (has_r) { bfs_.run(recipient_, members); for (const int v : members) s_.dr[v] = bfs_.dist(v); }
    const int root = choose_root(members, has_s && has_r);
    bfs_.run(root, members);
    std::vector<int> order(members);  // parents before children: by hops from the root
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return bfs_.dist(a) < bfs_.dist(b); });
    for (const int v : order) {
      s_.children[v].clear();
      s_.top[v] = -1;
      s_.pull[v] = 0;
      s_.leaves[v] = 0;
      s_.above[v] = 0;
    }
    for (const int v : order)
      if (bfs_.parent(v) >= 0) s_.children[bfs_.parent(v)].push_back(v);
    order_children(root, order, has_s ? branch(root, sender_) : -1, has_r ? branch(root, recipient_) : -1);

    tidy_tree(s_, root, order, s_.x1);
    int deepest = 0;
    for (const int v : members) deepest = std::max(deepest, bfs_.dist(v));
    for (const int v : members) out.row[v] = deepest - bfs_.dist(v);
    const std::vector<double>* x = &s_.x1;
    if (try_two_sided(root, members, order, deepest, out)) x = &s_.x2;
    double lo = std::numeric_limits<double>::infinity();
    for (const int v : members) lo = std::min(lo, (*x)[v]);
    for (const int v : members) out.x[v] = (*x)[v] - lo;
  }

 private:
  int choose_root(const std::vector<int>& members, bool balance) {
    int root = members.front();
    if (members.size() > kMaxCentreSearch) {
      for (const int v : members)
        if (boost::degree(v, g_) > boost::degree(root, g_)) root = v;
      return root;
    }
    // Least eccentricity, then a router, then balanced between sender and recipient.
    std::tuple<int, int, int, int> best{std::numeric_limits<int>::max(), 0, 0, 0};
    for (const int v : members) {
      bfs_.run(v, members);
      int ecc = 0;
      for (const int w : members) ecc = std::max(ecc, bfs_.dist(w));
      const std::tuple<int, int, int, int> key{ecc, root_rank(m_.hosts[v].role), balance ? std::abs(s_.ds[v] - s_.dr[v]) : 0, v};
      if (key < best) {
        best = key;
        root = v;
      }
    }
    return root;
  }

  int branch(int root, int v) const {  // the root's child whose subtree holds v
    if (v == root) return -1;
    while (bfs_.parent(v) != root) v = bfs_.parent(v);
    return v;
  }

  // The sender's branch left, the recipient's right, the others between; below the root, PCs
  // on the outside of their provider.
  void order_children(int root, const std::vector<int>& order, int left, int right) {
    for (const int v : order) {
      if (v == root) continue;
      const int p = bfs_.parent(v);
      s_.top[v] = p == root ? v : s_.top[p];
      s_.side[v] = p != root ? s_.side[p] : v == left ? Left : v == right ? Right : Middle;
    }
    // A middle branch joined to the sender's branch by a link outside the tree (a direct link
    // between two providers' routers) goes next to it; one joined to the recipient's, next to that.
    for (const int v : order) {
      auto [it, end] = boost::adjacent_vertices(static_cast<Vertex>(v), g_);
      for (; it != end; ++it) {
        const int w = static_cast<int>(*it);
        if (bfs_.parent(v) == w || bfs_.parent(w) == v || s_.top[v] < 0 || s_.top[w] < 0 || s_.top[v] == s_.top[w]) continue;
        s_.pull[s_.top[v]] += (s_.top[w] == left) - (s_.top[w] == right);
      }
    }
    for (const int v : order) {
      std::stable_sort(s_.children[v].begin(), s_.children[v].end(), [&](int a, int b) {
        if (v == root && s_.side[a] != s_.side[b]) return s_.side[a] < s_.side[b];
        if (v == root && s_.pull[a] != s_.pull[b]) return s_.pull[a] > s_.pull[b];
        const int ra = outer_rank(m_.hosts[a].role), rb = outer_rank(m_.hosts[b].role);
        if (ra != rb) return s_.side[a] == Right ? ra > rb : ra < rb;
        return a < b;
      });
    }
    left_ = left;
    right_ = right;
  }

  // The root in the middle row: the sender's branch and others above, the recipient's and the
  // rest below (balanced by leaves). Kept only when the drawing gets clearly larger on a screen.
  bool try_two_sided(int root, const std::vector<int>& members, const std::vector<int>& order, int deepest,
                     TreePlaces& out) {
    std::vector<int> branches = s_.children[root];
    if (branches.size() < 2 || members.size() > kMaxCentreSearch) return false;
    for (const int v : members)
      if (v != root && s_.children[v].empty()) ++s_.leaves[s_.top[v]];
    // The sender's branch goes up and the recipient's down first; the others then go where
    // they are linked to, else to the lighter side.
    int up = 0, down = 0;
    for (const int b : branches) {
      if (b == left_) up += std::max(1, s_.leaves[b]);
      if (b == right_) down += std::max(1, s_.leaves[b]);
    }
    for (const int b : branches) {
      const bool go_up = b == left_ || (b != right_ && (s_.pull[b] > 0 || (s_.pull[b] == 0 && up <= down)));
      s_.above[b] = go_up;
      if (b != left_ && b != right_) (go_up ? up : down) += std::max(1, s_.leaves[b]);
    }
    if (up == 0 || down == 0) return false;
    auto in_half = [&](int v, bool upper) { return v == root || static_cast<bool>(s_.above[s_.top[v]]) == upper; };
    int deep_up = 0, deep_down = 0;
    for (const bool upper : {true, false}) {
      std::vector<int> half;
      for (const int v : order)
        if (in_half(v, upper)) half.push_back(v);
      s_.children[root].clear();
      for (const int b : branches)
        if (static_cast<bool>(s_.above[b]) == upper) s_.children[root].push_back(b);
      tidy_tree(s_, root, half, s_.x2);  // the halves share only the root, at 0 in both
      int& deep = upper ? deep_up : deep_down;
      for (const int v : half) deep = std::max(deep, bfs_.dist(v));
    }
    s_.children[root] = branches;
    auto size_score = [&](const std::vector<double>& xs, int bottom_row) {
      double lo = std::numeric_limits<double>::infinity(), hi = -lo;
      for (const int v : members) {
        lo = std::min(lo, xs[v]);
        hi = std::max(hi, xs[v]);
      }
      return std::min(kTargetAspect / ((hi - lo) * kSlot + kBoxW), 1.0 / (bottom_row * kRowPitch + kBoxH));
    };
    if (size_score(s_.x2, deep_up + deep_down) <= kTwoSidedGain * size_score(s_.x1, deepest)) return false;
    for (const int v : members)
      out.row[v] = v == root ? deep_up : s_.above[s_.top[v]] ? deep_up - bfs_.dist(v) : deep_up + bfs_.dist(v);
    return true;
  }

  const Model& m_;
  const Network& g_;
  const std::vector<int>& comp_;
  PartBfs bfs_;
  Scratch s_;
  int sender_ = -1, recipient_ = -1, left_ = -1, right_ = -1;
};

}  // namespace

TreePlaces tree_places(const Model& m, const Network& g) {
  const std::size_t n = m.hosts.size();
  TreePlaces out{std::vector<double>(n, 0), std::vector<int>(n, 0)};
  if (n == 0) return out;
  std::vector<int> comp(n);
  const int parts = boost::connected_components(g, comp.data());
  std::vector<std::vector<int>> members(parts);
  for (std::size_t v = 0; v < n; ++v) members[comp[v]].push_back(static_cast<int>(v));
  PartPlacer placer(m, g, comp);
  double next_left = 0;
  for (int part = 0; part < parts; ++part) {
    placer.place(part, members[part], out);
    double hi = 0;
    for (const int v : members[part]) {
      out.x[v] += next_left;
      hi = std::max(hi, out.x[v]);
    }
    next_left = hi + 1;
  }
  return out;
}

}  // namespace mailsim::viz::layout_detail
