// RFC 1035 section 4 wire format: a 12-byte header, then questions and three sections of
// resource records. Only class IN is written; the class of decoded records is ignored.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

#include "agents/dns/message.hpp"

namespace mailsim::dns {
namespace {

constexpr std::uint16_t kClassIn = 1;
constexpr std::size_t kMaxName = 255;       // octets on the wire, length bytes included
constexpr std::size_t kMaxLabel = 63;
constexpr std::size_t kMaxPointerTarget = 0x3FFF;
constexpr int kMaxHops = 127;               // more than any real name has labels

void put16(std::string& out, std::uint16_t v) {
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v & 0xFF);
}

void put32(std::string& out, std::uint32_t v) {
  put16(out, static_cast<std::uint16_t>(v >> 16));
  put16(out, static_cast<std::uint16_t>(v & 0xFFFF));
}

// Splits "a.b.c" (one trailing dot allowed) into labels; throws on what DNS cannot carry.
// The labels of `name` into `labels` (cleared first: a caller reuses its buffer).
void split_name(std::string_view name, std::vector<std::string_view>& labels) {
  labels.clear();
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  std::size_t wire = 1;  // the root's zero byte
  while (!name.empty()) {
    const std::size_t dot = name.find('.');
    const std::string_view label = name.substr(0, dot);
    if (label.empty() || label.size() > kMaxLabel)
      throw std::invalid_argument("dns: bad label in name '" + std::string(name) + "'");
    wire += label.size() + 1;
    labels.push_back(label);
    if (dot == std::string_view::npos) break;
    name.remove_prefix(dot + 1);
    if (name.empty()) throw std::invalid_argument("dns: empty label in name");
  }
  if (wire > kMaxName) throw std::invalid_argument("dns: name longer than 255 octets");
}

class Writer {
 public:
  Writer() {  // a typical message in one allocation each
    out.reserve(512);
    seen_.reserve(8);
    labels_.reserve(8);
  }
  std::string out;

  // Writes a name, replacing the longest suffix already written by a pointer. Suffixes
  // are matched case-sensitively so that decoding gives back exactly the names encoded.
  // The names must outlive the writer: suffixes are remembered as views into them.
  void name(std::string_view name, bool compress) {
    split_name(name, labels_);
    const auto& labels = labels_;
    for (std::size_t i = 0; i < labels.size(); ++i) {
      // Labels are views into `name` one dot apart: the suffix from label i is a view too.
      const char* end = labels.back().data() + labels.back().size();
      const std::string_view suffix(labels[i].data(), static_cast<std::size_t>(end - labels[i].data()));
      if (compress) {
        const auto it = std::find_if(seen_.begin(), seen_.end(), [&](const auto& s) { return s.first == suffix; });
        if (it != seen_.end()) {
          put16(out, static_cast<std::uint16_t>(0xC000 | it->second));
          return;
        }
        if (out.size() <= kMaxPointerTarget) seen_.emplace_back(suffix, static_cast<std::uint16_t>(out.size()));
      }
      out += static_cast<char>(labels[i].size());
      out += labels[i];
    }
    out += '\0';
  }

  void question(const Question& q) {
    name(q.name, true);
    put16(out, static_cast<std::uint16_t>(q.type));
    put16(out, kClassIn);
  }

  void record(const Record& r) {
    name(r.name, true);
    put16(out, static_cast<std::uint16_t>(r.type));
    put16(out, kClassIn);
    put32(out, r.ttl);
    const std::size_t len_at = out.size();
    put16(out, 0);  // RDLENGTH, patched below
    switch (r.type) {
      case Type::A: put32(out, r.address); break;
      case Type::NS:
      case Type::CNAME:
      case Type::PTR: name(r.target, true); break;
      case Type::MX:
        put16(out, r.preference);
        name(r.target, true);
        break;
      case Type::TXT: {
        // One or more <character-string>s of at most 255 octets each.
        std::string_view text = r.target;
        do {
          const std::size_t n = std::min<std::size_t>(text.size(), 255);
          out += static_cast<char>(n);
          out += text.substr(0, n);
          text.remove_prefix(n);
        } while (!text.empty());
        break;
      }
      default:
        if (r.type == Type::AAAA && r.rdata.size() != 16)
          throw std::invalid_argument("dns: AAAA rdata must be 16 octets");
        out += r.rdata;
    }
    const std::size_t len = out.size() - len_at - 2;
    if (len > 0xFFFF) throw std::invalid_argument("dns: rdata longer than 65535 octets");
    out[len_at] = static_cast<char>(len >> 8);
    out[len_at + 1] = static_cast<char>(len & 0xFF);
  }

