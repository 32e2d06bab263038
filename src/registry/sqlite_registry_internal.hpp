// SqliteRegistry, the SQLite implementation of Registry. Its methods live in sqlite_registry.cpp (OUs, open,
// tokens), sqlite_models.cpp, sqlite_products.cpp, sqlite_devices.cpp, sqlite_presence.cpp,
// sqlite_storage_groups.cpp, sqlite_access.cpp (users, sessions, apps), sqlite_commands.cpp, sqlite_topology.cpp
// and sqlite_certificates.cpp.
#pragma once
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "registry/limits.hpp"
#include "registry/presence_queue.hpp"
#include "registry/registry.hpp"
#include "registry/sqlite_db.hpp"

namespace gridhub::registry {

// Thread-safe. One connection, serialised by db_mutex_ (SQLite writes are serial anyway, and this keeps
// the cached statements safe). Presence changes bypass db_mutex_ through presence_; the writer thread
// drains them. Credentials (API tokens, sessions, users' roles, apps) are mirrored in memory under
// tokens_mutex_, so authenticate() and find_app() never touch SQLite. Lock order: db_mutex_, then either the
// presence queue's lock or tokens_mutex_ (a change commits, then its mirror is updated before db_mutex_ is
// released, so two writers cannot leave memory and disk disagreeing); readers of the mirror take
// tokens_mutex_ alone.
class SqliteRegistry final : public Registry {
 public:
  // REQUIRES: `db` has the current schema.
  explicit SqliteRegistry(std::unique_ptr<SqliteDb> db);
  ~SqliteRegistry() override;
  // Reads API tokens, sessions, users' roles and apps into memory so authenticate() and find_app() never
  // touch SQLite; sessions expired by the wall clock are deleted instead.
  boost::system::result<void> load_credentials();

  boost::system::result<Org> create_org(std::string name, int64_t now) override;
  boost::system::result<Org> get_org(std::string_view org_id) override;
  std::vector<Org> list_orgs() override;

  boost::system::result<void> create_model(const ModelRecord&) override;
  boost::system::result<void> update_model(const ModelRecord&) override;
  boost::system::result<ModelRecord> get_model(std::string_view org, std::string_view model_id) override;
  PageResult<ModelRecord> search_models(std::string_view org, std::string_view id_like, Page) override;
  boost::system::result<void> delete_model(std::string_view org, std::string_view model_id) override;
  std::vector<ModelRecord> all_models() override;

  boost::system::result<Product> create_product(Product) override;
  boost::system::result<Product> get_product(std::string_view org, std::string_view product_key) override;
  boost::system::result<Product> update_product(const Product&) override;
  boost::system::result<void> delete_product(std::string_view org, std::string_view product_key) override;
  PageResult<Product> search_products(std::string_view org, const ProductFilter&, Page) override;
  std::vector<Product> all_products() override;

  boost::system::result<Device> create_device(Device) override;
  boost::system::result<Device> get_device(std::string_view org, std::string_view product_key,
                                           std::string_view device_key) override;
  boost::system::result<Device> get_device_by_asset(std::string_view org, std::string_view asset_id) override;
  boost::system::result<Device> update_device(const Device&) override;
  boost::system::result<void> delete_device(std::string_view org, std::string_view pk,
                                            std::string_view dk) override;
  boost::system::result<void> set_device_enabled(std::string_view org, std::string_view pk,
                                                 std::string_view dk, bool enabled, int64_t now) override;
  PageResult<Device> search_devices(std::string_view org, const DeviceFilter&, Page) override;
  std::vector<Device> all_devices() override;

  void device_online(std::string_view pk, std::string_view dk, int64_t now) override;
  void device_offline(std::string_view pk, std::string_view dk, int64_t now) override;
  void mark_all_offline(int64_t now) override;
  void flush() override;

  boost::system::result<StorageGroup> create_storage_group(StorageGroup) override;
  boost::system::result<StorageGroup> get_storage_group(std::string_view org, uint32_t id) override;
  std::vector<StorageGroup> list_storage_groups(std::string_view org) override;
  boost::system::result<StorageGroup> update_storage_group(const StorageGroup&) override;
  boost::system::result<StorageGroup> set_storage_policy(std::string_view org, uint32_t id,
                                                         const StoragePolicy& policy) override;
  boost::system::result<void> delete_storage_group(std::string_view org, uint32_t id) override;
  std::vector<StorageGroup> all_storage_groups() override;

  boost::system::result<std::string> create_api_token(std::string_view org, std::string role,
                                                      std::string name) override;
  std::optional<ApiCredential> authenticate(std::string_view token, int64_t now) override;

