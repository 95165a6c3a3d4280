// Section parser: /messages (what the users' mail programs compose and submit).
#include <set>

#include "cli/lib/scenario_sections.hpp"

namespace mailsim::app::detail {

namespace {

void parse_attachments(LoadContext& c, const json& mj, const std::string& p, mime::Draft& draft) {
  const json* atts = member(mj, "attachments");
  if (!atts || !atts->is_array()) return;
  for (std::size_t k = 0; k < atts->size(); ++k) {
    const json& aj = (*atts)[k];
    const std::string ap = index_ptr(p + "/attachments", k);
    if (c.diag.has_error_at(ap)) continue;
    mime::Attachment a;
    if (aj.is_string()) {
      const std::string f = aj.get<std::string>();
      a.filename = std::filesystem::path(f).filename().string();
      if (auto data = read_confined_file(c, f, ap)) a.data = std::move(*data);
      else continue;
    } else if (aj.is_object()) {
      const auto file = text(aj, "file"), inline_text = text(aj, "text");
      if (file && inline_text) {
        c.diag.error(ap + "/text", "an attachment has either \"file\" or \"text\", not both", "one of them");
        continue;
      }
      if (!file && !inline_text) {
        c.diag.error(ap + "/file", "missing: an attachment needs \"file\" (a path) or \"text\" (its content)",
                     "\"file\": \"files/report.pdf\"");
        continue;
      }
      if (file) {
        a.filename = std::filesystem::path(*file).filename().string();
        if (auto data = read_confined_file(c, *file, ap + "/file")) a.data = std::move(*data);
        else continue;
      } else {
        a.data = *inline_text;
        if (!member(aj, "name")) {
          c.diag.error(ap + "/name", "missing: an attachment given as text needs a file name", "\"name\": \"notes.txt\"");
          continue;
        }
      }
      a.filename = text(aj, "name").value_or(a.filename);
      a.content_type = text(aj, "type").value_or("");
    } else {
      continue;
    }
    if (a.filename.empty() && a.content_type.empty()) {
      c.diag.error(ap, "an attachment needs a file name or a \"type\"", "\"name\": \"report.pdf\"");
      continue;
    }
    draft.attachments.push_back(std::move(a));
  }
}

}  // namespace

void parse_messages(const json& root, LoadContext& c) {
  const json* msgs = member(root, "messages");
  if (!msgs || !msgs->is_array()) return;
  std::map<std::string, std::string> ids;  // id -> where
  for (std::size_t i = 0; i < msgs->size(); ++i) {
    const json& mj = (*msgs)[i];
    const std::string p = index_ptr("/messages", i);
    MessageDef m;
    m.id = text(mj, "id").value_or("m" + std::to_string(i + 1));
    const auto [it, fresh] = ids.emplace(m.id, p);
    if (!fresh) {
      c.diag.error(member(mj, "id") ? p + "/id" : p,
                   "message id " + quote_text(m.id) + " is already used at " + it->second +
                       (member(mj, "id") ? "" : " (ids default to m1, m2, … by position)"),
                   "a unique id");
      continue;
    }
    if (const auto at = duration(c, mj, "at", p, 0)) m.at = *at;
    bool ok = true;
    const auto from = text(mj, "from");
    if (from && !c.diag.has_error_at(p + "/from")) {
      m.draft.from = lower(*from);
      const auto u = c.user_index.find(m.draft.from);
      if (u == c.user_index.end() && c.broken_users) {
        ok = false;
      } else if (u == c.user_index.end()) {
        std::vector<std::string> addresses;
        for (const auto& user : c.s.users) addresses.push_back(user.address);
        c.diag.error(p + "/from", quote_text(m.draft.from) + " is not a user in /users", "the address of a user with a host",
                     did_you_mean(m.draft.from, addresses).value_or(""));
        ok = false;
      } else if (c.s.users[u->second].host.empty() && c.broken_hosts) {
        ok = false;
      } else if (c.s.users[u->second].host.empty()) {
        c.diag.error(p + "/from", "user " + quote_text(m.draft.from) + " has no host to run a mail program on",
                     "a \"host\" for " + m.draft.from + " in /users");
        ok = false;
      } else {
        m.draft.from_name = c.s.users[u->second].display_name;
      }
    } else {
      ok = false;
    }
    for (const auto& [a, ap] : texts(mj, "to", p)) {
      ok = ascii_address(c, a, ap) && ok;
      m.draft.to.push_back(lower(a));
    }
    for (const auto& [a, ap] : texts(mj, "cc", p)) {
      ok = ascii_address(c, a, ap) && ok;
      m.draft.cc.push_back(lower(a));
    }
    m.draft.subject = text(mj, "subject").value_or("");
    m.draft.body = text(mj, "body").value_or("");
    if (const auto bf = text(mj, "body_file")) {
      if (member(mj, "body")) {
        c.diag.error(p + "/body_file", "a message has either \"body\" or \"body_file\", not both", "one of them");
        ok = false;
      } else if (auto data = read_confined_file(c, *bf, p + "/body_file")) {
        m.draft.body = std::move(*data);
      } else {
        ok = false;
      }
    }
    parse_attachments(c, mj, p, m.draft);
    if (ok && !m.draft.to.empty()) c.s.messages.push_back(std::move(m));
  }
}

}  // namespace mailsim::app::detail
