// The hub's read-only view of the registry: an immutable snapshot of devices, products and compiled models,
// swapped atomically when the registry changes, so the hot path never waits on SQLite.
#pragma once
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "model/validator.hpp"
#include "registry/registry.hpp"

namespace gridhub::hub {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

// What the storage policy of a model keeps (spec enos-platform.md §3): its group, and per measure point the
// storage types (tsdb::category_bit mask) that keep its history. A point not listed keeps only its latest value.
struct HistoryPlan {
  uint32_t group = 0;
  std::unordered_map<std::string, uint8_t, StringHash, std::equal_to<>> points;

  uint8_t categories_of(std::string_view point_id) const {
    auto it = points.find(point_id);
    return it == points.end() ? 0 : it->second;
  }
};

struct ProductEntry {
  registry::Product product;
  bool validation_enabled = true;
  std::shared_ptr<const model::Validator> validator;  // null when the model failed to load (logged)
  std::shared_ptr<const HistoryPlan> history;         // null: the model is in no storage policy group
};

struct DeviceEntry {
  std::string org_id, asset_id, product_key, device_key, device_secret;
  bool enabled = true;
  std::string gateway;  // "gatewayPk/gatewayDk" when the device is in a gateway's topology, else ""
  std::shared_ptr<const ProductEntry> product;
};

// The snapshot's key of a device: "productKey/deviceKey".
std::string device_key_of(std::string_view pk, std::string_view dk);

class Snapshot {
 public:
  // Devices are keyed by "productKey/deviceKey".
  const DeviceEntry* find_device(std::string_view pk, std::string_view dk) const;
  const ProductEntry* find_product(std::string_view pk) const;
  uint64_t version() const { return version_; }

 private:
  friend class RegistryView;
  uint64_t version_ = 0;
  std::unordered_map<std::string, std::shared_ptr<const DeviceEntry>, StringHash, std::equal_to<>> devices_;
  std::unordered_map<std::string, std::shared_ptr<const ProductEntry>, StringHash, std::equal_to<>> products_;
};

// Thread-safe. current() is a lock-free load unless the registry moved on since the last build, in which case
// the first caller rebuilds (models are recompiled only when their record changed).
class RegistryView {
 public:
  explicit RegistryView(registry::Registry& registry);
  std::shared_ptr<const Snapshot> current();
  registry::Registry& registry() { return registry_; }

 private:
  std::shared_ptr<const Snapshot> rebuild(uint64_t version);
  std::shared_ptr<const model::Validator> compile_model(const registry::ModelRecord& record,
                                                        const std::vector<registry::ModelRecord>& all);

  registry::Registry& registry_;
  std::atomic<std::shared_ptr<const Snapshot>> snapshot_;
  std::mutex rebuild_mutex_;
  // (org/model) -> (update_time of the model and its ancestors, compiled validator)
  std::unordered_map<std::string, std::pair<std::string, std::shared_ptr<const model::Validator>>> compiled_;
};

}  // namespace gridhub::hub
