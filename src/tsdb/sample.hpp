// One measured value of one series (asset, measure point) at one time: the unit the store appends.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "tsdb/value.hpp"

namespace gridhub::tsdb {

struct Sample {
  std::string asset_id;  // device
  std::string point_id;  // measure point identifier
  int64_t time_ms = 0;   // epoch milliseconds
  Value value;
  std::optional<int32_t> quality;
  uint8_t category = 0;  // storage category (opaque to the WAL; a later step defines AI_RAW/DI/... here)
  bool store_history = false;  // false: only the latest value is kept (no storage policy yet)
};

}  // namespace gridhub::tsdb
