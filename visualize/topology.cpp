#include "visualize/topology.hpp"

#include <algorithm>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/visitors.hpp>

namespace mailsim::viz {

namespace {

int index_of(const Model& m, const std::string& host) {
  for (std::size_t i = 0; i < m.hosts.size(); ++i)
    if (m.hosts[i].name == host) return static_cast<int>(i);
  return -1;
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
