// What the harness (harness.cpp) asks of each engine under test: store the data set, settle it on disk,
// read raw points and hourly averages. One implementation per engine: gridhub_engine, sqlite_engine,
// vm_engine.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dataset.hpp"

namespace gridhub::bench {

struct RawPoint {
  int64_t time_ms = 0;
  double value = 0;
};

// One window's average, timed at the window's start (the engine's own convention is converted to that).
struct AvgBucket {
  int64_t time_ms = 0;
  double value = 0;
};

// Figures of the ingest phase. "engine" time is the appending thread's wall time minus the time it spent
// generating the data (building the rows or Samples the engine is handed); see harness.cpp.
struct IngestFigures {
  uint64_t points = 0;
  double wall_s = 0;          // first write to the last one acknowledged
  double generate_s = 0;      // of wall_s: building the input on the appending thread
  double process_cpu_s = 0;   // this process (every thread) over wall_s
  std::optional<double> server_cpu_s;   // the engine's own process (VictoriaMetrics)
  double finish_s = 0;        // after the last write: flush (VictoriaMetrics' force_flush)
  uint64_t input_bytes = 0;   // bytes handed over (HTTP bodies; Gridhub's WAL bytes)
  std::map<std::string, double> extra;  // engine-specific counters, reported as they are
};

// Figures of the settling phase (compaction, merge) and the size on disk afterwards.
struct SizeFigures {
  double settle_s = 0;
  double settle_cpu_s = 0;               // this process
  std::optional<double> server_cpu_s;    // the engine's own process
  uint64_t counted_bytes = 0;            // allocated bytes (du) of what `counted` names
  uint64_t counted_apparent_bytes = 0;   // the same files' sizes
  std::string counted;                   // what was counted, for the report
  std::map<std::string, uint64_t> parts;  // top-level entries of the data dir: allocated bytes
  std::map<std::string, double> extra;
};

class Engine {
 public:
  virtual ~Engine() = default;
  // Stores the main data in arrival order (each 10 s step: every device's 4 points), then the extra series.
  virtual bool ingest(const Dataset& data, const Timeline& tl, IngestFigures& fig, std::string& error) = 0;
  // Makes the data as small as the engine makes it (compaction, merges) and measures it.
  virtual bool settle(const Timeline& tl, SizeFigures& fig, std::string& error) = 0;
  // Every point of `series` in [start_ms, end_ms), ascending.
  virtual bool read_raw(const SeriesRef& series, int64_t start_ms, int64_t end_ms, std::vector<RawPoint>& out,
                        std::string& error) = 0;
  // Hourly averages of `series` over [start_ms, end_ms).
  virtual bool hourly_avg(const SeriesRef& series, int64_t start_ms, int64_t end_ms, std::vector<AvgBucket>& out,
                          std::string& error) = 0;
  // Peak resident memory of the process that holds the data (nullopt: unknown).
  virtual std::optional<uint64_t> peak_rss_bytes() const = 0;
  virtual std::optional<uint64_t> rss_bytes() const = 0;
};

}  // namespace gridhub::bench
