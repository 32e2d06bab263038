// Every bound the tsdb module enforces (STYLE.md item 5); tests check each at N and N+1.
#pragma once
#include <chrono>
#include <cstddef>

namespace gridhub::tsdb {

// Longest asset id and measure point id a sample may carry (EnOS ids are far shorter; this bounds memory).
inline constexpr std::size_t kMaxAssetIdBytes = 256;
inline constexpr std::size_t kMaxPointIdBytes = 256;
// Longest String/Json value (an EnOS message is at most 512 KiB, so a real value is always smaller).
inline constexpr std::size_t kMaxValueBytes = 1024 * 1024;

// Ceiling for StoreOptions::max_batch_bytes. The WAL reader refuses a logical record larger than this, so a
// corrupt length can never make replay allocate without bound.
inline constexpr std::size_t kMaxRecordBytes = 256 * 1024 * 1024;
// Ceiling for StoreOptions::wal_segment_bytes.
inline constexpr std::size_t kMaxSegmentBytes = std::size_t{1} << 30;

// Durability::None keeps framed records in memory until this many bytes are pending, or the oldest has waited
// kBufferedWriteDelay: few large write()s, at the price of losing that much on a process crash.
inline constexpr std::size_t kBufferedWriteBytes = 256 * 1024;
inline constexpr std::chrono::milliseconds kBufferedWriteDelay{200};

// ---- History ----
// Most points one chunk (one series in one block) may hold; a chunk header claiming more is corrupt.
inline constexpr std::size_t kMaxChunkPoints = 16 * 1024 * 1024;
// Most windows one aggregate() may produce.
inline constexpr std::size_t kMaxAggregateWindows = 1000000;
// A seal that failed (a full disk, say) is retried after this long; the head and its WAL segments are kept.
inline constexpr std::chrono::milliseconds kSealRetryDelay{5000};
// Most point ids one delete_range() may name (each is logged in its WAL record).
inline constexpr std::size_t kMaxDeletePoints = 10000;

}  // namespace gridhub::tsdb