 private:
  // Suffixes written so far and where: a message holds a handful, so a list beats a map.
  std::vector<std::pair<std::string_view, std::uint16_t>> seen_;
  std::vector<std::string_view> labels_;  // the name being written, reused
};

class Reader {
 public:
  explicit Reader(std::string_view wire) : w_(wire) {}

  std::size_t pos() const { return pos_; }
  bool at_end() const { return pos_ == w_.size(); }
  std::size_t remaining() const { return w_.size() - pos_; }

  bool u8(std::uint8_t& v) {
    if (w_.size() - pos_ < 1) return false;
    v = byte(pos_++);
    return true;
  }
  bool u16(std::uint16_t& v) {
    if (w_.size() - pos_ < 2) return false;
    v = static_cast<std::uint16_t>(byte(pos_) << 8 | byte(pos_ + 1));
    pos_ += 2;
    return true;
  }
  bool u32(std::uint32_t& v) {
    std::uint16_t hi = 0, lo = 0;
    if (!u16(hi) || !u16(lo)) return false;
    v = std::uint32_t{hi} << 16 | lo;
    return true;
  }
  bool bytes(std::size_t n, std::string& out) {
    if (w_.size() - pos_ < n) return false;
    out.assign(w_.substr(pos_, n));
    pos_ += n;
    return true;
  }

  // Reads a possibly compressed name. Every pointer must go strictly below the start of
  // the stretch of labels being read, so targets decrease and a loop is impossible.
  bool name(std::string& out) {
    out.clear();
    std::size_t p = pos_, floor = pos_, wire = 1;
    bool jumped = false;
    int hops = 0;
    for (;;) {
      if (p >= w_.size()) return false;
      const std::uint8_t len = byte(p);
      if ((len & 0xC0) == 0xC0) {
        if (p + 1 >= w_.size()) return false;
        const std::size_t target = std::size_t{len & 0x3Fu} << 8 | byte(p + 1);
        if (!jumped) pos_ = p + 2;
        if (target >= floor || ++hops > kMaxHops) return false;
        jumped = true;
        p = floor = target;
        continue;
      }
      if (len & 0xC0) return false;  // 0x40 / 0x80 label types: obsolete or reserved
      if (len == 0) break;
      wire += len + 1u;
      if (wire > kMaxName || w_.size() - p - 1 < len) return false;
      const std::string_view label = w_.substr(p + 1, len);
      if (label.find('.') != std::string_view::npos) return false;  // not representable
      if (!out.empty()) out += '.';
      out += label;
      p += 1 + len;
    }
    if (!jumped) pos_ = p + 1;
    return true;
  }

