#pragma once
// The network drawing, computed once in C++ so that every view draws the same picture: a
// layered layout of the hosts (rows), with boxes that never overlap and links that never pass
// behind a box. See docs/viewer.md ("The network drawing") for the rules.
#include <string>
#include <vector>

#include "visualize/model.hpp"
#include "visualize/topology.hpp"

namespace mailsim::viz {

struct Point {
  double x = 0, y = 0;
};

// Drawing units are SVG user units at 100 % zoom. Every host box has the same size; a slot is
// a box plus the gap to its neighbour, a row pitch a box plus the gap to the next row.
inline constexpr double kBoxW = 252, kBoxH = 104;
inline constexpr double kSlot = 292, kRowPitch = 176;
inline constexpr double kMaxHint = 100;  // |x| (slots) and |y| (rows) of a "pos" hint

struct NetworkLayout {
  double box_w = kBoxW, box_h = kBoxH;
  double width = 0, height = 0;            // everything lies in [0, width] x [0, height]
  std::vector<Point> hosts;                // box centres, one per Model::hosts
  std::vector<std::vector<Point>> links;   // one per trace topology link, from a's box edge to
                                           // b's box edge; empty for a link that is not drawn
};

// Rows: the most central host (a core router in the usual lab) at the bottom, every other host
// one row higher per hop away from it, so a link joins neighbouring rows. In each row hosts are
// packed as a tidy tree: the sender's side on the left, the recipient's on the right, PCs on
// the outside. A link between neighbouring rows runs in the gap between them (from the bottom
// edge of the upper box to the top edge of the lower one); a longer link passes each row in
// between through a reserved gap; a link within a row goes round through the gap above it.
// A host may carry a hint "pos": [x, y] in the trace topology: x in slots from the left, y in
// rows from the top; it goes to row round(y), as near x as the other hosts in that row allow.
NetworkLayout layout_network(const Model&, const Network&);

// What is wrong with a layout, one sentence each: two boxes that overlap, a link segment that
// passes through a box other than its two ends, a link that does not start and end on its
// hosts' boxes. Empty when the drawing is sound.
std::vector<std::string> layout_problems(const Model&, const NetworkLayout&);

// For the viewer: {"box": [w, h], "size": [width, height], "hosts": [[x, y]…], "links": [[[x, y]…]…]}.
nlohmann::json layout_json(const NetworkLayout&);

}  // namespace mailsim::viz
