#include "agents/mime/message.hpp"

#include <algorithm>
#include <exception>
#include <utility>

#include "agents/mime/encoding.hpp"
#include "agents/mime/util.hpp"
#include "sim/base64.hpp"

namespace mailsim::mime {
namespace {

using detail::iequals;
using detail::is_wsp;
using detail::trim;

struct HeaderScan {
  std::vector<Header> headers;
  std::size_t fields_end = 0;  // offset of the blank line / first non-field line
  std::size_t body_start = 0;  // offset just after the blank line
};

// Reads header fields up to the blank line. A line that is not a field (no colon, bad name)
// ends the block and starts the body, as Python's email parser does; bare LF is accepted.
// `only`, when given, names the fields to keep (the others are still read, and counted
// against kMaxHeaders, but not copied).
HeaderScan scan_headers(std::string_view s, bool skip_mbox_from, bool collect = true,
                        std::initializer_list<std::string_view> only = {},
                        std::vector<std::string_view>* names = nullptr) {
  HeaderScan r;
  std::size_t pos = 0;
  std::size_t fields = 0;  // fields read before the bound
  bool dropping = false;  // past kMaxHeaders: later fields and their continuations are ignored
  bool keeping = false;   // the current field is copied (its continuations then are too)
  if (skip_mbox_from && s.starts_with("From ")) {
    const std::size_t nl = s.find('\n');
    pos = nl == std::string_view::npos ? s.size() : nl + 1;
  }
  while (pos < s.size()) {
    const std::size_t nl = s.find('\n', pos);
    const std::size_t next = nl == std::string_view::npos ? s.size() : nl + 1;
    std::string_view line = s.substr(pos, (nl == std::string_view::npos ? s.size() : nl) - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      r.fields_end = pos;
      r.body_start = next;
      break;
    }
    if (is_wsp(line.front())) {  // continuation: unfolding removes only the line break
      if (keeping && !dropping && !r.headers.empty()) {
        std::string& v = r.headers.back().value;
        v.append(line.substr(0, kMaxHeaderValue - std::min(kMaxHeaderValue, v.size())));
      }
      pos = next;
      continue;
    }
    const std::size_t colon = line.find(':');
    std::string_view name = colon == std::string_view::npos ? line : line.substr(0, colon);
    while (!name.empty() && is_wsp(name.back())) name.remove_suffix(1);  // obs-optional "Name :"
    if (colon == std::string_view::npos || !valid_field_name(name)) {
      r.fields_end = r.body_start = pos;
      break;
    }
    if (names) names->push_back(name);  // every field, the bound notwithstanding
    dropping = fields >= kMaxHeaders;
    if (!dropping) ++fields;
    keeping = collect && (only.size() == 0 || std::any_of(only.begin(), only.end(), [&](std::string_view want) {
                            return iequals(name, want);
                          }));
    if (keeping && !dropping)
      r.headers.push_back({std::string(name), std::string(line.substr(colon + 1, kMaxHeaderValue))});
    pos = next;
  }
  if (pos >= s.size()) r.fields_end = r.body_start = s.size();
  for (auto& h : r.headers) {  // trimmed in place: a copy per field was a quarter of parsing's allocations
    const std::string_view t = trim(h.value);
    if (t.size() == h.value.size()) continue;
    const auto off = static_cast<std::size_t>(t.data() - h.value.data());
    h.value.erase(off + t.size());
    h.value.erase(0, off);
  }
  return r;
}

const std::string* find_header(const std::vector<Header>& hs, std::string_view name) {
  for (const auto& h : hs)
    if (iequals(h.name, name)) return &h.value;
  return nullptr;
}

// "(comments)" outside quoted strings are dropped; nesting is counted, not recursed.
std::string strip_comments(std::string_view s) {
  std::string out;
  int depth = 0;
  bool quote = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quote) {
      out += c;
      if (c == '\\' && i + 1 < s.size())
        out += s[++i];
      else if (c == '"')
        quote = false;
    } else if (depth > 0) {
      if (c == '\\')
        ++i;
      else if (c == '(')
        ++depth;
      else if (c == ')')
        --depth;
    } else if (c == '(') {
      depth = 1;
    } else {
      if (c == '"') quote = true;
      out += c;
    }
  }
  return out;
}

// A structured MIME field: "value; a=b; c=\"q\"". Parameter names are lower-cased.
struct Field {
  std::string value;
  std::vector<std::pair<std::string, std::string>> params;
  const std::string* param(std::string_view name) const {
    for (const auto& [n, v] : params)
      if (n == name) return &v;
    return nullptr;
  }
};

