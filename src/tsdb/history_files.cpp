// The history/ tree: names, the scan at open, durable block and directory operations, the SEALED mark.
#include "tsdb/history_files.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <set>

#include "tsdb/block_format.hpp"
#include "tsdb/coding.hpp"
#include "tsdb/crc32c.hpp"
#include "tsdb/errc.hpp"
#include "tsdb/file_util.hpp"

namespace gridhub::tsdb {

namespace {

namespace stdfs = std::filesystem;

template <typename T>
bool parse_number(std::string_view text, T& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool parse_group_dir(std::string_view name, uint32_t& group) {
  if (!name.starts_with(block::kGroupPrefix)) return false;
  name.remove_prefix(block::kGroupPrefix.size());
  return !name.empty() && name[0] != '-' && name[0] != '+' && parse_number(name, group);
}

// "<digits>.blk" (also inside "<digits>.blk.corrupt"), for the id.
bool parse_block_id(std::string_view name, uint64_t& id) {
  const auto dot = name.find('.');
  if (dot == std::string_view::npos || name.substr(dot, block::kBlockSuffix.size()) != block::kBlockSuffix) {
    return false;
  }
  return parse_number(name.substr(0, dot), id);
}

std::error_code remove_all_logged(const stdfs::path& p) {
  std::error_code ec;
  stdfs::remove_all(p, ec);
  if (ec) spdlog::error("tsdb: removing {} failed: {}", p.string(), ec.message());
  return ec;
}

void set_aside(const std::string& path, const char* why) {
  std::error_code ec;
  stdfs::rename(path, path + std::string(block::kCorruptSuffix), ec);
  spdlog::error("tsdb: block {} {}; set aside as {}{}{}", path, why, block::kCorruptSuffix,
                ec ? ", and the rename failed: " : "", ec ? ec.message() : "");
}

// Loads one partition directory into `out` (nothing when it holds no good block).
std::error_code load_partition(const stdfs::path& dir, uint32_t group, Category category, int64_t start,
                               PartitionSet& out, LoadResult& result) {
  std::vector<std::shared_ptr<const BlockReader>> blocks;
  std::error_code ec;
  for (stdfs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const std::string path = it->path().string();
    uint64_t id = 0;
    if (name.ends_with(block::kTmpSuffix)) {
      std::error_code rm;
      stdfs::remove(it->path(), rm);  // a block cut short by a crash: never renamed, never read
      continue;
    }
    if (!parse_block_id(name, id)) continue;
    result.max_block_id = std::max(result.max_block_id, id);
    if (!name.ends_with(block::kBlockSuffix)) continue;  // *.corrupt
    std::shared_ptr<const BlockReader> reader;
    if (auto err = BlockReader::open(path, reader)) {
      if (err != errc::corrupt_block) return err;
      set_aside(path, "failed its checks at open");
      ++result.corrupt_blocks;
      continue;
    }
    const BlockMeta& m = reader->meta();
    if (m.group != group || m.category != category || m.start_ms != start || m.id != id) {
      set_aside(path, "does not belong to its directory");
      ++result.corrupt_blocks;
      continue;
    }
    blocks.push_back(std::move(reader));
  }
  if (ec) return ec;
  std::sort(blocks.begin(), blocks.end(), [](const auto& a, const auto& b) { return a->meta().id < b->meta().id; });
  // A compaction or deletion that crashed after its new block was durable and before it unlinked the blocks
  // it replaces: those are deleted now (their points are in the new block, or were deleted).
  std::set<uint64_t> superseded;
  for (const auto& b : blocks) superseded.insert(b->meta().supersedes.begin(), b->meta().supersedes.end());
  bool removed = false;
  std::erase_if(blocks, [&](const std::shared_ptr<const BlockReader>& b) {
    if (!superseded.count(b->meta().id)) return false;
    std::error_code rm;
    stdfs::remove(b->path(), rm);
    spdlog::info("tsdb: removed superseded block {}", b->path());
    ++result.superseded_blocks;
    removed = true;
    return true;
  });
  if (removed) {
    if (auto err = fs::sync_dir(dir.string())) return err;
  }
  // Blocks of one partition share its window; one that disagrees came from elsewhere.
  std::erase_if(blocks, [&](const std::shared_ptr<const BlockReader>& b) {
    if (b->meta().last_ms == blocks.front()->meta().last_ms) return false;
    set_aside(b->path(), "has another window than its partition");
    ++result.corrupt_blocks;
    return true;
  });
  if (blocks.empty()) return {};
  auto p = std::make_shared<Partition>();
  p->group = group;
  p->category = category;
  p->start_ms = start;
  p->last_ms = blocks.front()->meta().last_ms;
  p->dir = dir.string();
  result.blocks += blocks.size();
  p->blocks = std::move(blocks);
  out.partitions[partition_key(category, group, start)] = std::move(p);
  return {};
}

}  // namespace

std::string group_dir(const std::string& history_dir, uint32_t group) {
  return history_dir + "/" + std::string(block::kGroupPrefix) + std::to_string(group);
}

std::string partition_dir(const std::string& history_dir, uint32_t group, Category category, int64_t start_ms) {
  return group_dir(history_dir, group) + "/" + std::string(to_string(category)) + "/" + std::to_string(start_ms);
}

std::string block_file_name(uint64_t id) {
  std::string digits = std::to_string(id);
  if (digits.size() < block::kBlockIdDigits) digits.insert(0, block::kBlockIdDigits - digits.size(), '0');
  return digits + std::string(block::kBlockSuffix);
}

std::error_code load_partitions(const std::string& history_dir, PartitionSet& out, LoadResult& result) {
  out = PartitionSet{};
  result = LoadResult{};
  std::error_code ec;
  stdfs::create_directories(history_dir, ec);
  if (ec) return ec;
  stdfs::remove(history_dir + "/" + std::string(block::kSealedTmpFile), ec);
  for (stdfs::directory_iterator g(history_dir, ec), gend; !ec && g != gend; g.increment(ec)) {
    const std::string gname = g->path().filename().string();
    if (gname.ends_with(block::kDroppedSuffix)) {
      remove_all_logged(g->path());
      continue;
    }
    uint32_t group = 0;
    std::error_code type_ec;
    if (!g->is_directory(type_ec) || !parse_group_dir(gname, group)) continue;
    std::error_code cec;
    for (stdfs::directory_iterator c(g->path(), cec), cend; !cec && c != cend; c.increment(cec)) {
      Category category;
      if (!c->is_directory(type_ec) || !parse_category(c->path().filename().string(), category)) continue;
      std::error_code pec;
      for (stdfs::directory_iterator p(c->path(), pec), pend; !pec && p != pend; p.increment(pec)) {
        const std::string pname = p->path().filename().string();
        if (pname.ends_with(block::kDroppedSuffix)) {
          remove_all_logged(p->path());
          continue;
        }
        int64_t start = 0;
        if (!p->is_directory(type_ec) || !parse_number(pname, start)) continue;
        if (auto err = load_partition(p->path(), group, category, start, out, result)) return err;
      }
      if (pec) return pec;
    }
    if (cec) return cec;
  }
  return ec;
}

std::error_code write_file_durably(const std::string& dir, const std::string& name, const std::string& bytes) {
  // Create missing parents one by one, fsyncing each parent that gained an entry.
  std::error_code exists_ec;
  if (!stdfs::exists(dir, exists_ec)) {
    if (exists_ec) return exists_ec;
    std::vector<stdfs::path> missing;
    for (stdfs::path p = dir; !p.empty() && !stdfs::exists(p, exists_ec); p = p.parent_path()) {
      if (exists_ec) return exists_ec;
      missing.push_back(p);
    }
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
      std::error_code ec;
      stdfs::create_directory(*it, ec);
      if (ec) return ec;
      if (auto err = fs::sync_dir(it->parent_path().string())) return err;
    }
  }
  return fs::replace_file_durably(dir, name + std::string(block::kTmpSuffix), name, bytes);
}

std::error_code remove_dir_durably(const std::string& dir) {
  std::error_code ec;
  if (!stdfs::exists(dir, ec)) return ec;
  const std::string doomed = dir + std::string(block::kDroppedSuffix);
  stdfs::rename(dir, doomed, ec);
  if (ec) return ec;
  if (auto err = fs::sync_dir(stdfs::path(dir).parent_path().string())) return err;
  // Past the rename the data is gone for every reader and every later open, which finishes the removal.
  remove_all_logged(doomed);
  return {};
}

std::error_code read_sealed_through(const std::string& history_dir, uint64_t& segment) {
  segment = 0;
  const std::string path = history_dir + "/" + std::string(block::kSealedFile);
  std::error_code ec;
  if (!stdfs::exists(path, ec)) return ec;
  fs::MappedFile file;
  if (auto err = file.open(path)) return err;
  const auto b = file.bytes();
  if (b.size() != block::kSealedFileSize || std::string_view(reinterpret_cast<const char*>(b.data()), 8) != block::kSealedMagic ||
      crc32c::unmask(coding::load_fixed32(b.data() + 16)) != crc32c::value(b.data(), 16)) {
    return errc::corrupt_block;
  }
  segment = coding::load_fixed64(b.data() + 8);
  return {};
}

std::error_code write_sealed_through(const std::string& history_dir, uint64_t segment) {
  std::string bytes(block::kSealedMagic);
  coding::put_fixed64(bytes, segment);
  coding::put_fixed32(bytes, crc32c::mask(crc32c::value(bytes.data(), bytes.size())));
  return fs::replace_file_durably(history_dir, std::string(block::kSealedTmpFile), std::string(block::kSealedFile),
                                  bytes);
}

}  // namespace gridhub::tsdb
