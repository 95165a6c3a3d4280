#pragma once
// Trace fields that MTAs add to messages in transit (RFC 5321 §4.4).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mailsim::mime {

// The message with "Name: value" (folded) put before its first line; existing fields keep their
// order. A pre-folded value is unfolded first and stray CR/LF become spaces, so the value can
// never inject a field. Throws std::invalid_argument if `name` is not a valid field name.
std::string prepend_header(std::string_view message, std::string_view name, std::string_view value);

// How many top-level header fields are named `name` (case-insensitive); only the header
// section is read, nothing is copied (a hop count on a large message costs no memory).
std::size_t count_fields(std::string_view message, std::string_view name);

// The top-level header fields of a message, located in one pass, for code that asks several
// questions of one header section (the MSA: Return-Path:, Date:, Message-ID:, where to add).
// Holds views into `message`: valid while it is unchanged.
class FieldIndex {
 public:
  explicit FieldIndex(std::string_view message);
  std::size_t fields_end() const { return fields_end_; }  // as header_block_end
  std::size_t count(std::string_view name) const;         // as count_fields

 private:
  std::size_t fields_end_ = 0;
  std::vector<std::string_view> names_;
};

// Removes, in place, every top-level header field named `name` with its continuation lines
// (as Postfix's cleanup drops a client's Return-Path:). Returns how many were removed.
std::size_t remove_fields(std::string& message, std::string_view name);

// The message with `top` (whole folded fields) before its first line and `bottom` after its
// last header field, in one copy.
std::string add_fields(std::string_view message, std::string_view top, std::string_view bottom);
// The same, with the header section's end already known (FieldIndex::fields_end).
std::string add_fields(std::string_view message, std::string_view top, std::string_view bottom,
                       std::size_t fields_end);

struct ReceivedInfo {
  std::string helo;         // the client's EHLO/HELO argument
  std::string client_host;  // reverse-DNS name; empty = "unknown"
  std::string client_ip;    // IPv4 or IPv6 text; IPv6 gets the "IPv6:" tag
  std::string by_host;
  std::string protocol;  // SMTP|ESMTP|ESMTPA|ESMTPS|ESMTPSA|LMTP; empty = ESMTP
  std::string id;        // optional
  std::string for_rcpt;  // optional, with or without <>
  std::string date;      // RFC 5322 date-time
};

// The value of a Received: field:
// "from HELO (host [ip]) by host with ESMTP id ID for <rcpt>; date".
// Client-supplied text (HELO) is reduced to printable non-space ASCII without "()[];\" so it
// cannot fake the comment that records who really connected.
std::string received_header(const ReceivedInfo& info);

}  // namespace mailsim::mime
