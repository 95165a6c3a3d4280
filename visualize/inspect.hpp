#pragma once
// The message inspector's data: every copy of a message that crossed the network (a content
// event: after DATA, after RETR) read once by the C++ MIME parser (agents/mime), so that the
// viewer only displays header fields, the Received chain, MIME parts and attachments.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "visualize/model.hpp"

namespace mailsim::viz {

// One hop of the Received chain, from a field value such as
// "from HELO (host [ip]) by host with ESMTP id ID for <rcpt>; date". Missing parts are empty;
// "from" keeps its comment ("HELO (host [ip])").
struct ReceivedHop {
  std::string from, by, with, id, for_rcpt, date;
};
ReceivedHop parse_received(std::string_view value);

// One copy as the inspector shows it, from the text of a content event (dot-stuffed, CRLF):
// {"octets", "headers": [[name, decoded value]…], "received": [{from, by, with, id, for, date}…]
//  oldest hop first, "return_path", "parts": [{depth, type, charset, encoding, disposition,
//  filename, octets, text?}…], "attachments": [{filename, type, octets}…]}.
nlohmann::json inspect_message(std::string_view wire_text);

// For the view model: {"mime": [one entry per distinct content text], "contents": [[event
// index, mime index]…]} over every content event of the model.
nlohmann::json inspect_contents(const Model&);

}  // namespace mailsim::viz
