// The compiled-model cache: keyed by model, checked against the update times of the model's whole chain.
#include "api/model_cache.hpp"

#include "api/limits.hpp"
#include "api/model_chain.hpp"

#include <functional>

namespace gridhub::api {

boost::system::result<std::shared_ptr<const model::Validator>> ModelCache::validator(registry::Registry& reg,
                                                                                     std::string_view org,
                                                                                     std::string_view model_id,
                                                                                     std::string& message) {
  auto chain = load_chain(reg, org, model_id, message);
  if (!chain) return chain.error();
  std::string stamp;
  for (const auto& rec : *chain) stamp.append(rec.model_id).push_back(':');
  // update_time has millisecond resolution; the body's hash tells apart two updates within one millisecond.
  for (const auto& rec : *chain) {
    stamp.append(std::to_string(rec.update_time)).push_back('#');
    stamp.append(std::to_string(std::hash<std::string>{}(rec.body))).push_back(rec.validation_enabled ? '+' : '-');
  }
  std::string key(org);
  key.push_back('/');
  key.append(model_id);
  {
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(key); it != entries_.end() && it->second.first == stamp) return it->second.second;
  }
  // Compiled outside the lock: two threads may both compile a new version once; both results are equal.
  auto loaded = resolve_chain(std::move(*chain), message);
  if (!loaded) return loaded.error();
  auto v = model::Validator::compile(std::move(loaded->resolved));
  std::lock_guard lock(mutex_);
  if (entries_.size() >= kMaxCachedModels) entries_.clear();
  entries_[key] = {stamp, v};
  return v;
}

}  // namespace gridhub::api