  // sqlite_access.cpp
  boost::system::result<User> create_user(std::string_view org, std::string username, std::string_view password,
                                          std::string role) override;
  std::vector<User> list_users(std::string_view org) override;
  boost::system::result<User> update_user(std::string_view org, std::string_view username, std::string role,
                                          std::string_view password) override;
  boost::system::result<void> delete_user(std::string_view org, std::string_view username) override;
  boost::system::result<User> check_password(std::string_view username, std::string_view password) override;
  boost::system::result<std::string> create_session(std::string_view org, std::string_view username,
                                                    int64_t expire_at) override;
  void delete_session(std::string_view token) override;
  boost::system::result<App> create_app(std::string_view org, std::string name, std::string access) override;
  std::vector<App> list_apps(std::string_view org) override;
  boost::system::result<void> delete_app(std::string_view org, std::string_view app_key) override;
  std::optional<App> find_app(std::string_view app_key) override;

  // sqlite_commands.cpp
  boost::system::result<void> save_commands(const std::vector<Command>& commands) override;
  boost::system::result<Command> get_command(std::string_view org, int64_t command_id) override;
  PageResult<Command> search_commands(std::string_view org, const CommandFilter&, Page) override;
  std::vector<Command> open_commands() override;
  int64_t next_command_id() override;

  boost::system::result<void> add_sub_devices(std::string_view org, std::string_view gateway_pk,
                                              std::string_view gateway_dk,
                                              const std::vector<std::pair<std::string, std::string>>& subs,
                                              int64_t now) override;
  boost::system::result<void> remove_sub_devices(std::string_view org, std::string_view gateway_pk,
                                                 std::string_view gateway_dk,
                                                 const std::vector<std::pair<std::string, std::string>>& subs) override;
  boost::system::result<PageResult<TopologyLink>> list_sub_devices(std::string_view org, std::string_view gateway_pk,
                                                                   std::string_view gateway_dk, Page) override;
  boost::system::result<TopologyLink> get_gateway(std::string_view org, std::string_view sub_pk,
                                                  std::string_view sub_dk) override;
  std::vector<TopologyLink> all_topology() override;

  boost::system::result<void> put_org_ca(const OrgCa&) override;
  boost::system::result<OrgCa> get_org_ca(std::string_view org) override;
  boost::system::result<void> save_certificate(const DeviceCertificate&) override;
  boost::system::result<DeviceCertificate> get_certificate(std::string_view org, std::string_view cert_sn) override;
  boost::system::result<DeviceCertificate> find_certificate_by_fingerprint(std::string_view fingerprint) override;
  std::vector<DeviceCertificate> list_certificates(std::string_view org, std::string_view pk,
                                                   std::string_view dk) override;
  boost::system::result<DeviceCertificate> revoke_certificate(std::string_view org, std::string_view cert_sn,
                                                              int64_t now) override;

  uint64_t version() const override { return version_.load(std::memory_order_acquire); }

 private:
  // --- all REQUIRES: db_mutex_ held ---
  boost::system::result<bool> org_exists_locked(std::string_view org);
  boost::system::result<bool> model_exists_locked(std::string_view org, std::string_view model_id);
  boost::system::result<ModelRecord> get_model_locked(std::string_view org, std::string_view model_id);
  boost::system::result<Product> get_product_locked(std::string_view org, std::string_view product_key);
  // By (pk, dk) when asset_id is empty, else by asset_id; always within `org`. Queued presence applied.
  boost::system::result<Device> find_device_locked(std::string_view org, std::string_view asset_id,
                                                   std::string_view pk, std::string_view dk);
  // Storage groups (sqlite_storage_groups.cpp). Which groups load_storage_groups_locked reads.
  enum class GroupScope : uint8_t { One, Org, All };
  // The groups of the scope (org and id used as the scope needs), oldest first, with models and policies.
  boost::system::result<std::vector<StorageGroup>> load_storage_groups_locked(GroupScope scope,
                                                                              std::string_view org,
                                                                              uint32_t id);
  boost::system::result<StorageGroup> get_storage_group_locked(std::string_view org, uint32_t id);
  // already_exists when another group of the OU (not `self`) has the name.
  boost::system::error_code check_group_name_locked(std::string_view org, std::string_view name,
                                                    uint32_t self);
  // Every model exists in the OU (model_not_found) and is in no group other than `self` (in_use).
  boost::system::error_code check_group_models_locked(std::string_view org,
                                                      const std::vector<std::string>& models, uint32_t self);
  // Replaces group `id`'s policy of p.storage_type (p normalized; inside the caller's transaction).
  boost::system::result<void> write_storage_policy_locked(uint32_t id, const StoragePolicy& p);

