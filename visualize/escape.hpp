#pragma once
// Escaping for every place a trace string lands. Trace strings are untrusted: a subject can
// hold "<script>", a line can hold "</script>" or U+2028.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mailsim::viz {

// Text and attribute values in HTML and XML (&, <, >, ", '); drops characters XML 1.0 forbids.
std::string xml_escape(std::string_view);
// JSON for a <script type="application/json"> block: "<", ">", "&", U+2028 and U+2029 become
// \u escapes, so no "</script>" or "<!--" can appear and the text stays valid JSON.
std::string json_for_script(const nlohmann::json&);
// A DOT string literal body: backslash and double quote escaped, newlines as \n.
std::string dot_escape(std::string_view);
// Mermaid message text: ; # < > % and newlines as entity codes / <br/>.
std::string mermaid_escape(std::string_view);
// At most `max` code points, "…" appended when cut; never splits a UTF-8 sequence.
std::string truncate_utf8(std::string_view, std::size_t max);

}  // namespace mailsim::viz
