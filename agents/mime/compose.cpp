#include "agents/mime/compose.hpp"

#include <array>
#include <stdexcept>

#include "agents/mime/encoding.hpp"
#include "agents/mime/util.hpp"
#include "sim/base64.hpp"
#include "sim/text.hpp"

namespace mailsim::mime {
namespace {

using detail::iequals;

void require(bool ok, const char* what) {
  if (!ok) throw std::invalid_argument(std::string("mime::compose: ") + what);
}

bool has_control_break(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

// The body with CRLF line endings: "\n" becomes CRLF, an existing CRLF and a lone CR are
// kept (QP will escape the lone CR), a non-empty body ends with CRLF. In the same pass,
// whether it is 7bit per RFC 2045 §2.7: no NUL, no 8-bit octet, CR only in CRLF, lines up
// to 998 octets. Runs between line feeds are copied whole.
// True when every CR of `text` begins a CRLF.
bool crs_end_lines(std::string_view text) {
  for (std::size_t cr = text.find('\r'); cr != std::string_view::npos; cr = text.find('\r', cr + 1))
    if (cr + 1 == text.size() || text[cr + 1] != '\n') return false;
  return true;
}

std::string normalize_body(std::string_view body, bool& seven_bit) {
  std::string out;
  out.reserve(body.size() + body.size() / 32 + 2);
  // 7bit (RFC 2045 section 2.7): no 8-bit octets, NUL or CR outside CRLF anywhere (found in
  // whole-text scans), and lines of at most 998 octets (checked line by line below).
  seven_bit = !text::has_8bit(body) && body.find('\0') == std::string_view::npos && crs_end_lines(body);
  std::size_t pos = 0;
  while (pos < body.size()) {
    const std::size_t lf = body.find('\n', pos);
    const std::string_view run = body.substr(pos, (lf == std::string_view::npos ? body.size() : lf) - pos);
    out.append(run);
    std::string_view line = run;  // the line's text, without the CR of its CRLF
    if (lf != std::string_view::npos) {
      if (run.ends_with('\r')) {
        line.remove_suffix(1);
        out += '\n';
      } else {
        out.append("\r\n");
      }
    }
    if (line.size() > 998) seven_bit = false;
    pos = lf == std::string_view::npos ? body.size() : lf + 1;
  }
  if (!out.empty() && !out.ends_with("\r\n")) out += "\r\n";  // then its last line ended in a bare CR
  return out;
}

// RFC 2045 tspecials plus the characters RFC 2231 §7 excludes from attribute-char.
bool attribute_char(unsigned char c) {
  if (c <= 32 || c >= 127) return false;
  return std::string_view("()<>@,;:\\\"/[]?=*'%").find(static_cast<char>(c)) == std::string_view::npos;
}

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// One MIME parameter: name="value" when short printable ASCII, otherwise RFC 2231 form,
// split into ≤ 60-character continuations so the header can be folded.
std::string parameter(std::string_view name, std::string_view value) {
  constexpr std::size_t kChunk = 60;
  const bool ascii = detail::is_ascii_printable(value) && value.find('\t') == std::string_view::npos;
  if (ascii && value.size() <= kChunk) return std::string(name) + "=" + quoted(value);
  std::vector<std::string> chunks;
  if (ascii) {
    for (std::size_t i = 0; i < value.size(); i += kChunk) chunks.push_back(quoted(value.substr(i, kChunk)));
  } else {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string cur = "utf-8''";
    for (unsigned char c : value) {
      std::string tok(1, static_cast<char>(c));
      if (!attribute_char(c)) tok = {'%', kHex[c >> 4], kHex[c & 15]};
      if (cur.size() + tok.size() > kChunk) chunks.push_back(std::exchange(cur, {}));
      cur += tok;
    }
    chunks.push_back(cur);
  }
  const char* star = ascii ? "" : "*";
  if (chunks.size() == 1) return std::string(name) + star + "=" + chunks[0];
  std::string out;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    if (i) out += "; ";
    out += std::string(name) + "*" + std::to_string(i) + star + "=" + chunks[i];
  }
  return out;
}

bool valid_content_type(std::string_view ct) {
  if (!detail::is_ascii_printable(ct)) return false;
  const std::string_view type = detail::trim(ct.substr(0, ct.find(';')));
  const std::size_t slash = type.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == type.size()) return false;
  for (std::size_t i = 0; i < type.size(); ++i)
    if (i != slash && !attribute_char(static_cast<unsigned char>(type[i])) && type[i] != '*' &&
        type[i] != '\'' && type[i] != '%')
      return false;
  return true;
}

std::string attachment_entity(const Attachment& a) {
  std::string type = a.content_type.empty() ? guess_content_type(a.filename) : a.content_type;
  require(valid_content_type(type), "attachment content type must be type/subtype");
  std::string ct = type, cd = "attachment";
  if (!a.filename.empty()) {
    ct += "; " + parameter("name", a.filename);
    cd += "; " + parameter("filename", a.filename);
  }
  return fold_field("Content-Type", ct) + fold_field("Content-Disposition", cd) +
         "Content-Transfer-Encoding: base64\r\n\r\n" + base64_encode_lines(a.data, 76);
}

void check_address(std::string_view a) {
  require(!a.empty() && !has_control_break(a), "addresses must be non-empty single-line text");
}

std::string address_list(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& a : list) {
    check_address(a);
    if (!out.empty()) out += ", ";
    out += a;
  }
  return out;
}

constexpr std::array<std::string_view, 9> kReserved{
    "Date",         "From",         "To",
    "Cc",           "Subject",      "Message-ID",
    "MIME-Version", "Content-Type", "Content-Transfer-Encoding"};

}  // namespace

