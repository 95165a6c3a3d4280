#include "agents/store/maildir.hpp"

#include <fstream>
#include <set>
#include <stdexcept>

namespace mailsim::store {
namespace fs = std::filesystem;
namespace {

void check_name(std::string_view name) {
  // A leading dot hides the file from Maildir readers; ':' starts the info part.
  if (name.empty() || name.size() > 200 || name[0] == '.' ||
      name.find_first_of(std::string_view("/:\0", 3)) != std::string_view::npos)
    throw std::invalid_argument("maildir: invalid unique name '" + std::string(name) + "'");
}

// Maildir files hold the message with the host's line ends (LF), as Postfix's local and
// Dovecot write them; CRLF is only for the wire. A lone CR is content and stays.
void write_file(const fs::path& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  std::size_t from = 0;
  while (from < content.size()) {
    const std::size_t crlf = content.find("\r\n", from);
    const std::size_t end = crlf == std::string_view::npos ? content.size() : crlf;
    out.write(content.data() + from, static_cast<std::streamsize>(end - from));
    if (crlf == std::string_view::npos) break;
    out.put('\n');
    from = crlf + 2;
  }
  out.close();
  if (!out) throw std::runtime_error("maildir: cannot write " + path.string());
}

}  // namespace

void export_maildir(const fs::path& dir,
                    const std::vector<std::pair<std::string, std::string>>& messages,
                    MaildirState state) {
  std::set<std::string_view> seen;
  for (const auto& [name, content] : messages) {
    check_name(name);
    if (!seen.insert(name).second)
      throw std::invalid_argument("maildir: unique name '" + name + "' given twice");
  }
  for (const char* sub : {"tmp", "new", "cur"}) fs::create_directories(dir / sub);

  const bool read = state == MaildirState::Seen;
  for (const auto& [name, content] : messages) {
    const fs::path tmp = dir / "tmp" / name;
    const fs::path final_path = read ? dir / "cur" / (name + ":2,S") : dir / "new" / name;
    const fs::path other = read ? dir / "new" / name : dir / "cur" / (name + ":2,S");
    write_file(tmp, content);
    fs::rename(tmp, final_path);  // atomic: readers never see a half-written message
    fs::remove(other);            // one name, one message: drop the copy in the other state
  }
}

std::string maildir_name(std::int64_t epoch_us, std::int64_t id, std::string_view host) {
  std::int64_t sec = epoch_us / 1000000, usec = epoch_us % 1000000;
  if (usec < 0) sec -= 1, usec += 1000000;  // floor: micros stay in [0, 10^6) before 1970
  std::string out = std::to_string(sec) + ".M" + std::to_string(usec) + "P" + std::to_string(id) + ".";
  for (char c : host) {
    if (c == '/') out += "\\057";
    else if (c == ':') out += "\\072";
    else out += c;
  }
  return out;
}

}  // namespace mailsim::store
