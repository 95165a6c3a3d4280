#include "visualize/topology.hpp"

#include <algorithm>
#include <set>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/visitors.hpp>

namespace mailsim::viz {

namespace {

int index_of(const Model& m, const std::string& host) {
  for (std::size_t i = 0; i < m.hosts.size(); ++i)
    if (m.hosts[i].name == host) return static_cast<int>(i);
  return -1;
}

int role_row(const std::string& role) {
  if (role == "pc") return 0;
  if (role == "mailserver" || role == "relay") return 1;
  if (role == "router") return 2;
  return 3;  // dns
}

}  // namespace

Network build_network(const Model& m) {
  Network g(m.hosts.size());
  for (std::size_t i = 0; i < m.hosts.size(); ++i) g[i].name = m.hosts[i].name;
  for (const auto& l : (*m.trace)["topology"]["links"]) {
    const int a = index_of(m, l["a"].get<std::string>()), b = index_of(m, l["b"].get<std::string>());
    if (a < 0 || b < 0 || a == b) continue;
    auto [edge, added] = boost::add_edge(a, b, g);
    if (added) g[edge].latency_us = l.value("latency_us", std::int64_t{0});
  }
  return g;
}

std::vector<std::string> route(const Model& m, const Network& g, const std::string& a, const std::string& b) {
  const int from = index_of(m, a), to = index_of(m, b);
  if (from < 0 || to < 0) return {};
  if (from == to) return {a};
  std::vector<Network::vertex_descriptor> pred(boost::num_vertices(g));
  for (std::size_t i = 0; i < pred.size(); ++i) pred[i] = i;
  boost::breadth_first_search(
      g, from, boost::visitor(boost::make_bfs_visitor(boost::record_predecessors(pred.data(), boost::on_tree_edge()))));
  if (pred[to] == static_cast<std::size_t>(to)) return {};
  std::vector<std::string> path;
  for (auto v = static_cast<std::size_t>(to); v != static_cast<std::size_t>(from); v = pred[v]) path.push_back(g[v].name);
  path.push_back(a);
  std::reverse(path.begin(), path.end());
  return path;
}

std::map<std::string, std::pair<double, double>> layout(const Model& m, const Network& g) {
  const std::size_t n = boost::num_vertices(g);
  std::map<std::string, std::pair<double, double>> pos;
  if (n == 0) return pos;
  // Columns: hops from the first host; a second component starts to the right of the first.
  std::vector<int> dist(n, -1);
  int offset = 0;
  for (std::size_t start = 0; start < n; ++start) {
    if (dist[start] >= 0) continue;
    std::vector<int> d(n, 0);
    std::vector<boost::default_color_type> colour(n, boost::white_color);
    boost::breadth_first_visit(g, start, boost::visitor(boost::make_bfs_visitor(
                                             boost::record_distances(d.data(), boost::on_tree_edge())))
                                             .color_map(colour.data()));
    int far = 0;
    for (std::size_t v = 0; v < n; ++v)
      if (colour[v] != boost::white_color && dist[v] < 0) {
        dist[v] = d[v] + offset;
        far = std::max(far, dist[v]);
      }
    offset = far + 1;
  }
  std::vector<double> x(n);
  for (std::size_t v = 0; v < n; ++v) x[v] = dist[v];
  // A leaf (a PC, a server on one link) sits in the column of the node it hangs from.
  for (std::size_t v = 0; v < n; ++v)
    if (boost::degree(v, g) == 1 && m.hosts[v].role != "router") {
      auto [it, end] = boost::adjacent_vertices(v, g);
      x[v] = dist[*it];
    }
  std::set<int> rows;
  for (const Host& h : m.hosts) rows.insert(role_row(h.role));
  std::map<std::pair<int, double>, std::vector<std::size_t>> cells;
  for (std::size_t v = 0; v < n; ++v) cells[{role_row(m.hosts[v].role), x[v]}].push_back(v);
  for (auto& [cell, vs] : cells)
    for (std::size_t k = 0; k < vs.size(); ++k) x[vs[k]] += (static_cast<double>(k) - (vs.size() - 1) / 2.0) * 0.4;
  const auto [lo, hi] = std::minmax_element(x.begin(), x.end());
  const double span = *hi - *lo;
  for (std::size_t v = 0; v < n; ++v) {
    const int row = static_cast<int>(std::distance(rows.begin(), rows.find(role_row(m.hosts[v].role))));
    const double px = span > 0 ? 0.08 + 0.84 * (x[v] - *lo) / span : 0.5;
    const double py = rows.size() > 1 ? 0.12 + 0.76 * row / (rows.size() - 1.0) : 0.5;
    pos[m.hosts[v].name] = {px, py};
  }
  return pos;
}

std::string roles_text(const Host& h) {
  std::string out;
  auto add = [&](const char* r) { out += (out.empty() ? "" : " · ") + std::string(r); };
  auto has = [&](const char* s) { return std::find(h.services.begin(), h.services.end(), s) != h.services.end(); };
  if (has("mua")) add("MUA");
  if (has("submission")) add("MSA");
  if (has("smtp")) add("MTA");
  if (has("pop3")) add("MDA/POP3");
  if (has("dns")) add("DNS");
  return out;
}

}  // namespace mailsim::viz
