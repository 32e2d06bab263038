// The partitions readers see: an immutable snapshot of every (group, category, window) with its blocks.
// The history worker builds a new snapshot for each change and swaps it in (history.cpp); a query keeps the
// one it started with, so it never waits for a seal and a block deleted meanwhile stays mapped.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "tsdb/block_reader.hpp"
#include "tsdb/sample.hpp"

namespace gridhub::tsdb {

struct Partition {
  uint32_t group = 0;
  Category category = Category::AiRaw;
  int64_t start_ms = 0;  // window [start_ms, last_ms], inclusive so that a window may end at INT64_MAX
  int64_t last_ms = 0;
  std::string dir;
  std::vector<std::shared_ptr<const BlockReader>> blocks;  // ascending id: later ones win equal timestamps
};

// Ordered by category first, so one query walks the groups of its category without touching the others.
using PartitionKey = std::tuple<uint8_t, uint32_t, int64_t>;  // (category, group, start_ms)

inline PartitionKey partition_key(Category c, uint32_t group, int64_t start_ms) {
  return {static_cast<uint8_t>(c), group, start_ms};
}

struct PartitionSet {
  std::map<PartitionKey, std::shared_ptr<const Partition>> partitions;
};

}  // namespace gridhub::tsdb
