// What one thread's HTTP callers saw: every call's outcome and the latency of each successful measured call,
// kept whole (a phase is at most a few hundred thousand calls) so that percentiles are exact.
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace gridhub::bench {

using Clock = std::chrono::steady_clock;

struct CallStats {
  uint64_t ok = 0, failed = 0;              // measured calls
  uint64_t ok_total = 0, failed_total = 0;  // warm-up included
  std::map<std::string, uint64_t> failures;  // by kind, warm-up included
  std::string first_failure;                 // the first failed answer, shortened, for the report
  uint64_t reconnects = 0;                   // connections opened again after a failure or a server close
  std::vector<uint64_t> latency_ns;          // successful measured calls: request write -> response read

  void merge(CallStats&& o);
};

struct LatencySummary {
  uint64_t count = 0;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, p999_ms = 0, max_ms = 0, mean_ms = 0, min_ms = 0;
};

// Nearest-rank percentiles (the smallest sample with at least q of the samples at or below it). Sorts `ns`.
LatencySummary summarize(std::vector<uint64_t>& ns);

}  // namespace gridhub::bench