 private:
  std::uint8_t byte(std::size_t i) const { return static_cast<std::uint8_t>(w_[i]); }
  std::string_view w_;
  std::size_t pos_ = 0;
};

void put_plain_name(std::string& out, std::string_view name) {
  Writer w;
  w.name(name, false);
  out += w.out;
}

// RDATA of types we model is parsed into fields; SOA is re-encoded with its names expanded
// so that the bytes stay valid outside this message; anything else is kept verbatim.
bool read_rdata(Reader& r, Record& rec, std::size_t len) {
  const std::size_t end = r.pos() + len;
  switch (rec.type) {
    case Type::A:
      return len == 4 && r.u32(rec.address);
    case Type::NS:
    case Type::CNAME:
    case Type::PTR:
      return r.name(rec.target) && r.pos() == end;
    case Type::MX:
      return r.u16(rec.preference) && r.name(rec.target) && r.pos() == end;
    case Type::TXT: {
      if (len == 0) return false;  // at least one character-string
      std::string chunk;
      while (r.pos() < end) {
        std::uint8_t n = 0;
        if (!r.u8(n) || r.pos() + n > end || !r.bytes(n, chunk)) return false;
        rec.target += chunk;
      }
      return true;
    }
    case Type::SOA: {
      std::string mname, rname, rest;
      if (!r.name(mname) || !r.name(rname) || !r.bytes(20, rest) || r.pos() != end) return false;
      put_plain_name(rec.rdata, mname);
      put_plain_name(rec.rdata, rname);
      rec.rdata += rest;
      return true;
    }
    default:
      if (rec.type == Type::AAAA && len != 16) return false;
      return r.bytes(len, rec.rdata);
  }
}

bool read_record(Reader& r, Record& rec) {
  std::uint16_t type = 0, cls = 0, len = 0;
  if (!r.name(rec.name) || !r.u16(type) || !r.u16(cls) || !r.u32(rec.ttl) || !r.u16(len))
    return false;
  rec.type = static_cast<Type>(type);
  return r.remaining() >= len && read_rdata(r, rec, len);
}

std::optional<Message> decode_impl(std::string_view wire) {
  if (wire.size() > 0xFFFF) return std::nullopt;  // larger than any DNS transport allows
  Reader r(wire);
  Message m;
  std::uint16_t flags = 0, counts[4] = {};
  if (!r.u16(m.id) || !r.u16(flags)) return std::nullopt;
  for (auto& c : counts)
    if (!r.u16(c)) return std::nullopt;
  m.response = flags & 0x8000;
  m.authoritative = flags & 0x0400;
  m.recursion_desired = flags & 0x0100;
  m.rcode = static_cast<Rcode>(flags & 0x000F);
  for (std::uint16_t i = 0; i < counts[0]; ++i) {
    Question q;
    std::uint16_t type = 0, cls = 0;
    if (!r.name(q.name) || !r.u16(type) || !r.u16(cls)) return std::nullopt;
    q.type = static_cast<Type>(type);
    m.questions.push_back(std::move(q));
  }
  std::vector<Record>* sections[3] = {&m.answers, &m.authority, &m.additional};
  for (int s = 0; s < 3; ++s) {
    for (std::uint16_t i = 0; i < counts[s + 1]; ++i) {
      Record rec;
      if (!read_record(r, rec)) return std::nullopt;
      sections[s]->push_back(std::move(rec));
    }
  }
  if (!r.at_end()) return std::nullopt;
  return m;
}

}  // namespace

std::string encode(const Message& m) {
  if (m.questions.size() > 0xFFFF || m.answers.size() > 0xFFFF || m.authority.size() > 0xFFFF ||
      m.additional.size() > 0xFFFF)
    throw std::invalid_argument("dns: more than 65535 entries in a section");
  Writer w;
  put16(w.out, m.id);
  std::uint16_t flags = static_cast<std::uint16_t>(static_cast<std::uint8_t>(m.rcode) & 0x0F);
  if (m.response) flags |= 0x8000;
  if (m.authoritative) flags |= 0x0400;
  if (m.recursion_desired) flags |= 0x0100;
  put16(w.out, flags);
  put16(w.out, static_cast<std::uint16_t>(m.questions.size()));
  put16(w.out, static_cast<std::uint16_t>(m.answers.size()));
  put16(w.out, static_cast<std::uint16_t>(m.authority.size()));
  put16(w.out, static_cast<std::uint16_t>(m.additional.size()));
  for (const auto& q : m.questions) w.question(q);
  for (const auto* section : {&m.answers, &m.authority, &m.additional})
    for (const auto& rec : *section) w.record(rec);
  return std::move(w.out);
}

std::optional<Message> decode(std::string_view wire) noexcept {
  try {
    return decode_impl(wire);
  } catch (...) {  // only std::bad_alloc can get here; still not the caller's problem
    return std::nullopt;
  }
}

std::string soa_rdata(std::string_view mname, std::string_view rname, std::uint32_t serial,
                      std::uint32_t minimum_ttl) {
  std::string out;
  put_plain_name(out, mname);
  put_plain_name(out, rname);
  put32(out, serial);
  put32(out, 3600);    // refresh
  put32(out, 600);     // retry
  put32(out, 604800);  // expire
  put32(out, minimum_ttl);
  return out;
}

std::optional<std::uint32_t> negative_ttl(const Message& m) {
  for (const Record& r : m.authority) {
    // MINIMUM is the last of the five 32-bit fields after the two names.
    if (r.type != Type::SOA || r.rdata.size() < 22) continue;
    const auto* p = reinterpret_cast<const unsigned char*>(r.rdata.data() + r.rdata.size() - 4);
    const std::uint32_t minimum = (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
                                  (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
    return std::min(r.ttl, minimum);
  }
  return std::nullopt;
}

}  // namespace mailsim::dns
