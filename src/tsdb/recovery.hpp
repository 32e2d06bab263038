// Start-up recovery: load the checkpoint, replay newer WAL segments into the latest-value table and the
// history not yet sealed into the head, and tidy what a crash left (torn tails truncated, a half-written
// checkpoint removed, segments both checkpointed and sealed deleted).
#pragma once
#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

#include "tsdb/head.hpp"
#include "tsdb/latest_table.hpp"

namespace gridhub::tsdb {

struct SegmentInfo {
  uint64_t number = 0;
  // Holds history (a sample with a mask, a deletion, a group drop) not yet sealed into blocks: kept until
  // the SEALED mark passes it.
  bool has_history = false;
};

struct RecoveryResult {
  uint64_t covered_segment = 0;       // segments <= this are in the checkpoint
  std::vector<SegmentInfo> segments;  // segments still on disk after recovery, ascending
  uint64_t next_segment = 1;          // number for the segment the store writes next
  uint64_t records = 0;               // WAL records replayed
  uint64_t samples = 0;               // samples replayed into the table
  uint64_t history_samples = 0;       // samples replayed into the head
  uint64_t damaged_segments = 0;      // segments whose replay stopped early (torn or corrupt)
};

// `dir` must exist with its `wal/` subdirectory. History records of segments > sealed_through are replayed
// into `head` in log order (deletions included). Damage in the data is logged and survived; only a failing
// file operation (unreadable segment, failed truncate or delete) is returned as an error.
std::error_code recover(const std::string& dir, LatestTable& table, Head& head, uint64_t sealed_through,
                        RecoveryResult& out);

}  // namespace gridhub::tsdb
