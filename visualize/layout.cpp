#include "visualize/layout.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <unordered_map>

#include "visualize/layout_tree.hpp"

namespace mailsim::viz {

namespace {

constexpr double kGapX = kSlot - kBoxW;        // between two boxes of a row
constexpr double kGapY = kRowPitch - kBoxH;    // between two rows: where links run
constexpr double kPass = 16;                   // room a longer link takes where it crosses a row
constexpr double kPassGap = 12;                // between two such passages
constexpr double kPortSpread = 0.7;            // links attach along the middle 70 % of a box side
constexpr double kHintWeight = 20;             // a teacher's hint moves only when it must

std::optional<Point> hint(const nlohmann::json& host) {
  const auto it = host.find("pos");
  if (it == host.end() || !it->is_array() || it->size() != 2 || !(*it)[0].is_number() || !(*it)[1].is_number())
    return std::nullopt;
  const double x = (*it)[0].get<double>(), y = (*it)[1].get<double>();
  if (!std::isfinite(x) || !std::isfinite(y) || std::fabs(x) > kMaxHint || std::fabs(y) > kMaxHint) return std::nullopt;
  return Point{x, y};
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
  std::unordered_map<std::string, int> index;
  for (std::size_t v = 0; v < n; ++v) index.emplace(m.hosts[v].name, static_cast<int>(v));
  auto index_of = [&](const nlohmann::json& link, const char* end) {
    const auto it = link.find(end);
    if (it == link.end() || !it->is_string()) return -1;
    const auto found = index.find(it->get<std::string>());
    return found == index.end() ? -1 : found->second;
  };
  const layout_detail::TreePlaces auto_places = layout_detail::tree_places(m, g);
  const std::vector<double>& slot_x = auto_places.x;

  // ---- rows (parts aligned at the top), hints ----
  std::vector<int> row(auto_places.row);
  std::vector<double> want(n), weight(n, 1.0);
  const nlohmann::json& th = (*m.trace)["topology"]["hosts"];
  for (std::size_t v = 0; v < n; ++v) {
    want[v] = slot_x[v] * kSlot;
    if (const auto h = hint(th[v])) {
      row[v] = static_cast<int>(std::lround(h->y));
      want[v] = h->x * kSlot;
      weight[v] = kHintWeight;
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
    const int a = index_of(tl[i], "a"), b = index_of(tl[i], "b");
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
    if (index_of(tl[i], "a") != ed.a) std::reverse(p.begin(), p.end());  // from the link's a to its b
    out.links[i] = std::move(p);
  }
  out.width = round1(x1 - x0);
  out.height = round1(y1 - y0);
  return out;
}

}  // namespace mailsim::viz