std::string guess_content_type(std::string_view filename) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {"pdf", "application/pdf"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"svg", "image/svg+xml"},
      {"webp", "image/webp"},
      {"txt", "text/plain"},
      {"htm", "text/html"},
      {"html", "text/html"},
      {"csv", "text/csv"},
      {"ics", "text/calendar"},
      {"xml", "application/xml"},
      {"json", "application/json"},
      {"zip", "application/zip"},
      {"gz", "application/gzip"},
      {"tar", "application/x-tar"},
      {"doc", "application/msword"},
      {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {"xls", "application/vnd.ms-excel"},
      {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
      {"ppt", "application/vnd.ms-powerpoint"},
      {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
      {"mp3", "audio/mpeg"},
      {"wav", "audio/wav"},
      {"mp4", "video/mp4"},
      {"bin", "application/octet-stream"},
  };
  const std::size_t dot = filename.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  const std::string ext = detail::to_lower(filename.substr(dot + 1));
  for (const auto& [e, type] : kTypes)
    if (e == ext) return std::string(type);
  return "application/octet-stream";
}

std::string mailbox(std::string_view name, std::string_view address) {
  if (name.empty()) return std::string(address);
  const std::string addr = address.starts_with('<') ? std::string(address) : "<" + std::string(address) + ">";
  // Encoded-words are not allowed inside a quoted-string (RFC 2047 §5), so it is one or the other.
  if (header_safe(name)) return quoted(name) + " " + addr;
  return encode_words(name, 6) + " " + addr;
}

namespace {
// A text/plain entity as its header fields and its encoded body, kept apart so that compose()
// can put the extra fields between them without copying the body again.
struct TextEntity {
  std::string_view fields;
  std::string body;
};

TextEntity text_entity_parts(std::string_view utf8_text) {
  bool seven_bit = false;
  std::string text = normalize_body(utf8_text, seven_bit);
  if (seven_bit) return {"Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n", std::move(text)};
  return {"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n",
          qp_encode(text)};
}
}  // namespace

std::string text_entity(std::string_view utf8_text) {
  TextEntity e = text_entity_parts(utf8_text);
  std::string out;
  out.reserve(e.fields.size() + 2 + e.body.size());
  out.append(e.fields).append("\r\n").append(e.body);
  return out;
}

std::string make_boundary(std::string_view seed, const std::vector<std::string>& parts) {
  const std::string base = "=_mailsim_" + detail::hex64(detail::fnv1a64(seed));
  for (unsigned n = 0;; ++n) {
    // "=_" never occurs in base64 or QP output (QP writes "=" only as =XX or a soft break), so
    // only 7bit text can clash; then the counter moves on.
    std::string b = n == 0 ? base : base + "_" + std::to_string(n);
    bool clash = false;
    for (const auto& p : parts) clash = clash || p.find(b) != std::string::npos;
    if (!clash) return b;
  }
}

std::string multipart_body(std::string_view boundary, const std::vector<std::string>& parts) {
  std::string out = "This is a multi-part message in MIME format.\r\n";
  for (const auto& p : parts) {
    out += "\r\n--";
    out += boundary;
    out += "\r\n";
    out += p;
  }
  out += "\r\n--";
  out += boundary;
  out += "--\r\n";
  return out;
}

std::string compose(const Draft& d) {
  check_address(d.from);
  require(!has_control_break(d.date), "date must be single-line");
  std::string id = d.message_id;
  if (id.size() >= 2 && id.front() == '<' && id.back() == '>') id = id.substr(1, id.size() - 2);
  require(id.find_first_of(std::string_view(" \t\r\n\0<>", 8)) == std::string::npos,
          "message_id must not contain whitespace or <>");
  for (const auto& [name, value] : d.extra_headers) {
    require(valid_field_name(name), "extra header name is not a valid field name");
    require(!has_control_break(value), "extra header value must be single-line");
    require(!detail::iequals(name.substr(0, std::min<std::size_t>(name.size(), 8)), "Content-"),
            "extra headers must not set Content-* fields");
    for (auto r : kReserved) require(!iequals(name, r), "extra header would duplicate a composed field");
  }

  std::string h;
  if (!d.date.empty()) append_field(h, "Date", d.date);
  append_field(h, "From", mailbox(d.from_name, d.from));
  if (!d.to.empty()) append_field(h, "To", address_list(d.to));
  if (!d.cc.empty()) append_field(h, "Cc", address_list(d.cc));
  append_field(h, "Subject", encode_words(d.subject, 9));
  if (!id.empty()) append_field(h, "Message-ID", "<" + id + ">");
  h += "MIME-Version: 1.0\r\n";

  std::string extras;
  for (const auto& [name, value] : d.extra_headers)
    append_field(extras, name, encode_words(value, name.size() + 2));

  if (d.attachments.empty()) {
    const TextEntity e = text_entity_parts(d.body);
    std::string out;
    out.reserve(h.size() + e.fields.size() + extras.size() + 2 + e.body.size());
    out.append(h).append(e.fields).append(extras).append("\r\n").append(e.body);
    return out;
  }
  std::vector<std::string> parts{text_entity(d.body)};
  for (const auto& a : d.attachments) parts.push_back(attachment_entity(a));
  const std::string seed = id.empty() ? d.from + "\n" + d.subject + "\n" + d.date + "\n" + d.body : id;
  const std::string boundary = make_boundary(seed, parts);
  append_field(h, "Content-Type", "multipart/mixed; boundary=\"" + boundary + "\"");
  return h + extras + "\r\n" + multipart_body(boundary, parts);
}

}  // namespace mailsim::mime
