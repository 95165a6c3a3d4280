#pragma once
// DNS messages in RFC 1035 wire format. The bytes go into pcap files that Wireshark must
// dissect, so encode() writes real DNS (class IN, with name compression); decode() reads
// untrusted bytes and never throws: anything malformed gives std::nullopt.
//
// Names are dotted text without the trailing dot ("example.com"; the root is ""), compared
// case-insensitively by Zone. A name passed to encode() may end in one dot.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailsim::dns {

// A plain enum class over uint16_t: decode() keeps types it does not model (e.g. OPT = 41)
// as other values, so a message round-trips instead of being rejected.
enum class Type : std::uint16_t { A = 1, NS = 2, CNAME = 5, SOA = 6, PTR = 12, MX = 15, TXT = 16, AAAA = 28 };
enum class Rcode : std::uint8_t { NoError = 0, FormErr = 1, ServFail = 2, NxDomain = 3, NotImp = 4, Refused = 5 };

struct Question {
  std::string name{};
  Type type = Type::A;
  bool operator==(const Question&) const = default;
};

// Every member has an initializer so that {name, type, ttl, ...} aggregates stay -Wextra clean.
struct Record {
  std::string name{};
  Type type = Type::A;
  std::uint32_t ttl = 0;
  std::uint16_t preference = 0;  // MX
  std::string target{};          // MX exchange, CNAME, NS and PTR target; TXT text (strings joined)
  std::uint32_t address = 0;     // A, host order
  std::string rdata{};           // every other type (AAAA, SOA, ...): RDATA bytes, names uncompressed
  bool operator==(const Record&) const = default;
};

struct Message {
  std::uint16_t id = 0;
  bool response = false;
  bool authoritative = false;
  bool recursion_desired = false;
  Rcode rcode = Rcode::NoError;
  std::vector<Question> questions{};
  std::vector<Record> answers{}, authority{}, additional{};
  bool operator==(const Message&) const = default;
};

// Throws std::invalid_argument for a name that cannot be encoded (empty label, label over
// 63 octets, name over 255 octets, a section over 65535 entries): that is a caller bug.
std::string encode(const Message& m);
// Bounded parse of untrusted bytes: compression pointers must point backwards (so they
// cannot loop), labels <= 63, names <= 255 octets, no trailing garbage, no exceptions.
std::optional<Message> decode(std::string_view wire) noexcept;
// One readable line for the trace: "QUERY MX example.com", "ANSWER example.com MX 10
// mail.example.com", "NXDOMAIN example.net MX", "NODATA example.com MX", "SERVFAIL ...".
std::string describe(const Message& m);

std::string type_name(Type t);                 // "MX", unknown as "TYPE99" (RFC 3597)
std::string format_ipv4(std::uint32_t host_order);
std::optional<std::uint32_t> parse_ipv4(std::string_view text);  // strict dotted quad
// The owner name of an address's PTR record: 198.51.100.10 -> "10.100.51.198.in-addr.arpa".
std::string reverse_name(std::uint32_t host_order);

// RDATA for a SOA record (Record::rdata), for the authority section of negative answers.
std::string soa_rdata(std::string_view mname, std::string_view rname, std::uint32_t serial,
                      std::uint32_t minimum_ttl);
// How long a negative answer (NXDOMAIN, or NOERROR without the asked type) may be cached:
// the lesser of its authority SOA's TTL and MINIMUM field (RFC 2308 sections 3 and 5).
// Nothing (do not cache) when the answer carries no well-formed SOA.
std::optional<std::uint32_t> negative_ttl(const Message& m);

}  // namespace mailsim::dns
