// Merging per-thread call counters and exact percentiles over the kept samples.
#include "commands/call_stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace gridhub::bench {

void CallStats::merge(CallStats&& o) {
  ok += o.ok;
  failed += o.failed;
  ok_total += o.ok_total;
  failed_total += o.failed_total;
  reconnects += o.reconnects;
  for (auto& [kind, n] : o.failures) failures[kind] += n;
  if (first_failure.empty()) first_failure = std::move(o.first_failure);
  latency_ns.insert(latency_ns.end(), o.latency_ns.begin(), o.latency_ns.end());
}

LatencySummary summarize(std::vector<uint64_t>& ns) {
  LatencySummary s;
  s.count = ns.size();
  if (ns.empty()) return s;
  std::sort(ns.begin(), ns.end());
  const auto at = [&](double q) {
    // rank = ceil(q * n), 1-based. q is not exact in binary (0.9 is a little above 0.9, 0.99 a little below):
    // a tiny allowance keeps 0.9 * 10000 at 9000 and 0.99 * 10000 at 9900.
    auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(ns.size()) - 1e-6));
    rank = std::clamp<std::size_t>(rank, 1, ns.size());
    return static_cast<double>(ns[rank - 1]) / 1e6;
  };
  s.p50_ms = at(0.50);
  s.p90_ms = at(0.90);
  s.p99_ms = at(0.99);
  s.p999_ms = at(0.999);
  s.min_ms = static_cast<double>(ns.front()) / 1e6;
  s.max_ms = static_cast<double>(ns.back()) / 1e6;
  const long double sum = std::accumulate(ns.begin(), ns.end(), 0.0L);
  s.mean_ms = static_cast<double>(sum / static_cast<long double>(ns.size()) / 1e6L);
  return s;
}

}  // namespace gridhub::bench