  // Writes one presence delta (inside the caller's transaction).
  boost::system::result<void> write_presence_locked(std::string_view pk, std::string_view dk,
                                                    const PresenceDelta& delta);
  // One transaction for the batch; on failure the batch goes back to the queue.
  boost::system::result<void> write_presence_batch_locked(std::vector<PendingPresence> batch);
  // Writes everything queued.
  boost::system::result<void> drain_presence_locked();

  // --- console access (sqlite_access.cpp); REQUIRES: db_mutex_ held ---
  // The user with its password hash, found by username in any OU (org empty) or within `org`.
  struct StoredUser {
    User user;
    std::string password_hash;
  };
  boost::system::result<StoredUser> find_user_locked(std::string_view org, std::string_view username);
  // Deletes from disk the sessions authenticate() found expired (best effort: open() also sweeps them).
  void purge_expired_sessions_locked();
  // REQUIRES: tokens_mutex_ held exclusively. Drops every in-memory session of the user.
  void forget_sessions_of(std::string_view username);

  // The writer thread's loop: one batch per db_mutex_ hold, so API calls interleave with a login storm.
  void presence_writer();
  // A committed change the hub's snapshot depends on.
  void bump() { version_.fetch_add(1, std::memory_order_acq_rel); }

  std::mutex db_mutex_;
  std::unique_ptr<SqliteDb> db_;  // GUARDED_BY(db_mutex_)
  PresenceQueue presence_;
  std::atomic<uint64_t> version_{1};
  // A console session as authenticate() needs it: the role comes from users_ at each call, so a role change
  // applies to open sessions at once.
  struct SessionEntry {
    std::string org_id, username;
    int64_t expire_at = 0;
  };
  struct UserEntry {
    std::string org_id, role;
  };
  std::shared_mutex tokens_mutex_;
  std::unordered_map<std::string, ApiCredential> tokens_;  // by token_hash(); GUARDED_BY(tokens_mutex_)
  std::unordered_map<std::string, SessionEntry> sessions_;  // by token_hash(); GUARDED_BY(tokens_mutex_)
  std::unordered_map<std::string, UserEntry> users_;        // by username; GUARDED_BY(tokens_mutex_)
  std::unordered_map<std::string, App> apps_;               // by app_key; GUARDED_BY(tokens_mutex_)
  // Hashes of sessions dropped from memory as expired, not yet deleted on disk. GUARDED_BY(tokens_mutex_)
  std::vector<std::string> expired_sessions_;
  std::thread writer_;                                     // last: starts once everything it uses exists
};

// The wall clock, for record times a caller left at 0.
inline int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The LIMIT/OFFSET of a Page, clamped as records.hpp describes.
struct PageWindow {
  int64_t limit = 10, offset = 0;
};
PageWindow page_window(Page page);

// One page of a search, the same way for every search: COUNT(*) of `from_where` into out.total, then the page's
// rows (`columns`, ORDER BY `order_by`). `bind(statement)` binds the filters as ?1..?filters; the page's LIMIT and
// OFFSET take ?filters+1 and ?filters+2. An SQLite failure leaves what was read so far: searches never fail loudly.
// REQUIRES: the caller holds the lock of `db`.
template <class T, class Bind, class Read>
void read_search_page(SqliteDb& db, std::string_view columns, const std::string& from_where,
                      std::string_view order_by, int filters, Page page, Bind bind, Read read,
                      PageResult<T>& out) {
  {
    auto count = db.prepare("SELECT COUNT(*)" + from_where);
    if (!count) return;
    bind(*count);
    auto n = count->scalar(0);
    if (!n) return;
    out.total = *n;
  }
  auto st = db.prepare(std::string("SELECT ")
                           .append(columns)
                           .append(from_where)
                           .append(" ORDER BY ")
                           .append(order_by)
                           .append(" LIMIT ?" + std::to_string(filters + 1) + " OFFSET ?" +
                                   std::to_string(filters + 2)));
  if (!st) return;
  bind(*st);
  const PageWindow w = page_window(page);
  st->bind(filters + 1, w.limit).bind(filters + 2, w.offset);
  boost::system::error_code ec;
  while (st->step(ec)) read(*st, out.items.emplace_back());
}

// Draws keys from `make` until `exists(key)` says false (at most kKeyGenerationAttempts times).
template <class Make, class Exists>
boost::system::result<std::string> fresh_key(Make make, Exists exists) {
  for (int i = 0; i < kKeyGenerationAttempts; ++i) {
    std::string key = make();
    auto taken = exists(key);
    if (!taken) return taken.error();
    if (!*taken) return key;
  }
  return make_error_code(errc::key_generation_failed);
}

}  // namespace gridhub::registry
