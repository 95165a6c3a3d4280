#include "agents/store/sqlite.hpp"

#include <sqlite3.h>

#include <stdexcept>

namespace mailsim::store::sqlite {

void Db::Close::operator()(sqlite3* db) const { sqlite3_close_v2(db); }
void Stmt::Finalize::operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
void Db::Finalize::operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }

namespace {
// mailsim runs on one thread (it is a discrete-event simulation): SQLite's mutexes, and the
// memory statistics that take one around each of its allocations, protect nothing here.
// Set before SQLite initialises; a no-op (SQLITE_MISUSE) if something initialised it first.
void configure_sqlite_once() {
  [[maybe_unused]] static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
}
}  // namespace

Db::Db(const std::string& path, std::string label) : label_(std::move(label)) {
  configure_sqlite_once();
  sqlite3* raw = nullptr;
  // NOMUTEX: a store belongs to one simulation, used by one thread at a time.
  const int rc = sqlite3_open_v2(path.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  db_.reset(raw);  // even a failed open allocates a handle that must be closed
  if (rc != SQLITE_OK) {
    if (!raw) throw std::runtime_error(label_ + ": cannot open: out of memory");
    fail("cannot open");
  }
  sqlite3_extended_result_codes(raw, 1);
}

void Db::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_.get(), sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db_.get());
    sqlite3_free(err);
    throw std::runtime_error(label_ + ": " + sql + ": " + msg);
  }
}

void Db::run(Cached& stmt, const char* sql) {
  if (!stmt) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v3(db_.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr) != SQLITE_OK)
      fail(std::string("prepare '") + sql + "'");
    stmt.reset(raw);
  }
  const int rc = sqlite3_step(stmt.get());
  sqlite3_reset(stmt.get());
  if (rc != SQLITE_DONE) fail(sql);
}

void Db::begin() { run(begin_, "BEGIN IMMEDIATE"); }
void Db::commit() { run(commit_, "COMMIT"); }

std::int64_t Db::last_insert_id() const { return sqlite3_last_insert_rowid(db_.get()); }

void Db::fail(std::string_view what) const {
  throw std::runtime_error(label_ + ": " + std::string(what) + ": " + sqlite3_errmsg(db_.get()));
}

Stmt::Stmt(const Db& db, const char* sql) : db_(&db) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v3(db.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr) != SQLITE_OK)
    db.fail(std::string("prepare '") + sql + "'");
  stmt_.reset(raw);
}

Stmt& Stmt::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_.get(), index, value) != SQLITE_OK) db_->fail("bind");
  return *this;
}

Stmt& Stmt::bind_text(int index, std::string_view value) {
  // SQLITE_STATIC: the caller's bytes outlive the step() that follows.
  if (sqlite3_bind_text64(stmt_.get(), index, value.empty() ? "" : value.data(), value.size(),
                          SQLITE_STATIC, SQLITE_UTF8) != SQLITE_OK)
    db_->fail("bind");
  return *this;
}

Stmt& Stmt::bind_blob(int index, std::string_view value) {
  // A null pointer would bind NULL rather than an empty blob, hence "".
  if (sqlite3_bind_blob64(stmt_.get(), index, value.empty() ? "" : value.data(), value.size(),
                          SQLITE_STATIC) != SQLITE_OK)
    db_->fail("bind");
  return *this;
}

bool Stmt::step() {
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_->fail(std::string("step '") + sqlite3_sql(stmt_.get()) + "'");
}

std::int64_t Stmt::int64(int column) const { return sqlite3_column_int64(stmt_.get(), column); }

std::string Stmt::bytes(int column) const {
  // Fetch the pointer before the size, as the SQLite documentation requires.
  const void* p = sqlite3_column_blob(stmt_.get(), column);
  const int n = sqlite3_column_bytes(stmt_.get(), column);
  return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}

void Stmt::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

Transaction::~Transaction() {
  if (!done_) sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);  // must not throw
}

void Transaction::commit() {
  db_.commit();
  done_ = true;
}

}  // namespace mailsim::store::sqlite
