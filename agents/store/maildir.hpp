#pragma once
// Export of a mailbox as a Maildir (tmp/, new/, cur/), so that students can open what the
// simulation delivered with any mail tool, or with Python's mailbox module.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mailsim::store {

enum class MaildirState {
  New,   // unread server mail: new/<unique>
  Seen,  // the MUA's read copies: cur/<unique>:2,S
};

// Writes each (unique name, content) pair with LF line ends (each CRLF becomes LF, every
// other byte is kept), through tmp/ and a
// rename as the Maildir protocol asks. Creates the three folders as needed; exporting the
// same name again replaces the earlier file, in either folder. Throws std::invalid_argument
// for a name that is empty, starts with '.', holds '/', ':' or NUL, or repeats within one
// call; std::filesystem::filesystem_error or std::runtime_error when writing fails.
void export_maildir(const std::filesystem::path& dir,
                    const std::vector<std::pair<std::string, std::string>>& messages,
                    MaildirState state = MaildirState::New);

// A deterministic unique name in the usual "<seconds>.M<micros>P<id>.<host>" shape, from
// simulated time rather than the wall clock; '/' and ':' in host are escaped as \057, \072.
std::string maildir_name(std::int64_t epoch_us, std::int64_t id, std::string_view host);

}  // namespace mailsim::store
