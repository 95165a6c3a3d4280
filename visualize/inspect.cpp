#include "visualize/inspect.hpp"

#include <cctype>
#include <unordered_map>

#include "agents/mime/message.hpp"
#include "agents/mime/util.hpp"  // to_utf8: a text part's bytes in its charset, as UTF-8
#include "visualize/escape.hpp"

namespace mailsim::viz {

namespace {

// Bounds for the page, not for the parser (agents/mime bounds the parse itself).
constexpr std::size_t kMaxShownParts = 200;
constexpr std::size_t kMaxPartText = 20000;  // code points of decoded text per part
constexpr std::size_t kMaxHeaderText = 4000;  // code points per decoded header value

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Undoes SMTP/POP3 dot-stuffing: a line that starts with ".." lost its first dot on receipt.
std::string unstuff(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find("\r\n", pos);
    const bool last = end == std::string_view::npos;
    if (last) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (line.size() >= 2 && line[0] == '.' && line[1] == '.') line.remove_prefix(1);
    out.append(line);
    if (last) break;
    out += "\r\n";
    pos = end + 2;
  }
  return out;
}

// A parenthesised comment starting at s[i] == '(' (nested, with \-escapes); returns its end.
std::size_t comment_end(std::string_view s, std::size_t i) {
  int depth = 0;
  for (; i < s.size(); ++i) {
    if (s[i] == '\\') { ++i; continue; }
    if (s[i] == '(') ++depth;
    if (s[i] == ')' && --depth == 0) return i + 1;
  }
  return s.size();
}

void add_part(nlohmann::json& parts, nlohmann::json& attachments, const mime::Part& p, int depth) {
  if (parts.size() >= kMaxShownParts) return;
  const bool leaf = p.children.empty();
  const bool attachment = leaf && (!p.filename.empty() || p.disposition == "attachment");
  nlohmann::json j = {{"depth", depth}, {"type", p.content_type}, {"charset", p.charset},
                      {"encoding", p.transfer_encoding}, {"disposition", p.disposition}, {"filename", p.filename}};
  if (leaf) j["octets"] = p.body.size();
  if (leaf && !attachment && p.content_type.rfind("text/", 0) == 0)
    j["text"] = truncate_utf8(mime::detail::to_utf8(p.body, p.charset), kMaxPartText);
  if (attachment)
    attachments.push_back({{"filename", p.filename}, {"type", p.content_type}, {"octets", p.body.size()}});
  parts.push_back(std::move(j));
  for (const mime::Part& c : p.children) add_part(parts, attachments, c, depth + 1);
}

}  // namespace

ReceivedHop parse_received(std::string_view value) {
  ReceivedHop hop;
  std::string_view clauses = value;
  if (const auto semi = value.rfind(';'); semi != std::string_view::npos) {
    hop.date = std::string(trim(value.substr(semi + 1)));
    clauses = value.substr(0, semi);
  }
  // Tokens are words and comments; a keyword takes the next word, "from" also its comment.
  std::string* want = nullptr;
  bool from_comment = false;
  std::size_t i = 0;
  while (i < clauses.size()) {
    if (std::isspace(static_cast<unsigned char>(clauses[i]))) { ++i; continue; }
    if (clauses[i] == '(') {
      const std::size_t end = comment_end(clauses, i);
      if (from_comment) hop.from += " " + std::string(clauses.substr(i, end - i));
      from_comment = false;
      i = end;
      continue;
    }
    std::size_t end = i;
    while (end < clauses.size() && !std::isspace(static_cast<unsigned char>(clauses[end])) && clauses[end] != '(') ++end;
    const std::string_view word = clauses.substr(i, end - i);
    i = end;
    if (want) {
      std::string v(word);
      if (want == &hop.for_rcpt && v.size() >= 2 && v.front() == '<' && v.back() == '>') v = v.substr(1, v.size() - 2);
      *want = v;
      from_comment = want == &hop.from;
      want = nullptr;
      continue;
    }
    from_comment = false;
    if (iequals(word, "from")) want = &hop.from;
    else if (iequals(word, "by")) want = &hop.by;
    else if (iequals(word, "with")) want = &hop.with;
    else if (iequals(word, "id")) want = &hop.id;
    else if (iequals(word, "for")) want = &hop.for_rcpt;
  }
  return hop;
}

nlohmann::json inspect_message(std::string_view wire_text) {
  const std::string text = unstuff(wire_text);
  const mime::Message msg = mime::parse(text);
  nlohmann::json out;
  out["octets"] = wire_text.size();  // as sent, dot-stuffed: the raw text the inspector also shows
  nlohmann::json headers = nlohmann::json::array(), received = nlohmann::json::array();
  for (const mime::Header& h : msg.headers) {
    headers.push_back({h.name, truncate_utf8(mime::decode_header_value(h.value), kMaxHeaderText)});
    if (iequals(h.name, "Received")) {
      const ReceivedHop r = parse_received(h.value);
      nlohmann::json hop = {{"from", r.from}, {"by", r.by}, {"with", r.with}, {"id", r.id}, {"for", r.for_rcpt}, {"date", r.date}};
      received.insert(received.begin(), std::move(hop));
    }
  }
  out["headers"] = std::move(headers);
  out["received"] = std::move(received);  // newest field first in the message: oldest hop first here
  if (auto rp = msg.header("Return-Path")) out["return_path"] = *rp;
  nlohmann::json parts = nlohmann::json::array(), attachments = nlohmann::json::array();
  add_part(parts, attachments, msg.root, 0);
  out["parts"] = std::move(parts);
  out["attachments"] = std::move(attachments);
  return out;
}

nlohmann::json inspect_contents(const Model& m) {
  nlohmann::json mime = nlohmann::json::array(), contents = nlohmann::json::array();
  std::unordered_map<std::string_view, std::size_t> seen;  // one parse per distinct text
  for (std::size_t i = 0; i < m.events.size(); ++i) {
    const Ev& e = m.events[i];
    if (e.kind != "content" || !e.text) continue;
    auto [it, fresh] = seen.emplace(*e.text, mime.size());
    if (fresh) mime.push_back(inspect_message(*e.text));
    contents.push_back({i, it->second});
  }
  return {{"mime", std::move(mime)}, {"contents", std::move(contents)}};
}

}  // namespace mailsim::viz
