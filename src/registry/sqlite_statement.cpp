// Statement binding/stepping and the translation of SQLite failures into registry error codes.
#include "registry/sqlite_statement.hpp"

#include <spdlog/spdlog.h>

#include "registry/errc.hpp"

namespace gridhub::registry {

boost::system::error_code sqlite_error(sqlite3* db, int rc) {
  // sqlite3_errmsg names the failure ("UNIQUE constraint failed: devices.asset_id", "disk I/O error") but
  // never the bound values, so it is safe to log and to return.
  const char* msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  spdlog::error("registry: SQLite error {}: {}", rc, msg);
  return storage_error(msg);
}

Statement::~Statement() {
  if (!stmt_) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Statement& Statement::bind(int index, std::string_view text) {
  int rc = sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Statement& Statement::bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
  int rc = sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_STATIC);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Statement& Statement::bind_null(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

bool Statement::step(boost::system::error_code& ec) {
  if (bind_rc_ != SQLITE_OK) {
    ec = sqlite_error(sqlite3_db_handle(stmt_), bind_rc_);
    return false;
  }
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) ec = sqlite_error(sqlite3_db_handle(stmt_), rc);
  return false;
}

boost::system::result<void> Statement::run() {
  boost::system::error_code ec;
  while (step(ec)) {
  }
  if (ec) return ec;
  return {};
}

boost::system::result<bool> Statement::exists() {
  boost::system::error_code ec;
  if (step(ec)) return true;
  if (ec) return bool_error(ec);
  return false;
}

boost::system::result<int64_t> Statement::scalar(int64_t fallback) {
  boost::system::error_code ec;
  if (step(ec)) return int64(0);
  if (ec) return ec;
  return fallback;
}

std::string_view Statement::text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  if (!p) return {};
  return {p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))};
}

std::string_view Statement::blob(int col) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
  if (!p) return {};
  return {p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))};
}

}  // namespace gridhub::registry
