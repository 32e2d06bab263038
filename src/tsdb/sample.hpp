// One measured value of one series (asset, measure point) at one time: the unit the store appends, and the
// storage categories (EnOS storage types) its history may be kept in.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tsdb/value.hpp"

namespace gridhub::tsdb {

// EnOS TSDB storage types (spec enos-platform.md §3.3). The numbering is part of the on-disk formats.
enum class Category : uint8_t {
  AiRaw = 0,         // AI_RAW: every value as posted
  AiNormalized = 1,  // AI_NORMALIZED: the last value within each minute, at the minute's start
  Di = 2,            // DI
  Pi = 3,            // PI: minute-normalized like AI_NORMALIZED
  Generic = 4,       // GENERIC: any type (strings, arrays, structs)
};
inline constexpr int kCategoryCount = 5;

inline constexpr uint8_t category_bit(Category c) { return static_cast<uint8_t>(1u << static_cast<unsigned>(c)); }
inline constexpr uint8_t kAllCategoryBits = (1u << kCategoryCount) - 1;

// Minute-normalized categories keep one value per minute: its time is truncated to the minute and the last
// value written for that minute wins.
inline constexpr bool is_minute_normalized(Category c) { return c == Category::AiNormalized || c == Category::Pi; }

// "AI_RAW", "AI_NORMALIZED", "DI", "PI", "GENERIC".
std::string_view to_string(Category c);
// Exact, upper case names as above; false for anything else.
bool parse_category(std::string_view name, Category& out);

struct Sample {
  std::string asset_id;  // device
  std::string point_id;  // measure point identifier
  int64_t time_ms = 0;   // epoch milliseconds
  Value value;
  std::optional<int32_t> quality;
  // Bitmask of category_bit(): the storage types that keep this sample's history (its storage policy);
  // 0 = only the latest value is kept.
  uint8_t history = 0;
  // The storage policy group whose partitions hold that history (retention is set per group and category).
  uint32_t group = 0;
};

}  // namespace gridhub::tsdb
