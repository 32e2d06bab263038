// The history/ tree on disk (docs/block_format.md): its names, loading every partition at open (and
// tidying what a crash left), the durable write of a block file, and the SEALED mark.
#pragma once
#include <cstdint>
#include <string>
#include <system_error>

#include "tsdb/partition_set.hpp"

namespace gridhub::tsdb {

// <history>/g<group>/<CATEGORY>/<start_ms>
std::string partition_dir(const std::string& history_dir, uint32_t group, Category category, int64_t start_ms);
std::string group_dir(const std::string& history_dir, uint32_t group);
// 0000000000000042.blk
std::string block_file_name(uint64_t id);

struct LoadResult {
  uint64_t max_block_id = 0;  // highest id seen in any file name, so new blocks never reuse one
  uint64_t blocks = 0;
  uint64_t corrupt_blocks = 0;     // set aside as *.corrupt
  uint64_t superseded_blocks = 0;  // left by a crash in the middle of a compaction; deleted
};

// Creates `history_dir` if missing and loads every partition. Removes *.tmp files and *.dropped
// directories, deletes blocks another block supersedes, renames a block that fails its checks to
// *.corrupt (logged). Only a failing file operation is an error.
std::error_code load_partitions(const std::string& history_dir, PartitionSet& out, LoadResult& result);

// Writes `bytes` as <dir>/<name> durably: <name>.tmp, fsync, rename, fsync dir. Creates `dir` (and its
// missing parents, fsyncing each parent whose entries changed) first.
std::error_code write_file_durably(const std::string& dir, const std::string& name, const std::string& bytes);

// Renames `dir` to <dir>.dropped, fsyncs its parent, then removes it: a crash leaves either the whole
// directory or a *.dropped one that the next open removes.
std::error_code remove_dir_durably(const std::string& dir);

// The SEALED mark: 0 when absent; errc::corrupt_block when it is damaged (the caller then replays more).
std::error_code read_sealed_through(const std::string& history_dir, uint64_t& segment);
std::error_code write_sealed_through(const std::string& history_dir, uint64_t segment);

}  // namespace gridhub::tsdb
