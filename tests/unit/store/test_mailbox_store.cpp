#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "agents/store/mailbox_store.hpp"

using namespace mailsim::store;
namespace fs = std::filesystem;

namespace {

const std::string kMsg1 = "From: alice@example.org\r\nSubject: one\r\n\r\nHello Bob\r\n";
const std::string kMsg2 = "From: carol@example.net\r\nSubject: two\r\n\r\nHi\r\n";

fs::path temp_dir(const char* tag) {
  const fs::path dir = fs::temp_directory_path() /
                       ("mailsim-store-" + std::string(tag) + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("add, list, get, count, octets, remove", "[store]") {
  MailboxStore s;
  REQUIRE(s.count("bob@example.com") == 0);
  REQUIRE(s.octets("bob@example.com") == 0);
  REQUIRE(s.list("bob@example.com").empty());
  REQUIRE(s.mailboxes().empty());

  const auto a = s.add("bob@example.com", kMsg1, 1000);
  const auto b = s.add("bob@example.com", kMsg2, 2500);
  REQUIRE(b > a);
  REQUIRE(s.count("bob@example.com") == 2);
  REQUIRE(s.octets("bob@example.com") == kMsg1.size() + kMsg2.size());

  const auto list = s.list("bob@example.com");
  REQUIRE(list.size() == 2);
  REQUIRE(list[0].id == a);
  REQUIRE(list[0].mailbox == "bob@example.com");
  REQUIRE(list[0].content == kMsg1);
  REQUIRE(list[0].size == kMsg1.size());
  REQUIRE(list[0].stored_us == 1000);
  REQUIRE(list[0].uid == std::to_string(a) + ".1000");
  REQUIRE(list[1].content == kMsg2);

  const auto got = s.get(b);
  REQUIRE(got);
  REQUIRE(*got == list[1]);
  REQUIRE_FALSE(s.get(b + 100));

  // The index is the list without bodies (what POP3 reads at PASS); content() one body.
  const auto index = s.index("bob@example.com");
  REQUIRE(index.size() == 2);
  REQUIRE(index[1].id == b);
  REQUIRE(index[1].uid == list[1].uid);
  REQUIRE(index[1].size == kMsg2.size());
  REQUIRE(index[1].stored_us == 2500);
  REQUIRE(index[1].content.empty());
  REQUIRE(s.content(a) == kMsg1);
  REQUIRE_FALSE(s.content(b + 100));

  // add_all: in order, ids as add() gives them, nothing for an empty list.
  REQUIRE(s.add_all("carol@example.com", {}, 3000).empty());
  const auto ids = s.add_all("carol@example.com", {kMsg2, kMsg1}, 3000);
  REQUIRE(ids.size() == 2);
  REQUIRE(ids[0] == b + 1);
  REQUIRE(ids[1] == b + 2);
  REQUIRE(s.content(ids[0]) == kMsg2);
  REQUIRE(s.list("carol@example.com")[1].content == kMsg1);
  REQUIRE_THROWS_AS(s.add_all("", {kMsg1}, 1), std::invalid_argument);
  s.remove(ids);

  s.remove({a, a, 424242});  // duplicates and unknown ids are harmless
  REQUIRE(s.count("bob@example.com") == 1);
  REQUIRE_FALSE(s.get(a));
  REQUIRE(s.list("bob@example.com")[0].id == b);
  s.remove({});
  s.remove({b});
  REQUIRE(s.mailboxes().empty());
  // Ids are never reused, so a POP3 UIDL seen before cannot come back for another message.
  REQUIRE(s.add("bob@example.com", kMsg1, 1000) > b);
}

TEST_CASE("content is stored byte for byte", "[store]") {
  MailboxStore s;
  const std::string binary("line\r\n\0\xff\x80 end\r\n.\r\n", 17);
  const auto id = s.add("x@example.com", binary, 0);
  REQUIRE(s.get(id)->content == binary);
  const auto empty = s.add("x@example.com", "", -5);
  REQUIRE(s.get(empty)->content.empty());
  REQUIRE(s.get(empty)->uid == std::to_string(empty) + ".-5");
  REQUIRE(s.octets("x@example.com") == binary.size());
  REQUIRE_THROWS_AS(s.add("", "x", 0), std::invalid_argument);
}

TEST_CASE("many mailboxes stay isolated", "[store]") {
  MailboxStore s;
  std::vector<std::string> names;
  for (int i = 0; i < 30; ++i) names.push_back("user" + std::to_string(i) + "@example.com");
  for (int round = 0; round < 5; ++round)
    for (int i = 0; i < 30; ++i)
      s.add(names[i], "msg " + std::to_string(round) + " for " + names[i], round * 100 + i);
  // Names are exact: no case folding inside the store.
  s.add("User0@example.com", "other", 0);

  auto sorted = names;
  sorted.push_back("User0@example.com");
  std::sort(sorted.begin(), sorted.end());
  REQUIRE(s.mailboxes() == sorted);
  for (int i = 0; i < 30; ++i) {
    const auto list = s.list(names[i]);
    REQUIRE(list.size() == 5);
    for (int round = 0; round < 5; ++round) {
      REQUIRE(list[round].mailbox == names[i]);
      REQUIRE(list[round].content == "msg " + std::to_string(round) + " for " + names[i]);
    }
  }
  // Removing one user's messages leaves the others untouched.
  std::vector<std::int64_t> ids;
  for (const auto& m : s.list(names[3])) ids.push_back(m.id);
  s.remove(ids);
  REQUIRE(s.count(names[3]) == 0);
  REQUIRE(s.count(names[4]) == 5);
  REQUIRE(s.count("User0@example.com") == 1);
  REQUIRE(s.mailboxes().size() == 30);
}

TEST_CASE("ten thousand adds", "[store][speed]") {
  MailboxStore s;
  const std::string body(600, 'x');
  std::int64_t last = 0;
  for (int i = 0; i < 10000; ++i) last = s.add("box" + std::to_string(i % 10) + "@example.com", body, i);
  REQUIRE(last > 0);
  REQUIRE(s.count("box7@example.com") == 1000);
  REQUIRE(s.octets("box7@example.com") == 1000 * body.size());
  REQUIRE(s.mailboxes().size() == 10);
}

TEST_CASE("a file-backed store survives reopening", "[store]") {
  const fs::path dir = temp_dir("db");
  const std::string file = (dir / "mail.example.com.db").string();
  std::int64_t id = 0;
  {
    MailboxStore s(file);
    id = s.add("bob@example.com", kMsg1, 42);
    s.add("bob@example.com", kMsg2, 43);
    s.remove({id});
  }
  {
    MailboxStore s(file);
    REQUIRE(s.count("bob@example.com") == 1);
    REQUIRE(s.list("bob@example.com")[0].content == kMsg2);
    REQUIRE(s.add("bob@example.com", kMsg1, 44) > id + 1);  // ids keep growing across opens
    // Moving keeps the connection and its cached statements working.
    MailboxStore moved(std::move(s));
    REQUIRE(moved.count("bob@example.com") == 2);
    MailboxStore other;
    other = std::move(moved);
    REQUIRE(other.mailboxes() == std::vector<std::string>{"bob@example.com"});
  }
  {  // the newest message removed, then the file reopened: its id still does not come back
    std::int64_t newest = 0;
    {
      MailboxStore s(file);
      newest = s.add("carol@example.com", kMsg1, 45);
      s.remove({newest});
    }
    MailboxStore s(file);
    REQUIRE(s.add("carol@example.com", kMsg2, 46) > newest);
  }
  fs::remove_all(dir);
}

TEST_CASE("opening failures give clear errors", "[store]") {
  const fs::path dir = temp_dir("bad");
  const std::string missing = (dir / "no" / "such" / "dir" / "x.db").string();
  try {
    MailboxStore s(missing);
    FAIL("opened a database in a directory that does not exist");
  } catch (const std::runtime_error& e) {
    REQUIRE_THAT(e.what(), Catch::Contains(missing) && Catch::Contains("unable to open"));
  }
  const fs::path junk = dir / "junk.db";
  std::ofstream(junk) << std::string(4096, 'j');
  try {
    MailboxStore s(junk.string());
    FAIL("opened a file that is not a database");
  } catch (const std::runtime_error& e) {
    REQUIRE_THAT(e.what(), Catch::Contains("junk.db") && Catch::Contains("not a database"));
  }
  fs::remove_all(dir);
}
