// One rule for "is this address ours, and whose mailbox is it" (MailServerConfig).
#include <catch2/catch.hpp>

#include "agents/mail_config.hpp"

using mailsim::agents::MailServerConfig;
using mailsim::agents::UserAccount;

namespace {
MailServerConfig config() {
  MailServerConfig c;
  c.host = "mail.example.com";
  c.domains = {"example.com", "example.net"};
  c.users = {UserAccount{"bob@example.com", "b", 0}, UserAccount{"dave@example.com", "d", 0},
             UserAccount{"carol@example.net", "c", 0}};
  return c;
}
}  // namespace

TEST_CASE("is_local: no domain, or one of the server's domains, in any case", "[config]") {
  const MailServerConfig c = config();
  CHECK(c.is_local("bob@example.com"));
  CHECK(c.is_local("x@EXAMPLE.NET"));
  CHECK(c.is_local("postmaster"));
  CHECK_FALSE(c.is_local("bob@example.org"));
}

TEST_CASE("find_user: by full address or local part, in any case", "[config]") {
  const MailServerConfig c = config();
  REQUIRE(c.find_user("Bob@Example.com"));
  CHECK(c.find_user("Bob@Example.com")->address == "bob@example.com");
  REQUIRE(c.find_user("carol"));
  CHECK(c.find_user("carol")->address == "carol@example.net");
  CHECK_FALSE(c.find_user("eve"));
}

TEST_CASE("mailbox_for: the user's own; postmaster@ and abuse@ reach the domain's first user", "[config]") {
  const MailServerConfig c = config();
  CHECK(c.mailbox_for("dave@example.com")->address == "dave@example.com");
  CHECK(c.mailbox_for("postmaster@example.com")->address == "bob@example.com");
  CHECK(c.mailbox_for("ABUSE@example.net")->address == "carol@example.net");
  CHECK(c.mailbox_for("postmaster")->address == "bob@example.com");  // RCPT TO:<Postmaster>
  CHECK_FALSE(c.mailbox_for("nobody@example.com"));
  CHECK_FALSE(c.mailbox_for("bob@example.org"));  // not ours
  CHECK_FALSE(c.mailbox_for("carol@example.com"));  // a local part of another domain
  MailServerConfig relay;
  relay.host = "relay.example.org";
  CHECK_FALSE(relay.mailbox_for("postmaster"));
}

TEST_CASE("find_user and mailbox_for answer as a scan in order would, and follow changes to the users",
          "[config]") {
  MailServerConfig c;
  c.domains = {"a.example", "b.example"};
  c.users = {{"ann@a.example", "1"}, {"ann@b.example", "2"}, {"bob@b.example", "3"}, {"b.example", "4"}};
  // A local part shared by two users names the first; the full address names each.
  CHECK(c.find_user("ANN")->password == "1");
  CHECK(c.find_user("Ann@B.Example")->password == "2");
  CHECK(c.mailbox_for("ann@B.EXAMPLE")->password == "2");
  CHECK(c.mailbox_for("bob@b.example")->password == "3");
  CHECK_FALSE(c.find_user("ann@c.example"));
  CHECK_FALSE(c.find_user(""));
  CHECK(c.mailbox_for(std::string(600, 'x') + "@a.example") == nullptr);  // longer than any address
  // Users added (or the vector moved) after a lookup are found: the index is built again.
  c.users.push_back({"carol@a.example", "5"});
  CHECK(c.find_user("carol")->password == "5");
  MailServerConfig copy = c;
  copy.users[0].password = "copied";
  CHECK(copy.find_user("ann")->password == "copied");  // the copy's own users, not c's
  CHECK(c.find_user("ann")->password == "1");
}
