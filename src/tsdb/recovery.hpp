// Start-up recovery: load the checkpoint, replay newer WAL segments into the latest-value table, and tidy
// what a crash left (torn tails truncated, a half-written checkpoint removed, covered segments deleted).
#pragma once
#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

#include "tsdb/latest_table.hpp"

namespace gridhub::tsdb {

struct SegmentInfo {
  uint64_t number = 0;
  bool has_history = false;  // holds a store_history sample: kept until a history layer has consumed it
};

struct RecoveryResult {
  uint64_t covered_segment = 0;       // segments <= this are in the checkpoint
  std::vector<SegmentInfo> segments;  // segments still on disk after recovery, ascending
  uint64_t next_segment = 1;          // number for the segment the store writes next
  uint64_t records = 0;               // WAL records replayed
  uint64_t samples = 0;               // samples replayed
  uint64_t damaged_segments = 0;      // segments whose replay stopped early (torn or corrupt)
};

// `dir` must exist with its `wal/` subdirectory. Damage in the data is logged and survived; only a failing
// file operation (unreadable segment, failed truncate or delete) is returned as an error.
std::error_code recover(const std::string& dir, LatestTable& table, RecoveryResult& out);

}  // namespace gridhub::tsdb
