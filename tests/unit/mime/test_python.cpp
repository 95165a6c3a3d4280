// Python's email package (policy=default) as an independent judge of what we compose.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "agents/mime/compose.hpp"
#include "agents/mime/dsn.hpp"
#include "helpers.hpp"

using namespace mailsim::mime;
namespace fs = std::filesystem;

namespace {

constexpr const char* kPython = "/usr/bin/python3";

struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("mailsim_mime_py_" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  void write(const std::string& name, const std::string& bytes) const {
    std::ofstream(path / name, std::ios::binary) << bytes;
  }
};

// Runs `script` (no single quotes: it goes inside a shell '...') with the directory as argv[1].
int run_python(const char* script, const TempDir& dir) {
  const std::string cmd = std::string(kPython) + " -c '" + script + "' '" + dir.path.string() + "'";
  return std::system(cmd.c_str());
}

constexpr const char* kMessageCheck = R"PY(
import email, email.policy, os, sys
d = sys.argv[1]
rd = lambda n: open(os.path.join(d, n), "rb").read()
m = email.message_from_binary_file(open(os.path.join(d, "msg.eml"), "rb"), policy=email.policy.default)
errs = []
def check(ok, what):
    if not ok: errs.append(what)
for p in m.walk(): check(not p.defects, "defects in %s: %r" % (p.get_content_type(), p.defects))
check(str(m["subject"]) == rd("subject").decode(), "subject %r" % str(m["subject"]))
frm = m["from"].addresses[0]
check(frm.display_name == rd("from_name").decode(), "from name %r" % frm.display_name)
check(frm.addr_spec == rd("from").decode(), "from addr %r" % frm.addr_spec)
check([a.addr_spec for a in m["to"].addresses] == rd("to").decode().split(), "to")
check([a.addr_spec for a in m["cc"].addresses] == rd("cc").decode().split(), "cc")
check(str(m["date"]) == rd("date").decode() and m["date"].datetime is not None, "date")
check(str(m["message-id"]) == "<" + rd("message_id").decode() + ">", "message-id")
check(str(m["mime-version"]) == "1.0", "mime-version")
check(str(m["x-mailer"]) == "mailsim", "extra header")
body = m.get_body(preferencelist=("plain",))
got = body.get_content().replace("\r\n", "\n")
check(got == rd("body").decode().replace("\r\n", "\n"), "body %r" % got)
atts = list(m.iter_attachments())
n = int(rd("count"))
check(len(atts) == n, "attachment count %d" % len(atts))
for i, a in enumerate(atts[:n]):
    check(a.get_filename() == rd("name%d" % i).decode(), "filename %d: %r" % (i, a.get_filename()))
    check(a.get_content_type() == rd("type%d" % i).decode(), "type %d: %s" % (i, a.get_content_type()))
    check(a.get_payload(decode=True) == rd("data%d" % i), "data %d" % i)
if errs:
    print("python email check failed:", *errs, sep="\n  ")
    sys.exit(1)
)PY";

constexpr const char* kDsnCheck = R"PY(
import email, email.policy, os, sys
m = email.message_from_binary_file(open(os.path.join(sys.argv[1], "dsn.eml"), "rb"), policy=email.policy.default)
errs = []
def check(ok, what):
    if not ok: errs.append(what)
for p in m.walk(): check(not p.defects, "defects in %s: %r" % (p.get_content_type(), p.defects))
check(m.get_content_type() == "multipart/report", "type")
check(m.get_param("report-type") == "delivery-status", "report-type")
check(str(m["subject"]) == "Undelivered Mail Returned to Sender", "subject")
check(m["from"].addresses[0].display_name == "Mail Delivery System", "from")
parts = m.get_payload()
check([p.get_content_type() for p in parts] == ["text/plain", "message/delivery-status", "text/rfc822-headers"], "parts")
blocks = parts[1].get_payload()
check(str(blocks[0]["reporting-mta"]) == "dns; mail.example.org", "reporting-mta")
check(str(blocks[1]["final-recipient"]) == "rfc822; bob@example.com", "final-recipient")
check(str(blocks[1]["status"]) == "5.1.1", "status")
check(str(blocks[1]["diagnostic-code"]).startswith("smtp; 550 5.1.1"), "diagnostic")
check("550 5.1.1" in parts[0].get_content(), "human text")
if errs:
    print("python dsn check failed:", *errs, sep="\n  ")
    sys.exit(1)
)PY";

bool have_python() { return fs::exists(kPython); }

}  // namespace

TEST_CASE("Python email reads composed headers, UTF-8 subject, body and attachments identically",
          "[python]") {
  if (!have_python()) {
    WARN("/usr/bin/python3 not found: cross-check skipped");
    return;
  }
  Draft d = mime_test::basic_draft();
  d.from_name =
      "Zo\xC3\xAB \xE2\x80\x9C"
      "Z\xE2\x80\x9D Ng\xC3\xB4";
  d.to = {"bob@example.com", "dora@example.net"};
  d.cc = {"carol@example.com"};
  d.subject.clear();
  for (int i = 0; i < 6; ++i)
    d.subject += "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E caf\xC3\xA9 \xF0\x9F\x93\xA7 ";
  d.subject += "fin";
  d.body =
      "Gr\xC3\xBC\xC3\x9F"
      "e,\nthis = that\n" +
      std::string(120, 'w') + " end \n.\nlast line";
  d.extra_headers = {{"X-Mailer", "mailsim"}};
  d.attachments = {{"random.bin", "", mime_test::random_bytes(50 * 1024, 5)},
                   {"\xC3\xBC"
                    "bersicht f\xC3\xBCr 2026.pdf",
                    "", "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n"},
                   {"notes.txt", "", "line1\r\nline2\r\n"},
                   {"A rather long plain ASCII file name that needs continuations, v2 (final).txt", "", "x"},
                   {"empty.csv", "", ""}};
  TempDir dir;
  dir.write("msg.eml", compose(d));
  dir.write("subject", d.subject);
  dir.write("from_name", d.from_name);
  dir.write("from", d.from);
  dir.write("to", d.to[0] + " " + d.to[1]);
  dir.write("cc", d.cc[0]);
  dir.write("date", d.date);
  dir.write("message_id", d.message_id);
  dir.write("body", d.body + "\n");  // compose ends the text with a line break
  dir.write("count", std::to_string(d.attachments.size()));
  for (std::size_t i = 0; i < d.attachments.size(); ++i) {
    dir.write("name" + std::to_string(i), d.attachments[i].filename);
    dir.write("type" + std::to_string(i), guess_content_type(d.attachments[i].filename));
    dir.write("data" + std::to_string(i), d.attachments[i].data);
  }
  CHECK(run_python(kMessageCheck, dir) == 0);
}

TEST_CASE("Python email reads our DSN as a delivery report", "[python][dsn]") {
  if (!have_python()) {
    WARN("/usr/bin/python3 not found: cross-check skipped");
    return;
  }
  DsnInfo i;
  i.reporting_mta = "mail.example.org";
  i.original_sender = "alice@example.org";
  i.date = "Thu, 26 Nov 2026 10:00:00 +0000";
  i.message_id = "dsn.2@mail.example.org";
  i.recipients = {{"bob@example.com", "failed", "5.1.1", "mx.example.com",
                   "smtp; 550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown"}};
  i.original_message = compose(mime_test::basic_draft());
  TempDir dir;
  dir.write("dsn.eml", compose_dsn(i));
  CHECK(run_python(kDsnCheck, dir) == 0);
}
