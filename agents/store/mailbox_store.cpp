#include "agents/store/mailbox_store.hpp"

#include <optional>
#include <stdexcept>

#include "agents/store/sqlite.hpp"

namespace mailsim::store {
namespace {

constexpr std::int64_t kSchemaVersion = 1;

// Ids (and so uids) are unique over the store's life, as POP3 UIDL needs: AUTOINCREMENT
// sees to it in a file, which may outlive the process. A store in memory or in an anonymous
// file lives only as long as its process, so it counts ids itself (Impl::next_id) and spares
// every insert the read and write of sqlite_sequence (2 % of a mail flow's instructions).
// `size` is kept beside the content so that STAT and LIST never read message bodies.
constexpr const char* kSchema = R"sql(
  CREATE TABLE IF NOT EXISTS messages (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    mailbox   TEXT    NOT NULL,
    content   BLOB    NOT NULL,
    stored_us INTEGER NOT NULL,
    size      INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS messages_by_mailbox ON messages (mailbox, id);
  PRAGMA user_version = 1;
)sql";

constexpr const char* kPrivateSchema = R"sql(
  CREATE TABLE messages (
    id        INTEGER PRIMARY KEY,
    mailbox   TEXT    NOT NULL,
    content   BLOB    NOT NULL,
    stored_us INTEGER NOT NULL,
    size      INTEGER NOT NULL
  );
  CREATE INDEX messages_by_mailbox ON messages (mailbox, id);
  PRAGMA user_version = 1;
)sql";

// A database that nothing else can open and that goes with its process.
bool private_store(const std::string& path) { return path.empty() || path == ":memory:"; }

constexpr const char* kColumns = "SELECT id, mailbox, content, stored_us, size FROM messages ";

std::string uid(const StoredMessage& m) { return std::to_string(m.id) + "." + std::to_string(m.stored_us); }

StoredMessage read_row(const sqlite::Stmt& s) {
  StoredMessage m;
  m.id = s.int64(0);
  m.mailbox = s.bytes(1);
  m.content = s.bytes(2);
  m.stored_us = s.int64(3);
  m.size = static_cast<std::size_t>(s.int64(4));
  m.uid = uid(m);
  return m;
}

// Runs before the statements are prepared, which fail on a foreign schema.
sqlite::Db open(const std::string& path) {
  sqlite::Db db(path, "mailbox store '" + path + "'");
  // Durability buys nothing in a simulation; speed does.
  // 2 KiB pages (a new database only; a file keeps its own). A message is a row of a few
  // KiB: in 4 KiB pages a leaf held one row, so every insert and delete rebalanced the tree
  // and half of each page stayed empty. In 2 KiB pages the body spills to overflow pages and
  // a leaf holds many rows: 5.6 % fewer instructions in the mail flow and 15 % less memory.
  db.exec("PRAGMA page_size = 2048");
  db.exec("PRAGMA journal_mode = MEMORY");
  db.exec("PRAGMA synchronous = OFF");
  sqlite::Stmt version(db, "PRAGMA user_version");
  version.step();
  if (version.int64(0) > kSchemaVersion)
    throw std::runtime_error("mailbox store '" + path + "': schema version " +
                             std::to_string(version.int64(0)) + " is newer than this program");
  db.exec(private_store(path) ? kPrivateSchema : kSchema);
  return db;
}

}  // namespace

struct MailboxStore::Impl {
  explicit Impl(const std::string& path) : db(open(path)) {
    if (private_store(path)) next_id = 1;
  }

  sqlite::Db db;  // declared first: destroyed after the statements that use it
  std::optional<std::int64_t> next_id;  // a private store's next id; a file's are AUTOINCREMENT's
  // id is left NULL (unbound) in a file: AUTOINCREMENT chooses it.
  sqlite::Stmt insert{db, "INSERT INTO messages (id, mailbox, content, stored_us, size) VALUES (?, ?, ?, ?, ?)"};
  sqlite::Stmt by_mailbox{db, (std::string(kColumns) + "WHERE mailbox = ? ORDER BY id").c_str()};
  sqlite::Stmt by_id{db, (std::string(kColumns) + "WHERE id = ?").c_str()};
  sqlite::Stmt index{db, "SELECT id, stored_us, size FROM messages WHERE mailbox = ? ORDER BY id"};
  sqlite::Stmt content_of{db, "SELECT content FROM messages WHERE id = ?"};
  sqlite::Stmt erase{db, "DELETE FROM messages WHERE id = ?"};
  sqlite::Stmt stat{db, "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM messages WHERE mailbox = ?"};
  sqlite::Stmt names{db, "SELECT DISTINCT mailbox FROM messages ORDER BY mailbox"};

