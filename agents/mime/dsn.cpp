#include "agents/mime/dsn.hpp"

#include <stdexcept>

#include "agents/mime/compose.hpp"
#include "agents/mime/encoding.hpp"
#include "agents/mime/message.hpp"
#include "agents/mime/util.hpp"

namespace mailsim::mime {
namespace {

void require(bool ok, const char* what) {
  if (!ok) throw std::invalid_argument(std::string("mime::compose_dsn: ") + what);
}

// RFC 3463: class "." subject "." detail, class 2/4/5, subject and detail 1-3 digits.
bool valid_status(std::string_view s) {
  if (s.size() < 5 || (s[0] != '2' && s[0] != '4' && s[0] != '5') || s[1] != '.') return false;
  std::size_t i = 2, groups = 0;
  while (groups < 2) {
    std::size_t digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
    if (digits < 1 || digits > 3) return false;
    ++groups;
    if (groups == 1) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
  }
  return i == s.size();
}

// Remote MTAs say anything: delivery-status fields are 7-bit (RFC 3464 §2.1.2) and one field.
std::string seven_bit_line(std::string_view s) {
  std::string out;
  for (unsigned char c : s)
    out += (c == '\r' || c == '\n' || c == '\t') ? ' ' : (c >= 32 && c < 127) ? static_cast<char>(c) : '?';
  return std::string(detail::trim(out));
}

// "type; value" fields get a default type when the caller gave a bare value.
std::string typed(std::string_view value, std::string_view type) {
  std::string v = seven_bit_line(value);
  if (v.find(';') == std::string::npos) v = std::string(type) + "; " + v;
  return v;
}

// The original header section, CRLF-normalised, with any line over 998 octets (which a relay
// would refuse) broken by folding.
std::string original_headers(std::string_view message) {
  const std::string in = detail::normalize_crlf(message.substr(0, header_block_end(message)));
  std::string out;
  std::size_t col = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\r' || in[i] == '\n') {
      col = 0;
    } else if (++col > 990) {
      out += "\r\n ";
      col = 2;
    }
    out += in[i];
  }
  return out;
}

// The whole original: its header section as original_headers() makes it, the body as it was
// (line ends made CRLF), so the returned message is the one the sender sent.
std::string original_message(std::string_view message) {
  const std::size_t end = header_block_end(message);
  return original_headers(message) + detail::normalize_crlf(message.substr(end));
}

std::string human_text(const DsnInfo& in, bool all_delayed) {
  std::string t = "This is the mail system at host " + in.reporting_mta + ".\n\n";
  if (all_delayed) {
    t += "####################################################################\n"
         "# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n"
         "####################################################################\n\n"
         "Your message could not be delivered yet; the mail system will keep trying.\n";
  } else {
    t += "I'm sorry to have to inform you that your message could not\n"
         "be delivered to one or more recipients. It's attached below.\n\n"
         "For further assistance, please send mail to postmaster.\n\n"
         "If you do so, please include this problem report. You can\n"
         "delete your own text from the attached returned message.\n";
  }
  t += "\n                   The mail system\n";
  for (const auto& r : in.recipients) {
    std::string why = seven_bit_line(r.diagnostic);
    if (auto semi = why.find(';'); semi != std::string::npos && semi < 16)
      why = std::string(detail::trim(why.substr(semi + 1)));
    t += "\n<" + r.address + ">: (" + r.action + ", status " + r.status + ")";
    if (!r.remote_mta.empty()) t += " host " + seven_bit_line(r.remote_mta) + " said:";
    t += why.empty() ? "\n" : "\n    " + why + "\n";
  }
  return t;
}

}  // namespace

