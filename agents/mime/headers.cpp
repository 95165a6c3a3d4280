#include "agents/mime/headers.hpp"

#include <algorithm>
#include <stdexcept>

#include "agents/mime/encoding.hpp"
#include "agents/mime/message.hpp"
#include "agents/mime/util.hpp"

namespace mailsim::mime {
namespace {

// Printable ASCII without whitespace and without characters that have meaning in the
// Received grammar; anything else becomes '?'. Capped, as a HELO argument can be long.
std::string token(std::string_view s, std::string_view fallback, std::string_view extra_bad = "()[];\\") {
  if (s.empty()) return std::string(fallback);
  bool bad[128] = {};  // a table, not a search of extra_bad per octet
  for (char c : extra_bad)
    if (static_cast<unsigned char>(c) < 128) bad[static_cast<unsigned char>(c)] = true;
  std::string out(s.substr(0, 255));
  for (char& ch : out) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 32 || c >= 127 || bad[c]) ch = '?';
  }
  return out;
}

// One field of the header section: its name and the octets [begin, end) it spans, continuation
// lines and line breaks included.
struct FieldSpan {
  std::string_view name;
  std::size_t begin = 0, end = 0;
};

// The field that starts at `pos`, if the header section goes on there (`fields_end` from
// header_block_end, so both agree on where the header section stops).
std::optional<FieldSpan> field_at(std::string_view s, std::size_t pos, std::size_t fields_end) {
  if (pos >= fields_end) return std::nullopt;
  FieldSpan f;
  f.begin = pos;
  const std::size_t colon = s.find(':', pos);
  f.name = s.substr(pos, (colon == std::string_view::npos ? fields_end : std::min(colon, fields_end)) - pos);
  while (!f.name.empty() && detail::is_wsp(f.name.back())) f.name.remove_suffix(1);
  std::size_t end = pos;
  do {
    const std::size_t nl = s.find('\n', end);
    end = nl == std::string_view::npos || nl >= fields_end ? fields_end : nl + 1;
  } while (end < fields_end && detail::is_wsp(s[end]));
  f.end = end;
  return f;
}

}  // namespace

std::size_t count_fields(std::string_view message, std::string_view name) {
  return FieldIndex(message).count(name);
}

// One walk for both: the section's end and its fields' names.
FieldIndex::FieldIndex(std::string_view message) {
  names_.reserve(16);  // a composed message has about a dozen fields: one allocation, not five
  fields_end_ = header_block_end(message, names_);
}

std::size_t FieldIndex::count(std::string_view name) const {
  std::size_t n = 0;
  for (std::string_view field : names_) n += detail::iequals(field, name) ? 1 : 0;
  return n;
}

std::size_t remove_fields(std::string& message, std::string_view name) {
  std::size_t fields_end = header_block_end(message), n = 0, pos = 0;
  while (auto f = field_at(message, pos, fields_end)) {
    if (!detail::iequals(f->name, name)) {
      pos = f->end;
      continue;
    }
    message.erase(f->begin, f->end - f->begin);
    fields_end -= f->end - f->begin;
    ++n;
  }
  return n;
}

std::string add_fields(std::string_view message, std::string_view top, std::string_view bottom) {
  return add_fields(message, top, bottom, bottom.empty() ? 0 : header_block_end(message));
}

std::string add_fields(std::string_view message, std::string_view top, std::string_view bottom,
                       std::size_t fields_end) {
  if (bottom.empty()) fields_end = 0;
  std::string out;
  out.reserve(top.size() + message.size() + bottom.size());
  out.append(top).append(message.substr(0, fields_end)).append(bottom);
  // A message with no header fields at all: the added ones need the blank line after them.
  if (!bottom.empty() && fields_end == 0 && !message.starts_with("\r\n") && !message.starts_with("\n"))
    out += "\r\n";
  out.append(message.substr(fields_end));
  return out;
}

std::string prepend_header(std::string_view message, std::string_view name, std::string_view value) {
  if (!valid_field_name(name)) throw std::invalid_argument("mime::prepend_header: invalid field name");
  return fold_field(name, value) + std::string(message);
}

std::string received_header(const ReceivedInfo& in) {
  // Appended in place into one reserved string (one field per hop per message).
  // The HELO may be an address literal such as "[192.0.2.1]", so brackets stay there.
  std::string v;
  v.reserve(200);
  v.append("from ").append(token(in.helo, "unknown", "();\\"));
  v.append(" (").append(token(in.client_host, "unknown"));
  if (!in.client_ip.empty()) {
    const std::string ip = token(in.client_ip, "");
    const bool v6 = ip.find(':') != std::string::npos && !ip.starts_with("IPv6:");
    v.append(" [").append(v6 ? "IPv6:" : "").append(ip).append("]");
  }
  v.append(") by ").append(token(in.by_host, "localhost"));
  v.append(" with ").append(token(in.protocol, "ESMTP"));
  if (!in.id.empty()) v.append(" id ").append(token(in.id, ""));
  if (!in.for_rcpt.empty()) {
    std::string_view r = in.for_rcpt;
    if (r.size() >= 2 && r.front() == '<' && r.back() == '>') r = r.substr(1, r.size() - 2);
    v.append(" for <").append(token(r, "", "<>();\\")).append(">");
  }
  if (!in.date.empty()) {
    v.append("; ");
    for (char c : in.date) v += (c == '\r' || c == '\n') ? ' ' : c;
  }
  return v;
}

}  // namespace mailsim::mime
