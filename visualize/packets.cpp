#include "visualize/packets.hpp"

#include <string>

#include "visualize/visualize.hpp"

namespace mailsim::viz {

nlohmann::json packets_view(const nlohmann::json& doc) {
  if (!doc.is_object() || doc.value("format", std::string()) != "mailsim-packets")
    throw PacketsError("format: expected \"mailsim-packets\" (a file written by run --trace-packets)");
  if (!doc.contains("packets") || !doc["packets"].is_array()) throw PacketsError("packets: expected an array");
  nlohmann::json out = nlohmann::json::array();
  std::size_t k = 0;
  for (const auto& p : doc["packets"]) {
    const std::string at = "packets[" + std::to_string(k++) + "]";
    if (!p.is_object()) throw PacketsError(at + ": expected an object");
    auto num = [&](const char* f) {
      if (!p.contains(f) || !p[f].is_number_integer() || p[f].get<std::int64_t>() < 0)
        throw PacketsError(at + "." + f + ": expected a whole number, 0 or more");
      return p[f].get<std::int64_t>();
    };
    auto str = [&](const char* f) {
      if (!p.contains(f) || !p[f].is_string()) throw PacketsError(at + "." + f + ": expected a string");
      return p[f].get<std::string>();
    };
    const std::string proto = str("proto");
    if (proto != "TCP" && proto != "UDP") throw PacketsError(at + ".proto: expected \"TCP\" or \"UDP\"");
    if (!p.contains("rtx") || !p["rtx"].is_boolean()) throw PacketsError(at + ".rtx: expected true or false");
    out.push_back({num("t"), str("from"), str("to"), proto, num("sport"), num("dport"), str("flags"), num("seq"), num("ack"),
                   num("len"), p["rtx"].get<bool>()});
  }
  return out;
}

}  // namespace mailsim::viz