std::string compose_dsn(const DsnInfo& in) {
  require(!in.original_sender.empty() && in.original_sender != "<>",
          "never bounce a message with a null reverse-path");
  require(!in.reporting_mta.empty(), "reporting_mta is required");
  require(!in.recipients.empty(), "a DSN needs at least one recipient");
  bool all_delayed = true;
  for (const auto& r : in.recipients) {
    require(r.action == "failed" || r.action == "delayed" || r.action == "delivered" ||
                r.action == "relayed" || r.action == "expanded",
            "unknown action");
    require(valid_status(r.status), "status must look like 5.1.1");
    require(!r.address.empty() && r.address.find_first_of("\r\n") == std::string::npos,
            "bad recipient address");
    all_delayed = all_delayed && r.action == "delayed";
  }

  // Part 2: per-message fields, then one block per recipient, blank lines between blocks.
  std::string status =
      "Content-Description: Delivery report\r\nContent-Type: message/delivery-status\r\n\r\n";
  append_field(status, "Reporting-MTA", typed(in.reporting_mta, "dns"));
  if (!in.original_envelope_id.empty())
    append_field(status, "Original-Envelope-Id", seven_bit_line(in.original_envelope_id));
  if (!in.arrival_date.empty()) append_field(status, "Arrival-Date", seven_bit_line(in.arrival_date));
  for (const auto& r : in.recipients) {
    status += "\r\n";
    if (!r.original_recipient.empty())
      append_field(status, "Original-Recipient", typed(r.original_recipient, "rfc822"));
    append_field(status, "Final-Recipient", typed(r.address, "rfc822"));
    append_field(status, "Action", r.action);
    append_field(status, "Status", r.status);
    if (!r.remote_mta.empty()) append_field(status, "Remote-MTA", typed(r.remote_mta, "dns"));
    if (!r.diagnostic.empty()) append_field(status, "Diagnostic-Code", typed(r.diagnostic, "smtp"));
    if (!in.date.empty() && r.action != "delayed")
      append_field(status, "Last-Attempt-Date", seven_bit_line(in.date));
    if (!in.will_retry_until.empty() && r.action == "delayed")
      append_field(status, "Will-Retry-Until", seven_bit_line(in.will_retry_until));
  }

  std::string text = text_entity(human_text(in, all_delayed));
  text.insert(0, "Content-Description: Notification\r\n");
  std::vector<std::string> parts{text, status};

  if (!in.original_message.empty() && in.returned == DsnInfo::Returned::Full) {
    const std::string orig = original_message(in.original_message);
    bool eight = false;
    for (unsigned char c : orig) eight = eight || c > 127;
    parts.push_back(std::string("Content-Description: Undelivered Message\r\n"
                                "Content-Type: message/rfc822\r\n") +
                    (eight ? "Content-Transfer-Encoding: 8bit\r\n" : "") + "\r\n" + orig);
  } else if (!in.original_message.empty()) {
    const std::string orig = original_headers(in.original_message);
    // Header bytes are the sender's own; 8-bit ones (SMTPUTF8, raw UTF-8) are declared, not altered.
    bool eight = false;
    for (unsigned char c : orig) eight = eight || c > 127;
    parts.push_back(std::string("Content-Description: Undelivered Message Headers\r\n"
                                "Content-Type: text/rfc822-headers\r\n") +
                    (eight ? "Content-Transfer-Encoding: 8bit\r\n" : "") + "\r\n" + orig);
  }

  const std::string from =
      in.from_postmaster.empty() ? "MAILER-DAEMON@" + in.reporting_mta : in.from_postmaster;
  const std::string boundary =
      make_boundary(in.message_id.empty() ? in.date + in.original_sender : in.message_id, parts);
  std::string h;
  if (!in.date.empty()) append_field(h, "Date", in.date);
  append_field(h, "From", mailbox("Mail Delivery System", from));
  append_field(h, "To",
                  in.original_sender.front() == '<' ? in.original_sender : "<" + in.original_sender + ">");
  append_field(h, "Subject", dsn_subject(all_delayed));
  if (!in.message_id.empty()) append_field(h, "Message-ID", "<" + in.message_id + ">");
  h += "Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n";
  append_field(h, "Content-Type",
                  "multipart/report; report-type=delivery-status; boundary=\"" + boundary + "\"");
  return h + "\r\n" + multipart_body(boundary, parts);
}

const char* dsn_subject(bool delayed) {
  return delayed ? "Delayed Mail (still being retried)" : "Undelivered Mail Returned to Sender";
}

}  // namespace mailsim::mime
