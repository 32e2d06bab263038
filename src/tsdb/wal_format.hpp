// Every constant of the on-disk formats (docs/wal_format.md): WAL segment framing, record payloads and the
// checkpoint file. Shared by wal_writer.cpp, wal_reader.cpp, sample_codec.cpp and checkpoint.cpp.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gridhub::tsdb::wal {

// ---- Files ----
inline constexpr std::string_view kWalDir = "wal";
inline constexpr std::string_view kSegmentSuffix = ".log";
inline constexpr int kSegmentDigits = 8;  // wal/00000001.log; more digits once numbers outgrow them
inline constexpr std::string_view kCheckpointFile = "latest.chk";
inline constexpr std::string_view kCheckpointTmpFile = "latest.chk.tmp";
inline constexpr std::string_view kCheckpointCorruptFile = "latest.chk.corrupt";
inline constexpr std::string_view kLockFile = "LOCK";

// ---- Physical records (LevelDB log framing) ----
// A segment is a sequence of 32 KiB blocks; a record never straddles a block boundary, it is split into
// fragments instead, so a reader can always find the next header from a block start.
inline constexpr std::size_t kBlockSize = 32768;
// Header: masked CRC32C (4, over type + payload), payload length (2), type (1); little-endian.
inline constexpr std::size_t kHeaderSize = 4 + 2 + 1;

enum class RecordType : uint8_t {
  Zero = 0,  // never written: zero bytes (a preallocated or zero-filled tail) read as this
  Full = 1,
  First = 2,
  Middle = 3,
  Last = 4,
};
inline constexpr uint8_t kMaxRecordType = 4;

// ---- Logical record payloads ----
// First payload byte: what the record holds. A new layout gets a new kind, never a change to an old one.
enum class PayloadKind : uint8_t {
  Samples = 1,      // varint count, then `count` encoded samples
  ForgetAsset = 2,  // length-prefixed asset id whose latest values are dropped
  DeleteRange = 3,  // delete_range(): asset, varint n, n point ids, zigzag start, zigzag end
  DropGroup = 4,    // drop_group(): varint group
};

// Flags byte of an encoded sample.
inline constexpr uint8_t kFlagQuality = 0x01;  // a zigzag varint quality follows the value
// A varint group follows the history mask. Always set when Sample::history != 0 (a mask without its group is
// corrupt); also set for a latest-only sample whose group is not 0, so latest() reads back the same sample.
inline constexpr uint8_t kFlagHistory = 0x02;
inline constexpr uint8_t kFlagSameAsset = 0x04;  // asset id omitted: same as the previous sample's
inline constexpr uint8_t kKnownFlags = kFlagQuality | kFlagHistory | kFlagSameAsset;
// Fewest bytes an encoded sample takes (flags, 1-byte point id, time, history mask, kind, 1-byte value): a count
// claiming more samples than the remaining bytes could hold is corrupt, and is never used to reserve memory.
inline constexpr std::size_t kMinEncodedSampleBytes = 7;

// ---- Checkpoint file (latest.chk) ----
// magic (8) | version fixed32 | covered segment fixed64 | entry count fixed64 | entries | masked CRC32C
// fixed32
inline constexpr std::string_view kCheckpointMagic = "GHTSDBLV";  // 8 bytes
// Version 2: entries carry the history mask and group (version 1, with a category byte, is not read: the
// store was never released with it).
inline constexpr uint32_t kCheckpointVersion = 2;
inline constexpr std::size_t kCheckpointHeaderSize = 8 + 4 + 8 + 8;
inline constexpr std::size_t kCheckpointTrailerSize = 4;

}  // namespace gridhub::tsdb::wal
