#pragma once
// RFC 3464 delivery status notifications ("bounces"), laid out like Postfix's.
#include <string>
#include <vector>

namespace mailsim::mime {

struct DsnRecipient {
  std::string address;
  std::string action;      // failed|delayed (also delivered|relayed|expanded)
  std::string status;      // enhanced status code, e.g. 5.1.1 (RFC 3463)
  std::string remote_mta;  // host name; "dns; " is added when no type is given
  std::string diagnostic;  // e.g. "smtp; 550 5.1.1 <bob@example.com>: ... User unknown"
  std::string original_recipient;  // ORCPT as the sender gave it ("rfc822;bob@example.com"), optional
};

struct DsnInfo {
  std::string reporting_mta;         // our host name
  std::string original_sender;       // the bounce goes here; must not be empty (<> is never bounced)
  std::string original_envelope_id;  // optional (ENVID)
  std::string arrival_date;          // optional
  std::string date;                  // Date of the DSN itself
  std::string will_retry_until;      // delayed recipients: when the MTA gives up (RFC 3464 §2.3.9)
  std::string message_id;            // without <>
  std::vector<DsnRecipient> recipients;
  std::string original_message;  // the original message (or just its header section); may be empty
  // What of it goes back (RFC 3461 RET): the header section as text/rfc822-headers, or the
  // whole message as message/rfc822.
  enum class Returned { Headers, Full } returned = Returned::Headers;
  std::string from_postmaster;   // empty = MAILER-DAEMON@reporting_mta
};

// multipart/report; report-type=delivery-status with a human-readable text part, the
// message/delivery-status part and (when original_message is not empty) the original: its
// header section as text/rfc822-headers, or the whole message as message/rfc822. Remote text (diagnostics) is made single-line 7-bit.
// Throws std::invalid_argument for an empty sender or reporting MTA, no recipients, an unknown
// action or a status that is not class.subject.detail with class 2, 4 or 5.
std::string compose_dsn(const DsnInfo& info);

// The Subject a DSN carries (Postfix's wording): failed, or only delayed recipients.
const char* dsn_subject(bool delayed = false);

}  // namespace mailsim::mime
