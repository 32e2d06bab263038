// One SQLite connection with its prepared-statement cache and transactions.
#pragma once
#include <sqlite3.h>

#include <boost/system/result.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "registry/sqlite_statement.hpp"

namespace gridhub::registry {

// Not thread-safe: the owner serialises every use (SqliteRegistry::db_mutex_).
class SqliteDb {
 public:
  // Opens/creates `path` and sets WAL, foreign keys, busy_timeout and synchronous=NORMAL.
  static boost::system::result<std::unique_ptr<SqliteDb>> open(const std::string& path);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // A cached statement for `sql` (a literal or a fixed fragment set; never user input). Prepared on first
  // use.
  boost::system::result<Statement> prepare(const std::string& sql);
  // Runs SQL without results or parameters (schema, BEGIN/COMMIT).
  boost::system::result<void> exec(const char* sql);
  sqlite3* handle() { return db_; }

 private:
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  // Keyed by the SQL text; the set of texts is fixed by the code (search builds at most a few dozen).
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back when destroyed uncommitted (early error return).
class Transaction {
 public:
  explicit Transaction(SqliteDb& db) : db_(db) {}
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  boost::system::result<void> begin();
  boost::system::result<void> commit();

 private:
  SqliteDb& db_;
  bool open_ = false;
};

}  // namespace gridhub::registry
