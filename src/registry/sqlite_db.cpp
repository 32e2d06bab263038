// Connection set-up (pragmas), the statement cache, and transactions.
#include "registry/sqlite_db.hpp"

#include <spdlog/spdlog.h>

#include "registry/errc.hpp"
#include "registry/limits.hpp"

namespace gridhub::registry {

boost::system::result<std::unique_ptr<SqliteDb>> SqliteDb::open(const std::string& path) {
  sqlite3* raw = nullptr;
  // NOMUTEX: the registry serialises access itself, so SQLite's own mutexes would only cost time.
  int rc = sqlite3_open_v2(path.c_str(), &raw,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    auto ec = sqlite_error(raw, rc);
    sqlite3_close(raw);
    return ec;
  }
  std::unique_ptr<SqliteDb> db(new SqliteDb(raw));
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  sqlite3_extended_result_codes(raw, 1);
  // WAL lets readers of other processes (backup tools) run beside the writer; synchronous=NORMAL in WAL mode
  // loses at most the last commits on power failure, never consistency.
  const std::string sizes = "PRAGMA cache_size=-" + std::to_string(kSqliteCacheKiB) +
                            "; PRAGMA mmap_size=" + std::to_string(kSqliteMmapBytes);
  for (const char* pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON", sizes.c_str()}) {
    if (auto r = db->exec(pragma); !r) return r.error();
  }
  return db;
}

SqliteDb::~SqliteDb() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  if (sqlite3_close(db_) != SQLITE_OK)
    spdlog::error("registry: closing SQLite failed: {}", sqlite3_errmsg(db_));
}

boost::system::result<Statement> SqliteDb::prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                &stmt, nullptr);
    if (rc != SQLITE_OK) return sqlite_error(db_, rc);
    it = cache_.emplace(sql, stmt).first;
  }
  return Statement(it->second);
}

boost::system::result<void> SqliteDb::exec(const char* sql) {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db_, rc);
  return {};
}

Transaction::~Transaction() {
  if (open_ && sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr) != SQLITE_OK)
    spdlog::error("registry: rollback failed: {}", sqlite3_errmsg(db_.handle()));
}

boost::system::result<void> Transaction::begin() {
  // IMMEDIATE takes the write lock up front, so a transaction never fails half-way on a lock upgrade.
  if (auto r = db_.exec("BEGIN IMMEDIATE"); !r) return r;
  open_ = true;
  return {};
}

boost::system::result<void> Transaction::commit() {
  if (auto r = db_.exec("COMMIT"); !r) return r;  // still open_: the destructor rolls back
  open_ = false;
  return {};
}

}  // namespace gridhub::registry
