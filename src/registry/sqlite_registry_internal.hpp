// SqliteRegistry, the SQLite implementation of Registry. Its methods live in sqlite_registry.cpp (OUs, open,
// tokens), sqlite_models.cpp, sqlite_products.cpp, sqlite_devices.cpp, sqlite_presence.cpp and
// sqlite_storage_groups.cpp.
#pragma once
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "registry/limits.hpp"
#include "registry/presence_queue.hpp"
#include "registry/registry.hpp"
#include "registry/sqlite_db.hpp"

namespace gridhub::registry {

// Thread-safe. One connection, serialised by db_mutex_ (SQLite writes are serial anyway, and this keeps
// the cached statements safe). Presence changes bypass db_mutex_ through presence_; the writer thread
// drains them. Lock order: db_mutex_, then the presence queue's lock; tokens_mutex_ is never held with
// either.
class SqliteRegistry final : public Registry {
 public:
  // REQUIRES: `db` has the current schema.
  explicit SqliteRegistry(std::unique_ptr<SqliteDb> db);
  ~SqliteRegistry() override;
  // Reads the token hashes into memory so authenticate() never touches SQLite.
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
  std::optional<ApiCredential> authenticate(std::string_view token) override;

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

  // The writer thread's loop: one batch per db_mutex_ hold, so API calls interleave with a login storm.
  void presence_writer();
  // A committed change the hub's snapshot depends on.
  void bump() { version_.fetch_add(1, std::memory_order_acq_rel); }

  std::mutex db_mutex_;
  std::unique_ptr<SqliteDb> db_;  // GUARDED_BY(db_mutex_)
  PresenceQueue presence_;
  std::atomic<uint64_t> version_{1};
  std::shared_mutex tokens_mutex_;
  std::unordered_map<std::string, ApiCredential> tokens_;  // by token_hash(); GUARDED_BY(tokens_mutex_)
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
