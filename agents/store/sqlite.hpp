#pragma once
// Minimal RAII over the SQLite C API for the store: a connection and cached prepared
// statements, both move-only. Every failing call throws std::runtime_error naming the
// operation and SQLite's own message.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace mailsim::store::sqlite {

class Db {
 public:
  Db(const std::string& path, std::string label);  // label prefixes error messages
  sqlite3* get() const { return db_.get(); }
  void exec(const char* sql);                        // statements without parameters
  std::int64_t last_insert_id() const;
  [[noreturn]] void fail(std::string_view what) const;
  // BEGIN IMMEDIATE and COMMIT, each prepared once: sqlite3_exec would parse them again for
  // every transaction (one a delivery and one a POP3 update).
  void begin();
  void commit();

 private:
  struct Close { void operator()(sqlite3* db) const; };
  struct Finalize { void operator()(sqlite3_stmt* s) const; };
  using Cached = std::unique_ptr<sqlite3_stmt, Finalize>;
  void run(Cached& stmt, const char* sql);
  std::unique_ptr<sqlite3, Close> db_;  // declared first: closed after the statements
  std::string label_;
  Cached begin_, commit_;
};

class Stmt {
 public:
  Stmt(const Db& db, const char* sql);

  Stmt& bind(int index, std::int64_t value);
  Stmt& bind_text(int index, std::string_view value);
  Stmt& bind_blob(int index, std::string_view value);
  bool step();  // true while a row is available, false once done
  std::int64_t int64(int column) const;
  std::string bytes(int column) const;  // TEXT or BLOB, byte-exact
  void reset();                         // ready for the next use, bindings cleared

 private:
  struct Finalize { void operator()(sqlite3_stmt* s) const; };
  const Db* db_;
  std::unique_ptr<sqlite3_stmt, Finalize> stmt_;
};

// Resets a cached statement on scope exit, even when an exception leaves the scope.
class Use {
 public:
  explicit Use(Stmt& s) : s_(s) {}
  ~Use() { s_.reset(); }
  Use(const Use&) = delete;
  Use& operator=(const Use&) = delete;

 private:
  Stmt& s_;
};

// BEGIN on construction; ROLLBACK on destruction unless commit() ran.
class Transaction {
 public:
  explicit Transaction(Db& db) : db_(db) { db_.begin(); }
  ~Transaction();
  void commit();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

 private:
  Db& db_;
  bool done_ = false;
};

}  // namespace mailsim::store::sqlite
