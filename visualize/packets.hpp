#pragma once
// The lower-layer view's data: the packets file of `run --trace-packets`, checked field by
// field (PacketsError names the place) and packed for the viewer as
// [t, from, to, proto, sport, dport, flags, seq, ack, len, rtx] per packet.
#include <nlohmann/json.hpp>

namespace mailsim::viz {

nlohmann::json packets_view(const nlohmann::json& doc);

}  // namespace mailsim::viz
