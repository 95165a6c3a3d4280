#pragma once
// First stage of the network layout (layout.hpp): automatic places from the shape of the
// network, before hints and the final spacing. Internal to visualize/layout*.cpp.
#include <vector>

#include "visualize/model.hpp"
#include "visualize/topology.hpp"

namespace mailsim::viz::layout_detail {

struct TreePlaces {
  std::vector<double> x;  // in slots, from the left
  std::vector<int> row;   // from the top
};

// One tidy tree per connected part, parts side by side, aligned at the top. In a part, the
// root is the most central host (a router if possible, balanced between the first message's
// sender and recipient); every other host sits one row further from the root per hop. The
// root is at the bottom, or, when that drawing would be much wider than high, in the middle
// with some branches above it and the others below.
TreePlaces tree_places(const Model&, const Network&);

}  // namespace mailsim::viz::layout_detail
