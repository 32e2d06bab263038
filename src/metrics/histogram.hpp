// A histogram with fixed buckets, as Prometheus has them: cumulative `_bucket{le="..."}` counts (a value equal
// to a bound falls in that bound's bucket), a "+Inf" bucket, `_sum` and `_count`. observe() is two relaxed
// atomic adds after a binary search of the bounds: no lock, no allocation.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "metrics/registry.hpp"

namespace gridhub::metrics {

class Histogram final : public Metric {
 public:
  // `upper_bounds`: the buckets' upper bounds. They are sorted and de-duplicated, and NaN and infinities are
  // dropped (+Inf is always there), so any list gives a valid histogram.
  Histogram(std::string_view name, std::string_view help, std::vector<double> upper_bounds,
            Registry& registry = default_registry());

  // NaN is ignored: it would make _sum NaN for ever.
  void observe(double value) noexcept;
  template <class Rep, class Period>
  void observe(std::chrono::duration<Rep, Period> d) noexcept {
    observe(std::chrono::duration<double>(d).count());
  }

  const std::vector<double>& upper_bounds() const noexcept { return bounds_; }
  // Observations <= upper_bounds()[i]; i == upper_bounds().size() is the +Inf bucket, which is count().
  uint64_t cumulative_count(std::size_t i) const noexcept;
  uint64_t count() const noexcept { return cumulative_count(bounds_.size()); }
  double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }
  void render(std::string& out) const override;

 private:
  std::vector<double> bounds_;
  // Per-bucket (not cumulative) counts, the last one for values above every bound. _count is their sum, so
  // the +Inf bucket and _count always agree.
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::atomic<double> sum_{0.0};
  Registration registration_{*this};  // last: see Registration
};

// Bucket bounds for latencies in seconds.
std::vector<double> fsync_seconds_buckets();    // 100 µs .. 2.5 s
std::vector<double> command_seconds_buckets();  // 5 ms .. 60 s

}  // namespace gridhub::metrics
