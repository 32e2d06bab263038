// Opening the SQLite registry, its life cycle, OUs, API credentials and authenticate() (API tokens and
// console sessions, both answered from memory).
#include "registry/sqlite_registry.hpp"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include "registry/keys.hpp"
#include "registry/limits.hpp"
#include "registry/row_codec.hpp"
#include "registry/schema.hpp"
#include "registry/sqlite_registry_internal.hpp"
#include "registry/validate.hpp"

namespace gridhub::registry {

boost::system::result<std::unique_ptr<Registry>> open_sqlite_registry(const std::string& path) {
  auto db = SqliteDb::open(path);
  if (!db) return db.error();
  if (auto r = ensure_schema(**db); !r) return r.error();
  auto registry = std::make_unique<SqliteRegistry>(std::move(*db));
  if (auto r = registry->load_credentials(); !r) return r.error();
  return std::unique_ptr<Registry>(std::move(registry));
}

PageWindow page_window(Page page) {
  PageWindow w;
  w.limit = page.page_size < 1 ? kDefaultPageSize : std::min(page.page_size, kMaxPageSize);
  w.offset = (static_cast<int64_t>(std::max(page.page_no, 1)) - 1) * w.limit;
  return w;
}

SqliteRegistry::SqliteRegistry(std::unique_ptr<SqliteDb> db)
    : db_(std::move(db)), writer_([this] { presence_writer(); }) {}

SqliteRegistry::~SqliteRegistry() {
  presence_.stop();
  writer_.join();
  std::lock_guard lock(db_mutex_);
  if (auto r = drain_presence_locked(); !r)
    spdlog::error("registry: presence changes lost at close: {}", r.error().message());
}

boost::system::result<void> SqliteRegistry::load_credentials() {
  std::unordered_map<std::string, ApiCredential> tokens;
  std::unordered_map<std::string, SessionEntry> sessions;
  std::unordered_map<std::string, UserEntry> users;
  std::unordered_map<std::string, App> apps;
  std::lock_guard lock(db_mutex_);
  boost::system::error_code ec;
  {
    auto st = db_->prepare("SELECT token_hash, org_id, role, name FROM api_tokens");
    if (!st) return st.error();
    while (st->step(ec))
      tokens.emplace(std::string(st->blob(0)),
                     ApiCredential{std::string(st->text(1)), std::string(st->text(2)), std::string(st->text(3))});
    if (ec) return ec;
  }
  {
    // Sessions a restart outlived are swept here; later ones go lazily (purge_expired_sessions_locked).
    auto st = db_->prepare("DELETE FROM sessions WHERE expire_at <= ?1");
    if (!st) return st.error();
    if (auto r = st->bind(1, wall_clock_ms()).run(); !r) return r;
  }
  {
    auto st = db_->prepare("SELECT token_hash, org_id, username, expire_at FROM sessions");
    if (!st) return st.error();
    while (st->step(ec))
      sessions.emplace(std::string(st->blob(0)),
                       SessionEntry{std::string(st->text(1)), std::string(st->text(2)), st->int64(3)});
    if (ec) return ec;
  }
  {
    auto st = db_->prepare("SELECT username, org_id, role FROM users");
    if (!st) return st.error();
    while (st->step(ec))
      users.emplace(std::string(st->text(0)), UserEntry{std::string(st->text(1)), std::string(st->text(2))});
    if (ec) return ec;
  }
  {
    auto st = db_->prepare(std::string("SELECT ").append(kAppColumns).append(" FROM apps"));
    if (!st) return st.error();
    while (st->step(ec)) {
      App app;
      read_app(*st, app);
      std::string key = app.app_key;
      apps.emplace(std::move(key), std::move(app));
    }
    if (ec) return ec;
  }
  std::unique_lock tokens_lock(tokens_mutex_);
  tokens_ = std::move(tokens);
  sessions_ = std::move(sessions);
  users_ = std::move(users);
  apps_ = std::move(apps);
  expired_sessions_.clear();
  return {};
}

// ---------------------------------------------------------------------------------------------------------
// OUs

boost::system::result<bool> SqliteRegistry::org_exists_locked(std::string_view org) {
  auto st = db_->prepare("SELECT 1 FROM orgs WHERE org_id = ?1");
  if (!st) return bool_error(st.error());
  return st->bind(1, org).exists();
}

boost::system::result<Org> SqliteRegistry::create_org(std::string name, int64_t now) {
  if (name.empty()) return make_error_code(errc::invalid_argument);
  if (name.size() > kMaxOrgNameBytes) return make_error_code(errc::limit_exceeded);
  std::lock_guard lock(db_mutex_);
  auto id = fresh_key([] { return "o" + random_digits(kOrgIdDigits); },
                      [&](const std::string& k) { return org_exists_locked(k); });
  if (!id) return id.error();
  Org org{std::move(*id), std::move(name), now};
  auto st = db_->prepare("INSERT INTO orgs (org_id, name, create_time) VALUES (?1, ?2, ?3)");
  if (!st) return st.error();
  if (auto r = st->bind(1, org.org_id).bind(2, org.name).bind(3, org.create_time).run(); !r) return r.error();
  return org;
}

boost::system::result<Org> SqliteRegistry::get_org(std::string_view org_id) {
  static const std::string sql =
      std::string("SELECT ").append(kOrgColumns).append(" FROM orgs WHERE org_id = ?1");
  std::lock_guard lock(db_mutex_);
  auto st = db_->prepare(sql);
  if (!st) return st.error();
  st->bind(1, org_id);
  boost::system::error_code ec;
  if (!st->step(ec)) return ec ? ec : make_error_code(errc::not_found);
  Org org;
  read_org(*st, org);
  return org;
}

std::vector<Org> SqliteRegistry::list_orgs() {
  static const std::string sql =
      std::string("SELECT ").append(kOrgColumns).append(" FROM orgs ORDER BY create_time, org_id");
  std::vector<Org> out;
  std::lock_guard lock(db_mutex_);
  auto st = db_->prepare(sql);
  if (!st) return out;
  boost::system::error_code ec;
  while (st->step(ec)) read_org(*st, out.emplace_back());
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// API credentials

boost::system::result<std::string> SqliteRegistry::create_api_token(std::string_view org, std::string role,
                                                                    std::string name) {
  if (!valid_token_role(role)) return make_error_code(errc::invalid_argument);
  if (name.size() > kMaxCredentialNameBytes) return make_error_code(errc::limit_exceeded);
  std::string token = random_key(kApiTokenLength);
  std::string hash = token_hash(token);
  std::lock_guard lock(db_mutex_);
  auto exists = org_exists_locked(org);
  if (!exists) return exists.error();
  if (!*exists) return make_error_code(errc::org_not_found);
  auto st = db_->prepare("INSERT INTO api_tokens (token_hash, org_id, role, name) VALUES (?1, ?2, ?3, ?4)");
  if (!st) return st.error();
  if (auto r = st->bind_blob(1, hash).bind(2, org).bind(3, role).bind(4, name).run(); !r) return r.error();
  std::unique_lock tokens_lock(tokens_mutex_);
  tokens_.insert_or_assign(std::move(hash), ApiCredential{std::string(org), std::move(role), std::move(name)});
  return token;
}

std::optional<ApiCredential> SqliteRegistry::authenticate(std::string_view token, int64_t now) {
  static_assert(kSessionTokenLength == kApiTokenLength, "one length check covers both kinds of token");
  // The length of a valid token is public; only its content is secret.
  if (token.size() != kApiTokenLength) return std::nullopt;
  // Looking up the hash, not the token, keeps timing independent of how much of a guess is right: an
  // attacker cannot steer the hash's bytes. The final compare is constant-time all the same.
  const std::string hash = token_hash(token);
  const auto same = [&](const std::string& stored) {
    return sodium_memcmp(stored.data(), hash.data(), hash.size()) == 0;
  };
  {
    std::shared_lock lock(tokens_mutex_);
    if (auto it = tokens_.find(hash); it != tokens_.end()) {
      if (!same(it->first)) return std::nullopt;
      return it->second;
    }
    auto it = sessions_.find(hash);
    if (it == sessions_.end() || !same(it->first)) return std::nullopt;
    const SessionEntry& s = it->second;
    if (now < s.expire_at) {
      // The user's role as it is now; a session whose user is gone (or moved) is worth nothing.
      auto user = users_.find(s.username);
      if (user == users_.end() || user->second.org_id != s.org_id) return std::nullopt;
      return ApiCredential{s.org_id, user->second.role, s.username};
    }
  }
  // Expired: forget it now, delete it from disk with the next session change.
  std::unique_lock lock(tokens_mutex_);
  if (auto it = sessions_.find(hash); it != sessions_.end() && now >= it->second.expire_at) {
    sessions_.erase(it);
    expired_sessions_.push_back(hash);
  }
  return std::nullopt;
}

}  // namespace gridhub::registry
