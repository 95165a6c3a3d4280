#pragma once
// The network as a Boost graph: hosts are vertices, links are edges. Used for the Graphviz
// export, for the viewer's layout (layout.hpp), and for the route a line takes between two hosts.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "visualize/model.hpp"

namespace mailsim::viz {

struct HostVertex { std::string name; };
struct LinkEdge { std::int64_t latency_us = 0; };
using Network = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, HostVertex, LinkEdge>;

// Vertex i is m.hosts[i].
Network build_network(const Model&);

// Hosts on the shortest route from a to b (both included); just {a} when a == b, empty when
// there is no route.
std::vector<std::string> route(const Model&, const Network&, const std::string& a, const std::string& b);

// "MUA", "MSA · MTA · MDA/POP3"… from a host's services.
std::string roles_text(const Host&);

}  // namespace mailsim::viz
