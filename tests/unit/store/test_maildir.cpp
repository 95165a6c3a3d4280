// The Maildir export is checked by an independent reader: Python's mailbox module.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "agents/store/maildir.hpp"
#include "agents/store/mailbox_store.hpp"

using namespace mailsim::store;
namespace fs = std::filesystem;

namespace {

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string message(int i) {
  return "From: alice@example.org\r\nTo: bob@example.com\r\nSubject: Test " + std::to_string(i) +
         "\r\nMessage-ID: <" + std::to_string(i) + "@example.org>\r\n\r\nBody " + std::to_string(i) +
         "\r\n";
}

// The same message as a Maildir file holds it: LF line ends.
std::string on_disk(int i) {
  std::string s = message(i), out;
  for (std::size_t k = 0; k < s.size(); ++k)
    if (!(s[k] == '\r' && k + 1 < s.size() && s[k + 1] == '\n')) out += s[k];
  return out;
}

// Prints, per message in key order: subdir, flags, Subject and the size Python read.
const char* kReader = R"py(
import mailbox, sys
md = mailbox.Maildir(sys.argv[1], factory=None, create=False)
keys = sorted(md.keys())
print(len(keys))
for k in keys:
    m = md[k]
    print(k, m.get_subdir(), m.get_flags() or '-', m['Subject'], len(md.get_bytes(k)), sep='|')
)py";

}  // namespace

TEST_CASE("maildir export writes LF line ends and is readable by Python", "[store][maildir]") {
  const fs::path dir = fs::temp_directory_path() / ("mailsim-maildir-" + std::to_string(::getpid()));
  fs::remove_all(dir);

  // Server mail straight from the store, unread.
  MailboxStore store;
  for (int i = 1; i <= 3; ++i) store.add("bob@example.com", message(i), 1795687200000000 + i);
  std::vector<std::pair<std::string, std::string>> unread;
  for (const auto& m : store.list("bob@example.com"))
    unread.emplace_back(maildir_name(m.stored_us, m.id, "mail.example.com"), m.content);
  REQUIRE(unread[0].first == "1795687200.M1P1.mail.example.com");
  export_maildir(dir / "server", unread);
  for (const char* sub : {"tmp", "new", "cur"}) REQUIRE(fs::is_directory(dir / "server" / sub));
  REQUIRE(fs::is_empty(dir / "server" / "tmp"));
  REQUIRE(read_all(dir / "server" / "new" / unread[1].first) == on_disk(2));

  // The MUA's copies, read: cur/ with the S flag. Re-export moves a name, never copies it.
  export_maildir(dir / "mua", {{"a1", message(7)}, {"a2", message(8)}}, MaildirState::Seen);
  export_maildir(dir / "mua", {{"a3", message(9)}});
  export_maildir(dir / "mua", {{"a3", message(9)}}, MaildirState::Seen);
  REQUIRE(read_all(dir / "mua" / "cur" / "a1:2,S") == on_disk(7));
  REQUIRE(fs::is_empty(dir / "mua" / "new"));

  if (!fs::exists("/usr/bin/python3")) {
    WARN("python3 not installed: Maildir written but not read back");
  } else {
    const fs::path script = dir / "read.py", out = dir / "out.txt";
    std::ofstream(script) << kReader;
    auto run = [&](const fs::path& md) {
      const std::string cmd = "/usr/bin/python3 '" + script.string() + "' '" + md.string() + "' > '" +
                              out.string() + "' 2>&1";
      REQUIRE(std::system(cmd.c_str()) == 0);
      return read_all(out);
    };
    const std::string size = std::to_string(on_disk(1).size());
    REQUIRE(run(dir / "server") == "3\n" +
                                       unread[0].first + "|new|-|Test 1|" + size + "\n" +
                                       unread[1].first + "|new|-|Test 2|" + size + "\n" +
                                       unread[2].first + "|new|-|Test 3|" + size + "\n");
    REQUIRE(run(dir / "mua") == "3\n"
                                "a1|cur|S|Test 7|" + size + "\n"
                                "a2|cur|S|Test 8|" + size + "\n"
                                "a3|cur|S|Test 9|" + size + "\n");
  }
  fs::remove_all(dir);
}

TEST_CASE("maildir refuses names that would break it", "[store][maildir]") {
  const fs::path dir = fs::temp_directory_path() / ("mailsim-maildir-bad-" + std::to_string(::getpid()));
  for (const std::string& bad : {std::string(), std::string(".hidden"), std::string("a/b"),
                                 std::string("a:2,S"), std::string("a\0b", 3), std::string(300, 'n')})
    REQUIRE_THROWS_AS(export_maildir(dir, {{bad, "x"}}), std::invalid_argument);
  REQUIRE_THROWS_AS(export_maildir(dir, {{"same", "x"}, {"same", "y"}}), std::invalid_argument);
  REQUIRE_FALSE(fs::exists(dir));  // validated before anything is written
  REQUIRE(maildir_name(-1, 2, "a/b:c") == "-1.M999999P2.a\\057b\\072c");
}

TEST_CASE("maildir files use LF; a lone CR is content and stays", "[store][maildir]") {
  const fs::path dir = fs::temp_directory_path() / ("mailsim-maildir-lf-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  export_maildir(dir, {{"m", std::string("Subject: a\r\n\r\nx\ry\r\n\r\nz\r\r\n")}});
  REQUIRE(read_all(dir / "new" / "m") == "Subject: a\n\nx\ry\n\nz\r\n");
  fs::remove_all(dir);
}
