// Presentation of DNS messages for the trace, and dotted-quad IPv4 text. The trace is
// JSON, so every byte that is not printable ASCII is written as \DDD (as dig does).
#include <charconv>
#include <cstdio>

#include "agents/dns/message.hpp"

namespace mailsim::dns {
namespace {

void put_escaped(std::string& out, std::string_view text, bool quote_is_special) {
  for (unsigned char c : text) {
    if (c < 0x20 || c > 0x7E || c == '\\' || (quote_is_special && c == '"')) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03u", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
}

std::string show_name(std::string_view name) {
  if (name.empty()) return ".";
  std::string out;
  put_escaped(out, name, false);
  return out;
}

std::string show_hex_rdata(std::string_view rdata) {
  std::string out = "\\# " + std::to_string(rdata.size());
  if (!rdata.empty()) out += ' ';
  for (unsigned char c : rdata) {
    char buf[3];
    std::snprintf(buf, sizeof buf, "%02x", static_cast<unsigned>(c));
    out += buf;
  }
  return out;
}

// RFC 5952 text: lowercase hex, leading zeros dropped, longest zero run (>= 2) as "::".
std::string show_ipv6(std::string_view b) {
  unsigned g[8];
  for (int i = 0; i < 8; ++i)
    g[i] = static_cast<unsigned char>(b[2 * i]) << 8 | static_cast<unsigned char>(b[2 * i + 1]);
  int best = -1, best_len = 1;
  for (int i = 0; i < 8;) {
    int j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i > best_len) best = i, best_len = j - i;
    i = j == i ? i + 1 : j;
  }
  std::string out;
  char buf[8];
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    std::snprintf(buf, sizeof buf, "%x", g[i]);
    out += buf;
  }
  return out;
}

// Reads an uncompressed name from SOA rdata as stored by decode() and soa_rdata().
bool plain_name(std::string_view& in, std::string& out) {
  out.clear();
  while (!in.empty()) {
    const auto len = static_cast<unsigned char>(in[0]);
    in.remove_prefix(1);
    if (len == 0) return true;
    if (len > 63 || in.size() < len) return false;
    if (!out.empty()) out += '.';
    out += in.substr(0, len);
    in.remove_prefix(len);
  }
  return false;
}

std::string show_soa(std::string_view rdata) {
  std::string mname, rname;
  std::string_view in = rdata;
  if (!plain_name(in, mname) || !plain_name(in, rname) || in.size() != 20)
    return show_hex_rdata(rdata);
  std::uint32_t serial = 0;
  for (int i = 0; i < 4; ++i) serial = serial << 8 | static_cast<unsigned char>(in[i]);
  return show_name(mname) + " " + show_name(rname) + " " + std::to_string(serial);
}

std::string show_data(const Record& r) {
  switch (r.type) {
    case Type::A: return format_ipv4(r.address);
    case Type::NS:
    case Type::CNAME:
    case Type::PTR: return show_name(r.target);
    case Type::MX: return std::to_string(r.preference) + " " + show_name(r.target);
    case Type::TXT: {
      std::string out = "\"";
      put_escaped(out, r.target, true);
      return out + "\"";
    }
    case Type::AAAA:
      return r.rdata.size() == 16 ? show_ipv6(r.rdata) : show_hex_rdata(r.rdata);
    case Type::SOA: return show_soa(r.rdata);
    default: return show_hex_rdata(r.rdata);
  }
}

std::string rcode_name(Rcode rc) {
  switch (rc) {
    case Rcode::NoError: return "NOERROR";
    case Rcode::FormErr: return "FORMERR";
    case Rcode::ServFail: return "SERVFAIL";
    case Rcode::NxDomain: return "NXDOMAIN";
    case Rcode::NotImp: return "NOTIMP";
    case Rcode::Refused: return "REFUSED";
  }
  return "RCODE" + std::to_string(static_cast<unsigned>(rc));
}

// "example.com MX" for each question, joined by ", "; prefixed by a space when present.
std::string question_suffix(const Message& m, bool type_first) {
  std::string out;
  for (const auto& q : m.questions) {
    out += out.empty() ? " " : ", ";
    out += type_first ? type_name(q.type) + " " + show_name(q.name)
                      : show_name(q.name) + " " + type_name(q.type);
  }
  return out;
}

}  // namespace

std::string type_name(Type t) {
  switch (t) {
    case Type::A: return "A";
    case Type::NS: return "NS";
    case Type::CNAME: return "CNAME";
    case Type::PTR: return "PTR";
    case Type::SOA: return "SOA";
    case Type::MX: return "MX";
    case Type::TXT: return "TXT";
    case Type::AAAA: return "AAAA";
  }
  return "TYPE" + std::to_string(static_cast<unsigned>(t));
}

std::string describe(const Message& m) {
  if (!m.response) return "QUERY" + question_suffix(m, true);
  if (m.rcode != Rcode::NoError) return rcode_name(m.rcode) + question_suffix(m, false);
  if (m.answers.empty()) return "NODATA" + question_suffix(m, false);
  std::string out = "ANSWER ";
  for (std::size_t i = 0; i < m.answers.size(); ++i) {
    const Record& r = m.answers[i];
    if (i > 0) out += ", ";
    out += show_name(r.name) + " " + type_name(r.type) + " " + show_data(r);
  }
  return out;
}

std::string format_ipv4(std::uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string(a >> 16 & 0xFF) + "." +
         std::to_string(a >> 8 & 0xFF) + "." + std::to_string(a & 0xFF);
}

std::string reverse_name(std::uint32_t a) {
  return std::to_string(a & 0xFF) + "." + std::to_string(a >> 8 & 0xFF) + "." + std::to_string(a >> 16 & 0xFF) +
         "." + std::to_string(a >> 24) + ".in-addr.arpa";
}

std::optional<std::uint32_t> parse_ipv4(std::string_view text) {
  std::uint32_t result = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (text.empty() || text[0] != '.') return std::nullopt;
      text.remove_prefix(1);
    }
    std::size_t n = 0;
    while (n < text.size() && n < 4 && text[n] >= '0' && text[n] <= '9') ++n;
    // 1-3 digits, no leading zero: "010" means octal to some resolvers, so refuse it.
    if (n == 0 || n > 3 || (n > 1 && text[0] == '0')) return std::nullopt;
    unsigned v = 0;
    std::from_chars(text.data(), text.data() + n, v);
    if (v > 255) return std::nullopt;
    result = result << 8 | v;
    text.remove_prefix(n);
  }
  if (!text.empty()) return std::nullopt;
  return result;
}

}  // namespace mailsim::dns
