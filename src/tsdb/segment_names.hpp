// WAL segment file names: wal/00000001.log, numbered from 1, compared as numbers (not as text).
#pragma once
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "tsdb/wal_format.hpp"

namespace gridhub::tsdb::wal {

inline std::string segment_file_name(uint64_t number) {
  std::string digits = std::to_string(number);
  if (digits.size() < kSegmentDigits) digits.insert(0, kSegmentDigits - digits.size(), '0');
  return digits + std::string(kSegmentSuffix);
}

// True for a name segment_file_name() could have made; sets `number`.
inline bool parse_segment_file_name(std::string_view name, uint64_t& number) {
  if (name.size() <= kSegmentSuffix.size() || !name.ends_with(kSegmentSuffix)) return false;
  const std::string_view digits = name.substr(0, name.size() - kSegmentSuffix.size());
  if (digits.size() < static_cast<std::size_t>(kSegmentDigits)) return false;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
  }
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  return ec == std::errc() && end == digits.data() + digits.size() && number > 0;
}

}  // namespace gridhub::tsdb::wal
