// CRC-32C (Castagnoli), software slicing-by-8, plus LevelDB's mask for CRCs stored beside the data they
// cover.
#pragma once
#include <cstddef>
#include <cstdint>

namespace gridhub::tsdb::crc32c {

// CRC-32C of data[0, n) continuing from `crc` (the CRC of the bytes before them; 0 to start).
uint32_t extend(uint32_t crc, const void* data, std::size_t n) noexcept;

inline uint32_t value(const void* data, std::size_t n) noexcept { return extend(0, data, n); }

// A CRC computed over bytes that contain embedded CRCs is weak, so stored CRCs are rotated and offset
// (LevelDB util/crc32c.h).
inline constexpr uint32_t kMaskDelta = 0xa282ead8u;

inline uint32_t mask(uint32_t crc) noexcept { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }

inline uint32_t unmask(uint32_t masked) noexcept {
  uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

}  // namespace gridhub::tsdb::crc32c