  std::pair<std::size_t, std::size_t> count_and_octets(std::string_view mailbox) {
    sqlite::Use use(stat);
    stat.bind_text(1, mailbox);
    stat.step();  // an aggregate always yields one row
    return {static_cast<std::size_t>(stat.int64(0)), static_cast<std::size_t>(stat.int64(1))};
  }
};

MailboxStore::MailboxStore(const std::string& path) : impl_(std::make_unique<Impl>(path)) {}
MailboxStore::~MailboxStore() = default;
MailboxStore::MailboxStore(MailboxStore&&) noexcept = default;
MailboxStore& MailboxStore::operator=(MailboxStore&&) noexcept = default;

std::int64_t MailboxStore::add(std::string_view mailbox, std::string_view content,
                               std::int64_t stored_us) {
  if (mailbox.empty()) throw std::invalid_argument("mailbox store: empty mailbox name");
  auto& s = impl_->insert;
  sqlite::Use use(s);
  if (impl_->next_id) s.bind(1, *impl_->next_id);
  s.bind_text(2, mailbox).bind_blob(3, content).bind(4, stored_us);
  s.bind(5, static_cast<std::int64_t>(content.size()));
  s.step();
  if (impl_->next_id) ++*impl_->next_id;  // only once the row is in: a failed insert uses no id
  return impl_->db.last_insert_id();
}

std::vector<std::int64_t> MailboxStore::add_all(std::string_view mailbox, const std::vector<std::string_view>& contents,
                                                std::int64_t stored_us) {
  std::vector<std::int64_t> ids;
  if (contents.empty()) return ids;
  if (mailbox.empty()) throw std::invalid_argument("mailbox store: empty mailbox name");
  ids.reserve(contents.size());
  sqlite::Transaction tx(impl_->db);
  for (std::string_view c : contents) ids.push_back(add(mailbox, c, stored_us));
  tx.commit();
  return ids;
}

std::vector<StoredMessage> MailboxStore::list(std::string_view mailbox) const {
  auto& s = impl_->by_mailbox;
  sqlite::Use use(s);
  s.bind_text(1, mailbox);
  std::vector<StoredMessage> out;
  while (s.step()) out.push_back(read_row(s));
  return out;
}

std::vector<StoredMessage> MailboxStore::index(std::string_view mailbox) const {
  auto& s = impl_->index;
  sqlite::Use use(s);
  s.bind_text(1, mailbox);
  std::vector<StoredMessage> out;
  while (s.step()) {
    StoredMessage& m = out.emplace_back();
    m.id = s.int64(0);
    m.stored_us = s.int64(1);
    m.size = static_cast<std::size_t>(s.int64(2));
    m.uid = uid(m);
  }
  return out;
}

std::optional<std::string> MailboxStore::content(std::int64_t id) const {
  auto& s = impl_->content_of;
  sqlite::Use use(s);
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return s.bytes(0);
}

std::optional<StoredMessage> MailboxStore::get(std::int64_t id) const {
  auto& s = impl_->by_id;
  sqlite::Use use(s);
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return read_row(s);
}

void MailboxStore::remove(const std::vector<std::int64_t>& ids) {
  if (ids.empty()) return;
  // One transaction: a POP3 UPDATE state deletes all marked messages or none of them.
  sqlite::Transaction tx(impl_->db);
  auto& s = impl_->erase;
  for (std::int64_t id : ids) {
    sqlite::Use use(s);
    s.bind(1, id);
    s.step();
  }
  tx.commit();
}

std::size_t MailboxStore::count(std::string_view mailbox) const {
  return impl_->count_and_octets(mailbox).first;
}

std::size_t MailboxStore::octets(std::string_view mailbox) const {
  return impl_->count_and_octets(mailbox).second;
}

std::vector<std::string> MailboxStore::mailboxes() const {
  auto& s = impl_->names;
  sqlite::Use use(s);
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.bytes(0));
  return out;
}

}  // namespace mailsim::store
