#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>

#include "agents/mime/compose.hpp"
#include "agents/mime/message.hpp"
#include "helpers.hpp"

using namespace mailsim::mime;
using mime_test::basic_draft;
using mime_test::crlf_lines_within;

TEST_CASE("compose plain ASCII message", "[compose]") {
  const std::string m = compose(basic_draft());
  CHECK(m ==
        "Date: Thu, 26 Nov 2026 10:00:00 +0000\r\n"
        "From: \"Alice Example\" <alice@example.org>\r\n"
        "To: bob@example.com\r\n"
        "Subject: Hello\r\n"
        "Message-ID: <20261126100000.1@example.org>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=us-ascii\r\n"
        "Content-Transfer-Encoding: 7bit\r\n"
        "\r\n"
        "Hi Bob,\r\nsee you.\r\n");
  const Message p = parse(m);
  CHECK(p.header("subject") == "Hello");
  CHECK(p.root.content_type == "text/plain");
  CHECK(p.root.charset == "us-ascii");
  CHECK(text_body(p) == "Hi Bob,\r\nsee you.\r\n");
}

TEST_CASE("text entity: line endings made CRLF, 7bit only when RFC 2045 allows it", "[compose]") {
  const std::string seven = "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n";
  CHECK(text_entity("a\nb\r\nc") == seven + "a\r\nb\r\nc\r\n");
  CHECK(text_entity("") == seven);
  CHECK(text_entity(std::string(998, 'x') + "\n") == seven + std::string(998, 'x') + "\r\n");
  // A lone CR, a NUL, an 8-bit octet, a line of 999, a last line ending in CR: not 7bit.
  for (const std::string& body : {std::string("a\rb\n"), std::string("a\0b\n", 4), std::string("caf\xC3\xA9\n"),
                                 std::string(999, 'x') + "\n", std::string("ab\r")})
    CHECK(text_entity(body).find("Content-Transfer-Encoding: quoted-printable\r\n") != std::string::npos);
}

TEST_CASE("UTF-8 body goes quoted-printable and round trips byte for byte", "[compose]") {
  auto d = basic_draft();
  d.body =
      "Gr\xC3\xBC\xC3\x9F"
      "e aus K\xC3\xB6ln = \xE2\x82\xAC 5\r\n" +
      std::string(300, 'x') + "\r\ntrailing space \r\n.dot line\r\n\xF0\x9F\x98\x80 emoji\r\n";
  const std::string m = compose(d);
  CHECK(m.find("Content-Type: text/plain; charset=utf-8\r\n") != std::string::npos);
  CHECK(m.find("Content-Transfer-Encoding: quoted-printable\r\n") != std::string::npos);
  CHECK(crlf_lines_within(m, 76));
  const Message p = parse(m);
  CHECK(p.root.transfer_encoding == "quoted-printable");
  CHECK(text_body(p) == d.body);

  // ASCII with a line over 998 characters must not go out as 7bit either.
  d.body = std::string(1200, 'a') + "\r\n";
  const std::string m2 = compose(d);
  CHECK(m2.find("quoted-printable") != std::string::npos);
  CHECK(text_body(parse(m2)) == d.body);

  // An empty body stays empty; bare LF line ends are canonicalised; a missing final line break is added.
  d.body = "";
  CHECK(compose(d).ends_with("7bit\r\n\r\n"));
  d.body = "one\ntwo";
  CHECK(text_body(parse(compose(d))) == "one\r\ntwo\r\n");
}

TEST_CASE("UTF-8 subject and display name use RFC 2047 and round trip", "[compose][rfc2047]") {
  auto d = basic_draft();
  d.from_name = "J\xC3\xBCrgen M\xC3\xBCller";
  d.subject = "Caf\xC3\xA9 \xE2\x98\x95";
  Message p = parse(compose(d));
  CHECK(p.header("Subject")->starts_with("=?utf-8?B?"));
  CHECK(decode_header_value(*p.header("Subject")) == d.subject);
  CHECK(decode_header_value(*p.header("From")) == d.from_name + " <alice@example.org>");

  // Long enough to need several encoded-words, with multi-byte characters everywhere.
  d.subject.clear();
  for (int i = 0; i < 40; ++i) d.subject += "\xE6\x97\xA5\xE6\x9C\xAC \xC3\xA9t\xC3\xA9 ";
  d.subject += "end";
  const std::string m = compose(d);
  CHECK(crlf_lines_within(m, 78));
  p = parse(m);
  const std::string raw = *p.header("Subject");
  std::size_t words = 0;
  for (std::size_t pos = 0; (pos = raw.find("=?utf-8?B?", pos)) != std::string::npos; ++words) {
    const std::size_t end = raw.find("?=", pos + 10);
    REQUIRE(end != std::string::npos);
    CHECK(end + 2 - pos <= 75);
    pos = end;
  }
  CHECK(words > 3);
  CHECK(decode_header_value(raw) == d.subject);
}

