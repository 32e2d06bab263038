// Builds registry snapshots for the hub and compiles each product's thing model into a validator.
#include "hub/registry_view.hpp"

#include <spdlog/spdlog.h>

#include "model/console_json.hpp"
#include "model/inheritance.hpp"
#include "tsdb/sample.hpp"

namespace gridhub::hub {

std::string device_key_of(std::string_view pk, std::string_view dk) {
  std::string key;
  key.reserve(pk.size() + dk.size() + 1);
  key.append(pk).push_back('/');
  key.append(dk);
  return key;
}

namespace {
// (org/model) -> the storage plan of that model, from every OU's storage policy groups.
std::unordered_map<std::string, std::shared_ptr<HistoryPlan>> history_plans(registry::Registry& registry) {
  std::unordered_map<std::string, std::shared_ptr<HistoryPlan>> plans;
  for (const auto& group : registry.all_storage_groups()) {
    for (const auto& model_id : group.model_ids) {
      auto plan = std::make_shared<HistoryPlan>();
      plan->group = group.id;
      plans[group.org_id + "/" + model_id] = std::move(plan);
    }
    for (const auto& policy : group.policies) {
      tsdb::Category category;
      if (!tsdb::parse_category(policy.storage_type, category)) {
        spdlog::error("storage group {} has an unknown storage type {}; ignored", group.id, policy.storage_type);
        continue;
      }
      for (const auto& selection : policy.models) {
        auto it = plans.find(group.org_id + "/" + selection.model_id);
        if (it == plans.end()) continue;  // the registry keeps policies to the group's models; be safe
        for (const auto& point : selection.point_ids) it->second->points[point] |= tsdb::category_bit(category);
      }
    }
  }
  return plans;
}

}  // namespace

const DeviceEntry* Snapshot::find_device(std::string_view pk, std::string_view dk) const {
  // A thread-local scratch key keeps the lookup free of allocation after warm-up.
  thread_local std::string key;
  key.assign(pk).push_back('/');
  key.append(dk);
  auto it = devices_.find(std::string_view(key));
  return it == devices_.end() ? nullptr : it->second.get();
}

const ProductEntry* Snapshot::find_product(std::string_view pk) const {
  auto it = products_.find(pk);
  return it == products_.end() ? nullptr : it->second.get();
}

RegistryView::RegistryView(registry::Registry& registry) : registry_(registry) {}

std::shared_ptr<const Snapshot> RegistryView::current() {
  auto snap = snapshot_.load(std::memory_order_acquire);
  uint64_t version = registry_.version();
  if (snap && snap->version() == version) return snap;
  std::lock_guard lock(rebuild_mutex_);
  snap = snapshot_.load(std::memory_order_acquire);
  version = registry_.version();
  if (snap && snap->version() == version) return snap;
  snap = rebuild(version);
  snapshot_.store(snap, std::memory_order_release);
  return snap;
}

std::shared_ptr<const model::Validator> RegistryView::compile_model(
    const registry::ModelRecord& record, const std::vector<registry::ModelRecord>& all) {
  // The chain child -> parent -> ... within the model's OU; its update times key the cache.
  std::vector<const registry::ModelRecord*> chain{&record};
  std::string stamp = std::to_string(record.update_time);
  for (const registry::ModelRecord* cur = &record; !cur->parent_model_id.empty();) {
    const registry::ModelRecord* parent = nullptr;
    for (const auto& m : all)
      if (m.org_id == record.org_id && m.model_id == cur->parent_model_id) parent = &m;
    if (!parent || chain.size() > 32) break;
    chain.push_back(parent);
    stamp += "/" + std::to_string(parent->update_time);
    cur = parent;
  }
  const std::string cache_key = record.org_id + "/" + record.model_id;
  if (auto it = compiled_.find(cache_key); it != compiled_.end() && it->second.first == stamp)
    return it->second.second;

  std::vector<model::ThingModel> parsed;
  for (const auto* m : chain) {
    std::string detail;
    auto imported = model::import_console_json(m->body, &detail);
    if (!imported) {
      spdlog::error("model {}/{} cannot be loaded: {}", m->org_id, m->model_id, detail);
      return nullptr;
    }
    parsed.push_back(std::move(*imported));
  }
  std::vector<const model::ThingModel*> ancestors;
  for (std::size_t i = 1; i < parsed.size(); ++i) ancestors.push_back(&parsed[i]);
  std::string detail;
  auto resolved = model::resolve_inheritance(parsed[0], ancestors, &detail);
  if (!resolved) {
    spdlog::error("model {}/{} inheritance: {}", record.org_id, record.model_id, detail);
    return nullptr;
  }
  auto validator = model::Validator::compile(std::move(*resolved));
  compiled_[cache_key] = {stamp, validator};
  return validator;
}

std::shared_ptr<const Snapshot> RegistryView::rebuild(uint64_t version) {
  auto snap = std::make_shared<Snapshot>();
  snap->version_ = version;
  const auto models = registry_.all_models();
  std::unordered_map<std::string, const registry::ModelRecord*> model_by_key;
  for (const auto& m : models) model_by_key[m.org_id + "/" + m.model_id] = &m;
  const auto plans = history_plans(registry_);

  for (auto& product : registry_.all_products()) {
    auto entry = std::make_shared<ProductEntry>();
    if (auto it = model_by_key.find(product.org_id + "/" + product.model_id); it != model_by_key.end()) {
      entry->validation_enabled = it->second->validation_enabled;
      entry->validator = compile_model(*it->second, models);
    }
    if (auto it = plans.find(product.org_id + "/" + product.model_id); it != plans.end()) entry->history = it->second;
    std::string pk = product.product_key;
    entry->product = std::move(product);
    snap->products_.emplace(std::move(pk), std::move(entry));
  }
  std::unordered_map<std::string, std::string> gateway_of;  // sub-device key -> gateway key
  for (const auto& link : registry_.all_topology())
    gateway_of.emplace(device_key_of(link.sub_product_key, link.sub_device_key),
                       device_key_of(link.gateway_product_key, link.gateway_device_key));
  for (auto& device : registry_.all_devices()) {
    auto entry = std::make_shared<DeviceEntry>();
    entry->org_id = std::move(device.org_id);
    entry->asset_id = std::move(device.asset_id);
    entry->product_key = std::move(device.product_key);
    entry->device_key = std::move(device.device_key);
    entry->device_secret = std::move(device.device_secret);
    entry->enabled = device.enabled;
    if (auto it = snap->products_.find(std::string_view(entry->product_key)); it != snap->products_.end())
      entry->product = it->second;
    std::string key = device_key_of(entry->product_key, entry->device_key);
    if (auto it = gateway_of.find(key); it != gateway_of.end()) entry->gateway = std::move(it->second);
    snap->devices_.emplace(std::move(key), std::move(entry));
  }
  spdlog::debug("registry snapshot v{}: {} products, {} devices", version, snap->products_.size(),
                snap->devices_.size());
  return snap;
}

}  // namespace gridhub::hub
