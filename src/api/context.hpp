// What every API handler may use: the registry, the store, the hub, the clock and the compiled-model cache.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>

#include "api/model_cache.hpp"
#include "hub/hub.hpp"
#include "registry/registry.hpp"
#include "tsdb/time_series_store.hpp"

namespace gridhub::api {

inline int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Shared by every io thread: the references are thread-safe services, the cache locks itself, and now_ms must
// be callable from any thread.
struct ApiContext {
  ApiContext(registry::Registry& r, tsdb::TimeSeriesStore& s, hub::Hub& h) : registry(r), store(s), hub(h) {}
  ApiContext(const ApiContext&) = delete;
  ApiContext& operator=(const ApiContext&) = delete;

  registry::Registry& registry;
  tsdb::TimeSeriesStore& store;
  hub::Hub& hub;
  // Time is passed in (tests fix it); epoch milliseconds.
  std::function<int64_t()> now_ms = system_now_ms;
  ModelCache models;
};

}  // namespace gridhub::api
