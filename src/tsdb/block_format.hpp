// Every constant of the history's on-disk layout (docs/block_format.md): the history/ tree, block files and
// the SEALED mark. Shared by block_builder.cpp, block_reader.cpp, partition_set.cpp and history_worker.cpp.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gridhub::tsdb::block {

// ---- Files ----
// <store>/history/g<group>/<CATEGORY>/<window start ms>/<block id>.blk
inline constexpr std::string_view kHistoryDir = "history";
inline constexpr std::string_view kGroupPrefix = "g";
inline constexpr std::string_view kBlockSuffix = ".blk";
inline constexpr int kBlockIdDigits = 16;                      // 0000000000000001.blk
inline constexpr std::string_view kTmpSuffix = ".tmp";         // a block being written; removed at open
inline constexpr std::string_view kCorruptSuffix = ".corrupt";  // a block that failed its checks at open
// A directory being removed (drop_group, retention) is first renamed to <name>.dropped, so a crash halfway
// through the removal leaves nothing that an open would read; open finishes the removal.
inline constexpr std::string_view kDroppedSuffix = ".dropped";
// history/SEALED: the highest WAL segment whose history samples are all in durable blocks.
inline constexpr std::string_view kSealedFile = "SEALED";
inline constexpr std::string_view kSealedTmpFile = "SEALED.tmp";
inline constexpr std::string_view kSealedMagic = "GHTSSEAL";  // 8 bytes, then u64 segment, u32 masked CRC
inline constexpr std::size_t kSealedFileSize = 8 + 8 + 4;

// ---- Block file ----
// header | frames | meta | index entries | entry offset table | footer
inline constexpr std::string_view kMagic = "GHTSBLK1";  // 8 bytes
inline constexpr uint32_t kVersion = 1;
inline constexpr std::size_t kHeaderSize = 8 + 4;
// Footer: u64 meta offset | u64 index offset | u64 table offset | u64 entry count | u32 masked CRC32C of
// [meta offset, footer) | u32 masked CRC32C of the footer's first 36 bytes | footer magic (8)
inline constexpr std::string_view kFooterMagic = "GHTSBLKF";
inline constexpr std::size_t kFooterSize = 8 * 4 + 4 + 4 + 8;
// Frame table entry in the meta section: u64 file offset | u32 stored (compressed) size | u32 raw size |
// u32 masked CRC32C of the stored bytes.
inline constexpr std::size_t kFrameEntrySize = 8 + 4 + 4 + 4;

// A frame is closed (zstd-compressed) once its raw chunks reach this size; a larger chunk is a frame alone.
inline constexpr std::size_t kFrameTargetBytes = 128 * 1024;
// A reader refuses a frame claiming more raw bytes than this (a chunk is bounded below, so frames are too).
inline constexpr std::size_t kMaxFrameRawBytes = 64u << 20;
// A series is cut into chunks of at most this many points, or of this many String/Json bytes, so one chunk
// (and the frame holding it) stays small enough to decompress for a short read.
inline constexpr std::size_t kChunkMaxPoints = 8192;
inline constexpr std::size_t kChunkMaxValueBytes = 1u << 20;

// zstd levels: fast at seal (the head must drain), denser at compaction (done once per partition).
inline constexpr int kSealLevel = 1;
inline constexpr int kCompactLevel = 6;
// A partition with this many blocks is compacted even while its window is still open.
inline constexpr std::size_t kCompactMinBlocks = 4;

}  // namespace gridhub::tsdb::block
