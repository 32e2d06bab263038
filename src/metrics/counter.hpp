// Counters and gauges without labels: one relaxed atomic each, on its own cache line so that io threads
// updating different metrics do not share one. A gauge may also be read from a function at scrape time.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>

#include "metrics/registry.hpp"

namespace gridhub::metrics {

// Only goes up (Prometheus: a _total name). inc() is one atomic add: no lock, no allocation.
class Counter final : public Metric {
 public:
  Counter(std::string_view name, std::string_view help, Registry& registry = default_registry())
      : Metric(registry, name, help) {}
  void inc(uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }
  void render(std::string& out) const override;

 private:
  alignas(64) std::atomic<uint64_t> value_{0};
  Registration registration_{*this};  // last: see Registration
};

// Goes up and down (open connections). Signed: a transient negative sum of racing add/sub stays readable.
class Gauge final : public Metric {
 public:
  Gauge(std::string_view name, std::string_view help, Registry& registry = default_registry())
      : Metric(registry, name, help) {}
  void add(int64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  void sub(int64_t n = 1) noexcept { value_.fetch_sub(n, std::memory_order_relaxed); }
  void set(int64_t n) noexcept { value_.store(n, std::memory_order_relaxed); }
  int64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }
  void render(std::string& out) const override;

 private:
  alignas(64) std::atomic<int64_t> value_{0};
  Registration registration_{*this};
};

// A gauge whose value is read when scraped (resident memory, open descriptors, uptime). `read` runs on the
// scraping thread, with the registry's lock held: it must be thread-safe and must not touch the registry.
class GaugeFunction final : public Metric {
 public:
  GaugeFunction(std::string_view name, std::string_view help, std::function<double()> read,
                Registry& registry = default_registry())
      : Metric(registry, name, help), read_(std::move(read)) {}
  void render(std::string& out) const override;

 private:
  std::function<double()> read_;
  Registration registration_{*this};
};

}  // namespace gridhub::metrics
