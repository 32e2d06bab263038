// Console users (Argon2id password hashes), console sessions and applications (service accounts) in SQLite
// (schema v3), each change mirrored in memory for authenticate() and find_app(). Passwords, their hashes,
// session tokens and app secrets are never logged.
#include <algorithm>

#include "registry/keys.hpp"
#include "registry/limits.hpp"
#include "registry/row_codec.hpp"
#include "registry/sqlite_registry_internal.hpp"
#include "registry/validate.hpp"

namespace gridhub::registry {

namespace {

boost::system::error_code invalid() { return make_error_code(errc::invalid_argument); }

bool valid_password(std::string_view password) {
  return password.size() >= kMinPasswordLength && password.size() <= kMaxPasswordLength;
}

// hash_password, with its one failure (libsodium could not get its 64 MiB) as an error code.
boost::system::result<std::string> hashed(std::string_view password) {
  std::string hash = hash_password(password);
  if (hash.empty()) return storage_error("password hashing failed: out of memory");
  return hash;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// Users

boost::system::result<SqliteRegistry::StoredUser> SqliteRegistry::find_user_locked(std::string_view org,
                                                                                    std::string_view username) {
  static const std::string any_ou =
      std::string("SELECT ").append(kUserColumns).append(", password_hash FROM users WHERE username = ?1");
  static const std::string in_ou = any_ou + " AND org_id = ?2";
  auto st = db_->prepare(org.empty() ? any_ou : in_ou);
  if (!st) return st.error();
  st->bind(1, username);
  if (!org.empty()) st->bind(2, org);
  boost::system::error_code ec;
  if (!st->step(ec)) return ec ? ec : make_error_code(errc::not_found);
  StoredUser out;
  read_user(*st, out.user);
  out.password_hash = st->text(5);
  return out;
}

void SqliteRegistry::forget_sessions_of(std::string_view username) {
  std::erase_if(sessions_, [&](const auto& kv) { return kv.second.username == username; });
}

boost::system::result<User> SqliteRegistry::create_user(std::string_view org, std::string username,
                                                        std::string_view password, std::string role) {
  if (!valid_username(username) || !valid_user_role(role) || !valid_password(password)) return invalid();
  // ~0.1 s of Argon2id, outside db_mutex_: other registry calls must not queue behind it.
  auto hash = hashed(password);
  if (!hash) return hash.error();
  User user{std::string(org), std::move(username), std::move(role), wall_clock_ms(), 0};
  user.update_time = user.create_time;
  std::lock_guard lock(db_mutex_);
  auto org_found = org_exists_locked(org);
  if (!org_found) return org_found.error();
  if (!*org_found) return make_error_code(errc::org_not_found);
  {
    auto taken = find_user_locked({}, user.username);
    if (taken) return make_error_code(errc::already_exists);
    if (taken.error() != errc::not_found) return taken.error();
  }
  auto st = db_->prepare(
      "INSERT INTO users (username, org_id, password_hash, role, create_time, update_time) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!st) return st.error();
  st->bind(1, user.username).bind(2, user.org_id).bind(3, *hash).bind(4, user.role);
  if (auto r = st->bind(5, user.create_time).bind(6, user.update_time).run(); !r) return r.error();
  std::unique_lock tokens_lock(tokens_mutex_);
  users_.insert_or_assign(user.username, UserEntry{user.org_id, user.role});
  return user;
}

std::vector<User> SqliteRegistry::list_users(std::string_view org) {
  static const std::string sql =
      std::string("SELECT ").append(kUserColumns).append(" FROM users WHERE org_id = ?1 ORDER BY username");
  std::vector<User> out;
  std::lock_guard lock(db_mutex_);
  auto st = db_->prepare(sql);
  if (!st) return out;
  st->bind(1, org);
  boost::system::error_code ec;
  while (st->step(ec)) read_user(*st, out.emplace_back());
  return out;
}

boost::system::result<User> SqliteRegistry::update_user(std::string_view org, std::string_view username,
                                                        std::string role, std::string_view password) {
  if (!role.empty() && !valid_user_role(role)) return invalid();
  if (!password.empty() && !valid_password(password)) return invalid();
  std::string hash;
  if (!password.empty()) {
    auto h = hashed(password);
    if (!h) return h.error();
    hash = std::move(*h);
  }
  std::lock_guard lock(db_mutex_);
  Transaction tx(*db_);
  if (auto r = tx.begin(); !r) return r.error();
  auto found = find_user_locked(org, username);
  if (!found) return found.error();
  User user = std::move(found->user);
  if (!role.empty()) user.role = std::move(role);
  user.update_time = wall_clock_ms();
  {
    // An empty ?3 keeps the stored hash.
    auto st = db_->prepare(
        "UPDATE users SET role = ?1, update_time = ?2, password_hash = CASE WHEN ?3 = '' THEN password_hash "
        "ELSE ?3 END WHERE username = ?4");
    if (!st) return st.error();
    st->bind(1, user.role).bind(2, user.update_time).bind(3, hash).bind(4, user.username);
    if (auto r = st->run(); !r) return r.error();
  }
  if (!hash.empty()) {
    // Whoever knew the old password may hold a session: a new password ends them all.
    auto st = db_->prepare("DELETE FROM sessions WHERE username = ?1");
    if (!st) return st.error();
    if (auto r = st->bind(1, user.username).run(); !r) return r.error();
  }
  if (auto r = tx.commit(); !r) return r.error();
  std::unique_lock tokens_lock(tokens_mutex_);
  users_.insert_or_assign(user.username, UserEntry{user.org_id, user.role});
  if (!hash.empty()) forget_sessions_of(user.username);
  return user;
}

boost::system::result<void> SqliteRegistry::delete_user(std::string_view org, std::string_view username) {
  std::lock_guard lock(db_mutex_);
  // The user's sessions go with it (ON DELETE CASCADE).
  auto st = db_->prepare("DELETE FROM users WHERE username = ?1 AND org_id = ?2");
  if (!st) return st.error();
  if (auto r = st->bind(1, username).bind(2, org).run(); !r) return r;
  if (sqlite3_changes(db_->handle()) == 0) return make_error_code(errc::not_found);
  std::unique_lock tokens_lock(tokens_mutex_);
  users_.erase(std::string(username));
  forget_sessions_of(username);
  return {};
}

boost::system::result<User> SqliteRegistry::check_password(std::string_view username, std::string_view password) {
  // No stored password is longer than kMaxPasswordLength, so a longer one cannot match; it is cut to that
  // length only so that its hashing costs what any other attempt costs.
  const bool too_long = password.size() > kMaxPasswordLength;
  if (too_long) password = password.substr(0, kMaxPasswordLength);
  boost::system::result<StoredUser> found = make_error_code(errc::not_found);
  if (valid_username(username)) {
    std::lock_guard lock(db_mutex_);
    found = find_user_locked({}, username);
  }
  // The slow verify runs without db_mutex_, and runs for an unknown user too (against a hash of nobody's
  // password): how long the answer takes does not tell which usernames exist.
  if (!found) {
    password_matches_nobody(password);
    return found.error() == errc::not_found ? make_error_code(errc::not_found) : found.error();
  }
  if (!password_matches(found->password_hash, password) || too_long) return make_error_code(errc::not_found);
  return std::move(found->user);
}

// ---------------------------------------------------------------------------------------------------------
// Sessions

void SqliteRegistry::purge_expired_sessions_locked() {
  std::vector<std::string> expired;
  {
    std::unique_lock tokens_lock(tokens_mutex_);
    expired.swap(expired_sessions_);
  }
  for (const auto& hash : expired) {
    auto st = db_->prepare("DELETE FROM sessions WHERE token_hash = ?1");
    // A failure leaves the row for the sweep at the next open; it no longer authenticates anyway.
    if (st) (void)st->bind_blob(1, hash).run();
  }
}

boost::system::result<std::string> SqliteRegistry::create_session(std::string_view org, std::string_view username,
                                                                  int64_t expire_at) {
  std::lock_guard lock(db_mutex_);
  purge_expired_sessions_locked();
  auto found = find_user_locked(org, username);
  if (!found) return found.error();
  std::string token = random_key(kSessionTokenLength);
  std::string hash = token_hash(token);
  auto st = db_->prepare("INSERT INTO sessions (token_hash, org_id, username, expire_at) VALUES (?1, ?2, ?3, ?4)");
  if (!st) return st.error();
  st->bind_blob(1, hash).bind(2, found->user.org_id).bind(3, found->user.username).bind(4, expire_at);
  if (auto r = st->run(); !r) return r.error();
  std::unique_lock tokens_lock(tokens_mutex_);
  sessions_.insert_or_assign(std::move(hash), SessionEntry{found->user.org_id, found->user.username, expire_at});
  return token;
}

void SqliteRegistry::delete_session(std::string_view token) {
  if (token.size() != kSessionTokenLength) return;
  const std::string hash = token_hash(token);
  std::lock_guard lock(db_mutex_);
  purge_expired_sessions_locked();
  auto st = db_->prepare("DELETE FROM sessions WHERE token_hash = ?1");
  if (st) (void)st->bind_blob(1, hash).run();
  std::unique_lock tokens_lock(tokens_mutex_);
  sessions_.erase(hash);
}

// ---------------------------------------------------------------------------------------------------------
// Applications

boost::system::result<App> SqliteRegistry::create_app(std::string_view org, std::string name, std::string access) {
  if (!valid_app_name(name) || !valid_app_access(access)) return invalid();
  std::lock_guard lock(db_mutex_);
  auto org_found = org_exists_locked(org);
  if (!org_found) return org_found.error();
  if (!*org_found) return make_error_code(errc::org_not_found);
  auto key = fresh_key([] { return random_key(kAppKeyLength); },
                       [&](const std::string& k) -> boost::system::result<bool> {
                         auto st = db_->prepare("SELECT 1 FROM apps WHERE app_key = ?1");
                         if (!st) return bool_error(st.error());
                         return st->bind(1, k).exists();
                       });
  if (!key) return key.error();
  App app{std::string(org), std::move(*key), random_key(kAppSecretLength), std::move(name), std::move(access),
          wall_clock_ms()};
  auto st = db_->prepare(
      "INSERT INTO apps (app_key, org_id, app_secret, name, access, create_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!st) return st.error();
  st->bind(1, app.app_key).bind(2, app.org_id).bind(3, app.app_secret).bind(4, app.name).bind(5, app.access);
  if (auto r = st->bind(6, app.create_time).run(); !r) return r.error();
  std::unique_lock tokens_lock(tokens_mutex_);
  apps_.insert_or_assign(app.app_key, app);
  return app;
}

std::vector<App> SqliteRegistry::list_apps(std::string_view org) {
  static const std::string sql = std::string("SELECT ")
                                     .append(kAppColumns)
                                     .append(" FROM apps WHERE org_id = ?1 ORDER BY create_time, rowid");
  std::vector<App> out;
  std::lock_guard lock(db_mutex_);
  auto st = db_->prepare(sql);
  if (!st) return out;
  st->bind(1, org);
  boost::system::error_code ec;
  while (st->step(ec)) read_app(*st, out.emplace_back());
  return out;
}

boost::system::result<void> SqliteRegistry::delete_app(std::string_view org, std::string_view app_key) {
  std::lock_guard lock(db_mutex_);
  auto st = db_->prepare("DELETE FROM apps WHERE app_key = ?1 AND org_id = ?2");
  if (!st) return st.error();
  if (auto r = st->bind(1, app_key).bind(2, org).run(); !r) return r;
  if (sqlite3_changes(db_->handle()) == 0) return make_error_code(errc::not_found);
  std::unique_lock tokens_lock(tokens_mutex_);
  apps_.erase(std::string(app_key));
  return {};
}

std::optional<App> SqliteRegistry::find_app(std::string_view app_key) {
  std::shared_lock lock(tokens_mutex_);
  auto it = apps_.find(std::string(app_key));
  if (it == apps_.end()) return std::nullopt;
  return it->second;
}

}  // namespace gridhub::registry
