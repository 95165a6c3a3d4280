#include <cmath>

#include "visualize/layout.hpp"

namespace mailsim::viz {

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