Field parse_field(std::string_view raw) {
  const std::string s = strip_comments(raw);
  Field f;
  std::vector<std::string_view> items;
  bool quote = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i + 1 < s.size() && quote && s[i] == '\\') {
      ++i;
      continue;
    }
    if (i < s.size() && s[i] == '"') quote = !quote;
    if (i == s.size() || (!quote && s[i] == ';')) {
      items.push_back(std::string_view(s).substr(start, std::min(i, s.size()) - start));
      start = i + 1;
    }
  }
  f.value = detail::to_lower(trim(items.front()));
  for (std::size_t k = 1; k < items.size() && f.params.size() < kMaxParams; ++k) {
    const std::size_t eq = items[k].find('=');
    if (eq == std::string_view::npos) continue;
    std::string name = detail::to_lower(trim(items[k].substr(0, eq)));
    std::string_view v = trim(items[k].substr(eq + 1));
    std::string value;
    if (!v.empty() && v.front() == '"') {
      for (std::size_t i = 1; i < v.size() && v[i] != '"'; ++i) {  // an unclosed quote runs to the end
        if (v[i] == '\\' && i + 1 < v.size()) ++i;
        value += v[i];
      }
    } else {
      value = std::string(v);
    }
    if (!name.empty()) f.params.emplace_back(std::move(name), std::move(value));
  }
  return f;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto hex = [](char c) {
      return (c >= '0' && c <= '9')   ? c - '0'
             : (c >= 'A' && c <= 'F') ? c - 'A' + 10
             : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                                      : -1;
    };
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// charset'language'bytes -> UTF-8 (RFC 2231 §4).
std::string decode_extended(std::string_view v, std::string& charset_out) {
  const std::size_t a = v.find('\''), b = a == std::string_view::npos ? a : v.find('\'', a + 1);
  if (b == std::string_view::npos) return percent_decode(v);
  charset_out = std::string(v.substr(0, a));
  return percent_decode(v.substr(b + 1));
}

// A parameter value with RFC 2231 extended values and continuations, else the plain value
// (RFC 2047-decoded, as many mailers encode filenames that way).
std::string param_value(const Field& f, const std::string& name) {
  if (const auto* ext = f.param(name + "*")) {
    std::string charset;
    const std::string bytes = decode_extended(*ext, charset);
    return detail::to_utf8(bytes, charset);
  }
  if (f.param(name + "*0") || f.param(name + "*0*")) {
    std::string bytes, charset;
    for (std::size_t k = 0; k < kMaxParams; ++k) {
      const std::string base = name + "*" + std::to_string(k);
      if (const auto* enc = f.param(base + "*")) {
        bytes += k == 0 ? decode_extended(*enc, charset) : percent_decode(*enc);
      } else if (const auto* lit = f.param(base)) {
        bytes += *lit;
      } else {
        break;
      }
    }
    return detail::to_utf8(bytes, charset);
  }
  if (const auto* plain = f.param(name)) return decode_header_value(*plain);
  return {};
}

// Base64 with junk skipped and decoding stopped at padding, for bodies base64_decode rejects.
std::string lenient_base64(std::string_view s) {
  std::string clean;
  for (char c : s) {
    if (c == '=') break;
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/')
      clean += c;
  }
  if (clean.size() % 4 == 1) clean.pop_back();  // a lone sextet carries no whole byte
  while (clean.size() % 4) clean += '=';
  return base64_decode(clean).value_or(std::string{});
}

std::string decode_body(std::string_view body, const std::string& cte) {
  if (cte == "base64") {
    if (auto out = base64_decode(body)) return std::move(*out);
    return lenient_base64(body);
  }
  if (cte == "quoted-printable") return qp_decode(body);
  return std::string(body);
}

// Body pieces between "--boundary" delimiter lines (RFC 2046 §5.1.1). The line break before a
// delimiter belongs to it. Preamble and epilogue are dropped; an unterminated last part runs
// to the end. Empty result when no delimiter is found.
std::vector<std::string_view> split_multipart(std::string_view body, std::string_view boundary,
                                              std::size_t max_parts) {
  const std::string delim = "--" + std::string(boundary);
  std::vector<std::string_view> parts;
  std::size_t pos = 0, start = 0;
  bool started = false;
  while (parts.size() < max_parts) {
    const std::size_t p = body.find(delim, pos);
    if (p == std::string_view::npos) break;
    pos = p + 1;
    if (p > 0 && body[p - 1] != '\n') continue;
    std::size_t q = p + delim.size();
    const bool close = body.substr(q, 2) == "--";
    if (close) q += 2;
    while (q < body.size() && is_wsp(body[q])) ++q;  // transport padding
    if (q < body.size() && body[q] == '\r') ++q;
    if (q < body.size() && body[q] != '\n') continue;  // "--boundary" then other text: not a delimiter
    if (started) {
      std::size_t end = p;
      if (end > 0 && body[end - 1] == '\n') --end;
      if (end > 0 && body[end - 1] == '\r') --end;
      parts.push_back(body.substr(start, std::max(end, start) - start));
    }
    if (close) return parts;
    started = true;
    start = std::min(q + 1, body.size());
  }
  if (started && parts.size() < max_parts) parts.push_back(body.substr(start));
  return parts;
}

struct Budget {
  std::size_t parts = 1;  // the root
};