TEST_CASE("50 KB binary attachment round trips bit-exact", "[compose][attachment]") {
  auto d = basic_draft();
  const std::string data = mime_test::random_bytes(50 * 1024, 42);
  d.attachments.push_back({"random.bin", "", data});
  const std::string m = compose(d);
  CHECK(crlf_lines_within(m, 998));
  const Message p = parse(m);
  CHECK(p.root.content_type == "multipart/mixed");
  REQUIRE(p.root.children.size() == 2);
  CHECK(text_body(p) == "Hi Bob,\r\nsee you.\r\n");
  const auto atts = attachments(p);
  REQUIRE(atts.size() == 1);
  CHECK(atts[0]->filename == "random.bin");
  CHECK(atts[0]->content_type == "application/octet-stream");
  CHECK(atts[0]->disposition == "attachment");
  CHECK(atts[0]->transfer_encoding == "base64");
  CHECK(atts[0]->body.size() == data.size());
  CHECK(atts[0]->body == data);
  // base64 lines are 76 characters
  CHECK(m.find(std::string(76, ' ')) == std::string::npos);
}

TEST_CASE("multiple attachments get guessed types", "[compose][attachment]") {
  auto d = basic_draft();
  d.attachments = {
      {"report.PDF", "", "%PDF-1.4 fake"},
      {"photo.jpeg", "", std::string("\xFF\xD8\xFF\xE0", 4)},
      {"data.csv", "", "a,b\r\n1,2\r\n"},
      {"sheet.xlsx", "", "PK"},
      {"empty.txt", "", ""},
      {"custom.dat", "application/x-custom", "xyz"},
      {"R\xC3\xA9sum\xC3\xA9 f\xC3\xBCr Bj\xC3\xB6rn mit einem sehr langen Dateinamen.docx", "", "docx"}};
  const std::string m = compose(d);
  CHECK(crlf_lines_within(m, 998));
  CHECK(m.find("filename*") != std::string::npos);  // RFC 2231 for the non-ASCII name
  const Message parsed = parse(m);                  // attachments() points into it
  const auto atts = attachments(parsed);
  REQUIRE(atts.size() == d.attachments.size());
  const char* types[] = {"application/pdf",
                         "image/jpeg",
                         "text/csv",
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         "text/plain",
                         "application/x-custom",
                         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"};
  for (std::size_t i = 0; i < atts.size(); ++i) {
    INFO(i);
    CHECK(atts[i]->content_type == types[i]);
    CHECK(atts[i]->filename == d.attachments[i].filename);
    CHECK(atts[i]->body == d.attachments[i].data);
  }
  CHECK(guess_content_type("a.png") == "image/png");
  CHECK(guess_content_type("a.GIF") == "image/gif");
  CHECK(guess_content_type("index.html") == "text/html");
  CHECK(guess_content_type("a.zip") == "application/zip");
  CHECK(guess_content_type("a.doc") == "application/msword");
  CHECK(guess_content_type("a.xls") == "application/vnd.ms-excel");
  CHECK(guess_content_type("a.json") == "application/json");
  CHECK(guess_content_type("a.mp3") == "audio/mpeg");
  CHECK(guess_content_type("a.wav") == "audio/wav");
  CHECK(guess_content_type("a.mp4") == "video/mp4");
  CHECK(guess_content_type("noext") == "application/octet-stream");
  CHECK(guess_content_type("a.weird") == "application/octet-stream");
}

TEST_CASE("boundary never appears inside a part", "[compose][boundary]") {
  auto d = basic_draft();
  d.attachments.push_back({"a.txt", "", "x"});
  const std::string first = compose(d);
  const std::string boundary = parse(first).root.children.empty() ? "" : [&] {
    const auto ct = *parse(first).header("Content-Type");
    const auto q = ct.find('"');
    return ct.substr(q + 1, ct.rfind('"') - q - 1);
  }();
  REQUIRE(!boundary.empty());
  CHECK(compose(d) == first);  // deterministic

  // Put that very boundary into the text: the composer must pick another one.
  d.body = "--" + boundary + "\n" + boundary + "--\n";
  const std::string m = compose(d);
  const Message p = parse(m);
  const auto ct = *p.header("Content-Type");
  const std::string b2 = ct.substr(ct.find('"') + 1, ct.rfind('"') - ct.find('"') - 1);
  CHECK(b2 != boundary);
  CHECK(text_body(p) == "--" + boundary + "\r\n" + boundary + "--\r\n");
  // The boundary occurs only on delimiter lines.
  std::size_t count = 0;
  for (std::size_t pos = 0; (pos = m.find(b2, pos)) != std::string::npos; pos += b2.size()) ++count;
  CHECK(count == 1 + 3);  // Content-Type + two delimiters + close delimiter
}

TEST_CASE("every composed line is CRLF-terminated and at most 998 characters", "[compose]") {
  auto d = basic_draft();
  d.subject = std::string(2000, 'S');  // one unbreakable word
  d.body = std::string(5000, 'b') + "\n" + std::string(10, 'c');
  d.extra_headers = {{"X-Note", std::string(1500, 'n')}, {"Reply-To", "alice@example.org"}};
  d.attachments.push_back({std::string(300, 'f') + ".txt", "", std::string(4000, 'z')});
  const std::string m = compose(d);
  CHECK(crlf_lines_within(m, 998));
  const Message p = parse(m);
  CHECK(decode_header_value(*p.header("Subject")) == d.subject);
  CHECK(p.header("Reply-To") == "alice@example.org");
  CHECK(attachments(p).at(0)->filename == d.attachments[0].filename);
}

TEST_CASE("a long To list is folded at whitespace", "[compose][fold]") {
  auto d = basic_draft();
  d.to.clear();
  for (int i = 0; i < 25; ++i) d.to.push_back("recipient" + std::to_string(i) + "@example.com");
  d.cc = {"carol@example.net", "dave@example.net"};
  const std::string m = compose(d);
  CHECK(crlf_lines_within(m, 78));
  const std::size_t to = m.find("\r\nTo: ");
  REQUIRE(to != std::string::npos);
  CHECK(m.find("\r\n recipient", to) != std::string::npos);  // continuation lines start with space
  const Message p = parse(m);
  std::string expect;
  for (const auto& a : d.to) expect += (expect.empty() ? "" : ", ") + a;
  CHECK(p.header("To") == expect);  // unfolding gives the list back exactly
  CHECK(p.header("Cc") == "carol@example.net, dave@example.net");
}

TEST_CASE("bad composer input throws invalid_argument", "[compose]") {
  auto d = basic_draft();
  d.from = "";
  CHECK_THROWS_AS(compose(d), std::invalid_argument);
  d = basic_draft();
  d.to = {"bob@example.com\r\nBcc: eve@example.com"};
  CHECK_THROWS_AS(compose(d), std::invalid_argument);
  d = basic_draft();
  d.extra_headers = {{"Content-Type", "text/html"}};
  CHECK_THROWS_AS(compose(d), std::invalid_argument);
  d = basic_draft();
  d.extra_headers = {{"Bad Name", "x"}};
  CHECK_THROWS_AS(compose(d), std::invalid_argument);
  d = basic_draft();
  d.message_id = "has space@x";
  CHECK_THROWS_AS(compose(d), std::invalid_argument);
  d = basic_draft();
  d.attachments.push_back({"a.bin", "not-a-type", "x"});
  CHECK_THROWS_AS(compose(d), std::invalid_argument);
  // Missing Date and Message-ID are allowed: the submission server adds them (RFC 6409 §8).
  d = basic_draft();
  d.date.clear();
  d.message_id.clear();
  const Message p = parse(compose(d));
  CHECK_FALSE(p.header("Date"));
  CHECK_FALSE(p.header("Message-ID"));
  // A control character in the subject is encoded, never emitted raw.
  d.subject = "line1\r\nBcc: eve@example.com";
  const std::string m = compose(d);
  CHECK(m.find("\r\nBcc:") == std::string::npos);
  CHECK(decode_header_value(*parse(m).header("Subject")) == d.subject);
}
