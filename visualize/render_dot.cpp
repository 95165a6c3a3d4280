// The topology for Graphviz, written by boost::write_graphviz: shapes and colours by role;
// with --message, the hosts and links the message crossed are drawn bold.
#include <set>
#include <sstream>

#include <boost/graph/graphviz.hpp>

#include "visualize/escape.hpp"
#include "visualize/render.hpp"
#include "visualize/topology.hpp"

namespace mailsim::viz {

namespace {

struct Look { const char* shape; const char* fill; };

Look look(const std::string& role) {
  if (role == "pc") return {"box", "#e3f2fd"};
  if (role == "mailserver") return {"box3d", "#e8f5e9"};
  if (role == "dns") return {"cylinder", "#fff3e0"};
  if (role == "relay") return {"hexagon", "#f3e5f5"};
  return {"octagon", "#eeeeee"};  // router
}

std::string edge_key(const std::string& a, const std::string& b) { return a < b ? a + "\n" + b : b + "\n" + a; }

}  // namespace

std::string render_dot(const Model& m, const Options& opt) {
  const Network g = build_network(m);
  std::set<std::string> used_hosts, used_links;
  if (opt.message)
    for (const Ev& e : m.events) {
      if (e.is_fault()) continue;
      used_hosts.insert(e.actor.host);
      if (!e.has_peer) continue;
      const auto path = route(m, g, e.actor.host, e.peer.host);
      for (std::size_t k = 0; k + 1 < path.size(); ++k) used_links.insert(edge_key(path[k], path[k + 1]));
      for (const auto& h : path) used_hosts.insert(h);
    }
  auto vertex_writer = [&](std::ostream& os, Network::vertex_descriptor v) {
    const Host& h = m.hosts[v];
    const Look lk = look(h.role);
    std::string label = h.name;
    if (!h.label.empty()) label += "\n" + h.label;
    label += "\n" + h.address;
    if (const std::string r = roles_text(h); !r.empty()) label += "\n" + r;
    os << "[label=\"" << dot_escape(label) << "\", shape=" << lk.shape << ", style=\"filled"
       << (h.role == "pc" ? ",rounded" : "") << "\", fillcolor=\"" << lk.fill << "\"";
    if (used_hosts.count(h.name)) os << ", penwidth=3";
    os << "]";
  };
  auto edge_writer = [&](std::ostream& os, Network::edge_descriptor e) {
    const auto a = boost::source(e, g), b = boost::target(e, g);
    const double ms = static_cast<double>(g[e].latency_us) / 1000.0;
    std::ostringstream lbl;
    lbl << ms << " ms";
    os << "[label=\"" << dot_escape(lbl.str()) << "\"";
    if (used_links.count(edge_key(g[a].name, g[b].name))) os << ", penwidth=3, color=\"#1565c0\"";
    os << "]";
  };
  std::string title = (*m.trace)["scenario"]["name"].get<std::string>();
  if (opt.message) title += " · " + *opt.message;
  auto graph_writer = [&](std::ostream& os) {
    os << "label=\"" << dot_escape(title) << "\";\nlabelloc=t;\nfontname=\"Helvetica\";\n"
       << "node [fontname=\"Helvetica\", fontsize=11];\nedge [fontname=\"Helvetica\", fontsize=9];\n";
  };
  std::ostringstream out;
  boost::write_graphviz(out, g, vertex_writer, edge_writer, graph_writer);
  return out.str();
}

}  // namespace mailsim::viz
