// Histogram updates and rendering.
#include "metrics/histogram.hpp"

#include <algorithm>
#include <cmath>

#include "metrics/text_format.hpp"

namespace gridhub::metrics {

namespace {

std::vector<double> clean_bounds(std::vector<double> b) {
  b.erase(std::remove_if(b.begin(), b.end(), [](double v) { return !std::isfinite(v); }), b.end());
  std::sort(b.begin(), b.end());
  b.erase(std::unique(b.begin(), b.end()), b.end());
  return b;
}

}  // namespace

Histogram::Histogram(std::string_view name, std::string_view help, std::vector<double> upper_bounds,
                     Registry& registry)
    : Metric(registry, name, help),
      bounds_(clean_bounds(std::move(upper_bounds))),
      counts_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {}

void Histogram::observe(double value) noexcept {
  if (std::isnan(value)) return;
  const auto i = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

uint64_t Histogram::cumulative_count(std::size_t i) const noexcept {
  uint64_t n = 0;
  for (std::size_t b = 0; b <= std::min(i, bounds_.size()); ++b) n += counts_[b].load(std::memory_order_relaxed);
  return n;
}

void Histogram::render(std::string& out) const {
  append_header(name(), help(), "histogram", out);
  // One pass over the counts, so the buckets are cumulative and the +Inf bucket equals _count even while
  // other threads observe.
  uint64_t n = 0;
  for (std::size_t b = 0; b <= bounds_.size(); ++b) {
    n += counts_[b].load(std::memory_order_relaxed);
    out += name();
    out += "_bucket{le=\"";
    if (b < bounds_.size()) append_value(bounds_[b], out);
    else out += "+Inf";
    out += "\"} ";
    append_value(n, out);
    out += '\n';
  }
  out += name();
  out += "_sum ";
  append_value(sum(), out);
  out += '\n';
  out += name();
  out += "_count ";
  append_value(n, out);
  out += '\n';
}

std::vector<double> fsync_seconds_buckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
}

std::vector<double> command_seconds_buckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

}  // namespace gridhub::metrics
