// A borrowed, cached SQLite prepared statement: bind, step, read columns. Resets itself when it goes out of
// scope so the cache can hand it out again.
#pragma once
#include <sqlite3.h>

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <cstdint>
#include <string_view>

namespace gridhub::registry {

// Not thread-safe: used only under the owning SqliteDb's lock. REQUIRES: text bound with bind() outlives the
// last step() (bound without copying, SQLITE_STATIC); the statement is not used twice at once.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Statement(Statement&& o) noexcept : stmt_(o.stmt_), bind_rc_(o.bind_rc_) { o.stmt_ = nullptr; }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // 1-based parameter index. A failed bind is reported by the next step().
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, bool value) { return bind(index, static_cast<int64_t>(value)); }
  Statement& bind_blob(int index, std::string_view bytes);
  Statement& bind_null(int index);
  // Binds NULL for an empty string (optional foreign keys).
  Statement& bind_or_null(int index, std::string_view text) {
    return text.empty() ? bind_null(index) : bind(index, text);
  }

  // True when a row is ready, false when done or failed (then ec is set).
  bool step(boost::system::error_code& ec);
  // Steps to completion (INSERT/UPDATE/DELETE).
  boost::system::result<void> run();
  // Steps once: whether the query returned a row (SELECT 1 ... existence checks).
  boost::system::result<bool> exists();
  // Steps once and reads column 0 as an integer (COUNT(*) and the like); `fallback` when there is no row.
  boost::system::result<int64_t> scalar(int64_t fallback = 0);

  // 0-based column index, valid until the next step(). NULL reads as "" / 0.
  std::string_view text(int col) const;
  std::string_view blob(int col) const;
  int64_t int64(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool boolean(int col) const { return sqlite3_column_int64(stmt_, col) != 0; }

 private:
  sqlite3_stmt* stmt_;
  int bind_rc_ = SQLITE_OK;
};

// An error as result<bool>: bool is explicitly constructible from error_code, so the implicit conversion that
// works for other result types is ambiguous here.
inline boost::system::result<bool> bool_error(boost::system::error_code ec) {
  return boost::system::result<bool>(boost::system::in_place_error, ec);
}

// errc::storage_error carrying the connection's last SQLite message.
boost::system::error_code sqlite_error(sqlite3* db, int rc);

}  // namespace gridhub::registry