void parse_entity(std::string_view raw, Part& part, std::size_t depth, Budget& budget, bool top,
                  bool in_digest) {
  HeaderScan scan = scan_headers(raw, top);
  part.headers = std::move(scan.headers);
  const std::string_view body = raw.substr(std::min(scan.body_start, raw.size()));

  const std::string* ct_raw = find_header(part.headers, "Content-Type");
  Field ct = parse_field(ct_raw ? *ct_raw : "");
  const std::size_t slash = ct.value.find('/');
  const bool valid = slash != std::string::npos && slash > 0 && slash + 1 < ct.value.size() &&
                     ct.value.find_first_of(" \t\"") == std::string::npos;
  // RFC 2045 §5.2 default; RFC 2046 §5.1.5 default inside multipart/digest.
  if (!valid) ct = parse_field(in_digest && !ct_raw ? "message/rfc822" : "text/plain; charset=us-ascii");
  part.content_type = ct.value;
  if (const auto* cs = ct.param("charset")) part.charset = detail::to_lower(trim(*cs));
  if (part.charset.empty() && part.content_type.starts_with("text/")) part.charset = "us-ascii";

  const std::string* cte = find_header(part.headers, "Content-Transfer-Encoding");
  part.transfer_encoding = cte ? detail::to_lower(trim(*cte)) : "7bit";
  if (part.transfer_encoding.empty()) part.transfer_encoding = "7bit";

  const std::string* cd_raw = find_header(part.headers, "Content-Disposition");
  const Field cd = parse_field(cd_raw ? *cd_raw : "");
  part.disposition = cd.value;
  part.filename = param_value(cd, "filename");
  if (part.filename.empty()) part.filename = param_value(ct, "name");

  const std::string* boundary = ct.param("boundary");
  if (part.content_type.starts_with("multipart/") && boundary && !boundary->empty() && depth < kMaxDepth) {
    const auto pieces = split_multipart(body, *boundary, kMaxParts - std::min(kMaxParts, budget.parts));
    if (!pieces.empty()) {
      part.children.reserve(pieces.size());
      const bool digest = part.content_type == "multipart/digest";
      for (const auto piece : pieces) {
        if (budget.parts >= kMaxParts) break;
        ++budget.parts;
        parse_entity(piece, part.children.emplace_back(), depth + 1, budget, false, digest);
      }
      return;
    }
  }
  // A leaf, or a multipart we will not open (no boundary, no delimiter, too deep): raw bytes.
  part.body = decode_body(body, part.transfer_encoding);
}

// Leaves in document order, without recursion (a hand-built Part tree may be arbitrarily deep).
template <typename Fn>
void for_each_leaf(const Part& root, Fn&& fn) {
  std::vector<const Part*> stack{&root};
  while (!stack.empty()) {
    const Part* p = stack.back();
    stack.pop_back();
    if (p->children.empty()) {
      if (!fn(*p)) return;
    } else {
      for (auto it = p->children.rbegin(); it != p->children.rend(); ++it) stack.push_back(&*it);
    }
  }
}

}  // namespace

std::optional<std::string> Part::header(std::string_view name) const {
  if (const auto* v = find_header(headers, name)) return *v;
  return std::nullopt;
}

std::optional<std::string> Message::header(std::string_view name) const {
  if (const auto* v = find_header(headers, name)) return *v;
  return std::nullopt;
}

std::vector<std::string> Message::all(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& h : headers)
    if (iequals(h.name, name)) out.push_back(h.value);
  return out;
}

Message parse(std::string_view raw) {
  Message m;
  try {
    Budget budget;
    parse_entity(raw, m.root, 0, budget, true, false);
    m.headers = m.root.headers;
  } catch (const std::exception&) {
    // Only allocation failure can get here; a partial result beats an exception on bad input.
  }
  return m;
}

Message parse_headers(std::string_view raw, std::initializer_list<std::string_view> only) {
  Message m;
  try {
    m.headers = scan_headers(raw, true, true, only).headers;
  } catch (const std::exception&) {  // allocation failure only, as in parse()
  }
  return m;
}

std::vector<const Part*> attachments(const Message& message) {
  std::vector<const Part*> out;
  for_each_leaf(message.root, [&](const Part& p) {
    if (!p.filename.empty() || p.disposition == "attachment") out.push_back(&p);
    return true;
  });
  return out;
}

std::string text_body(const Message& message) {
  std::string out;
  for_each_leaf(message.root, [&](const Part& p) {
    if (p.content_type != "text/plain" || p.disposition == "attachment") return true;
    out = detail::to_utf8(p.body, p.charset);
    return false;
  });
  return out;
}

// Only where the fields end: no field is copied (every relay and delivery asks this).
std::size_t header_block_end(std::string_view message) { return scan_headers(message, true, false).fields_end; }

std::size_t header_block_end(std::string_view message, std::vector<std::string_view>& names) {
  return scan_headers(message, true, false, {}, &names).fields_end;
}

std::string strip_angle_brackets(std::string_view value) {
  std::size_t b = 0, e = value.size();
  while (b < e && (value[b] == '<' || value[b] == ' ' || value[b] == '\t')) ++b;
  while (e > b && (value[e - 1] == '>' || value[e - 1] == ' ' || value[e - 1] == '\t')) --e;
  return std::string(value.substr(b, e - b));
}

}  // namespace mailsim::mime
