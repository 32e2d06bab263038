// The one JSON line a run prints: what run.sh parses and docs/benchmarks.md tabulates.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "loadgen/options.hpp"
#include "loadgen/run_stats.hpp"

namespace gridhub::bench {

// Measured by the main thread around the workers.
struct RunTimes {
  std::size_t connections = 0;
  double connect_seconds = 0;     // first connect attempt to last CONNACK
  double window_seconds = 0;      // measured load window (or idle hold)
  std::optional<double> server_cpu_cores, loadgen_cpu_cores;  // CPU seconds / window seconds
  std::optional<double> machine_cpu_cores;                    // every process, same window
  std::optional<uint64_t> server_rss_before, server_rss_after;
  std::size_t storm_held = 0;     // --reconnect-storm: logged in when the server went away
  bool storm_timed_out = false;   // not every held connection came back within --storm-timeout
};

std::string result_line(const Options& options, const RunStats& stats, const RunTimes& times);

}  // namespace gridhub::bench
