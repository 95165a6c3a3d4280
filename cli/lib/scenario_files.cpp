// Files named by a scenario (body_file, attachments). A scenario is shared between classes
// and machines, so it may only read regular files inside its own folder, and not too large.
#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/lib/scenario_sections.hpp"

namespace mailsim::app::detail {

namespace fs = std::filesystem;

namespace {
bool inside(const fs::path& folder, const fs::path& p) {
  auto [f, q] = std::mismatch(folder.begin(), folder.end(), p.begin(), p.end());
  return f == folder.end() && q != p.end();
}

std::string size_text(std::uint64_t n) {
  if (n >= (1u << 20) && n % (1u << 20) == 0) return std::to_string(n >> 20) + " MiB";
  return std::to_string(n) + " octets";
}
}  // namespace

std::optional<std::string> read_confined_file(LoadContext& c, const std::string& relative, const std::string& ptr) {
  const std::string shown = quote_text(relative);
  const std::string expected = "a file inside the scenario's folder, named relative to it, such as \"files/report.pdf\"";
  if (!c.options.read_files) {
    c.diag.error(ptr, "file " + shown + " is not read in this mode", "inline \"body\" or \"text\"");
    return std::nullopt;
  }
  const fs::path rel(relative);
  if (rel.is_absolute()) {
    c.diag.error(ptr, shown + " is an absolute path; a scenario may only read files in its own folder", expected);
    return std::nullopt;
  }
  std::error_code ec;
  const fs::path folder = fs::canonical(c.base.empty() ? fs::path(".") : c.base, ec);
  if (ec) {
    c.diag.error(ptr, "cannot resolve the scenario's folder to read " + shown + ": " + ec.message());
    return std::nullopt;
  }
  if (!inside(folder, (folder / rel).lexically_normal())) {
    c.diag.error(ptr, shown + " leaves the scenario's folder", expected);
    return std::nullopt;
  }
  const fs::path full = fs::canonical(folder / rel, ec);
  if (ec) {
    c.diag.error(ptr, "file " + shown + " not found in " + folder.string(), expected);
    return std::nullopt;
  }
  if (!inside(folder, full)) {
    c.diag.error(ptr, shown + " is a symbolic link to " + full.string() + ", outside the scenario's folder", expected);
    return std::nullopt;
  }
  // Opened without blocking (a FIFO would wait for a writer for ever), then checked on the
  // descriptor itself, so what is read is what was checked.
  const int fd = ::open(full.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    c.diag.error(ptr, "cannot open " + shown + ": " + std::strerror(errno));
    return std::nullopt;
  }
  struct stat st {};
  std::optional<std::string> out;
  const std::uint64_t limit = c.options.max_attached_file;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    c.diag.error(ptr, shown + " is not a regular file (a folder, device or pipe)", expected);
  } else if (static_cast<std::uint64_t>(st.st_size) > limit) {
    c.diag.error(ptr, shown + " is " + size_text(static_cast<std::uint64_t>(st.st_size)) + ", larger than the limit of " +
                          size_text(limit),
                 "a smaller file (or raise the limit with --max-file-size)");
  } else {
    std::string data;
    char buf[65536];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0 && data.size() <= limit) data.append(buf, static_cast<std::size_t>(n));
    if (n < 0) c.diag.error(ptr, "cannot read " + shown + ": " + std::strerror(errno));
    else if (data.size() > limit) c.diag.error(ptr, shown + " grew past the size limit while being read");
    else out = std::move(data);
  }
  ::close(fd);
  return out;
}

}  // namespace mailsim::app::detail
