#pragma once
// The DSN extension's parameters (RFC 3461): RET and ENVID on MAIL, NOTIFY and ORCPT on RCPT.
// Parsed from untrusted text into typed values; xtext (section 4) decoded on the way in.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mailsim::smtp {

// RET: what a failure DSN returns. Unspecified leaves it to the MTA (Postfix: the whole message).
enum class DsnRet : std::uint8_t { Unspecified, Full, Headers };

// NOTIFY: when the sender wants a DSN for a recipient. Not given: failures and delays (the
// MTA's default). NEVER excludes the others.
struct DsnNotify {
  bool given = false, never = false, success = false, failure = false, delay = false;
  bool wants_failure() const { return !given || failure; }
  bool wants_delay() const { return !given || delay; }
  bool operator==(const DsnNotify&) const = default;
};

struct RcptDsn {
  DsnNotify notify;
  std::string orcpt;  // "rfc822;bob@example.com" (decoded), or empty when not given
  bool operator==(const RcptDsn&) const = default;
};

std::optional<DsnRet> parse_ret(std::string_view value);        // FULL | HDRS, any case
std::optional<DsnNotify> parse_notify(std::string_view value);  // NEVER | SUCCESS,FAILURE,DELAY
// "addr-type;xtext" with an atom type: the type and the decoded address, joined by ';'.
std::optional<std::string> parse_orcpt(std::string_view value);
// ENVID: xtext of at most 100 octets, decoded to printable ASCII.
std::optional<std::string> parse_envid(std::string_view value);

// The parameters as a client sends them on: "RET=HDRS", "NOTIFY=SUCCESS,FAILURE", "ORCPT=rfc822;x".
std::string ret_param(DsnRet ret);  // empty for Unspecified
std::string notify_param(const DsnNotify& notify);  // empty when not given
std::string orcpt_param(std::string_view orcpt);    // empty for an empty orcpt

// RFC 3461 section 4: "+XX" for '+', '=', and octets outside 33..126.
std::optional<std::string> xtext_decode(std::string_view text);
std::string xtext_encode(std::string_view text);

}  // namespace mailsim::smtp
