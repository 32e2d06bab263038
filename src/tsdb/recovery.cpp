// Recovery at open: checkpoint first, then every newer segment in number order, each read up to its first
// damage. Runs before the writer thread starts, so nothing else touches the table or the files.
#include "tsdb/recovery.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "tsdb/checkpoint.hpp"
#include "tsdb/errc.hpp"
#include "tsdb/file_util.hpp"
#include "tsdb/sample_codec.hpp"
#include "tsdb/segment_names.hpp"
#include "tsdb/wal_format.hpp"
#include "tsdb/wal_reader.hpp"

namespace gridhub::tsdb {

namespace {

namespace stdfs = std::filesystem;

// Loads latest.chk if there is one. A damaged checkpoint is set aside (renamed, for a post-mortem) and
// recovery goes on from the WAL alone: losing it loses only what covered segments held, which is logged.
std::error_code load_checkpoint(const std::string& dir, LatestTable& table, uint64_t& covered) {
  const std::string path = dir + "/" + std::string(wal::kCheckpointFile);
  std::error_code ec;
  std::filesystem::remove(dir + "/" + std::string(wal::kCheckpointTmpFile), ec);  // a checkpoint cut short
  if (!stdfs::exists(path, ec)) return ec;  // absent: no error, a fresh store or one never checkpointed
  fs::MappedFile file;
  if (auto err = file.open(path)) return err;
  if (decode_checkpoint(file.bytes(), table, covered)) {
    spdlog::error("tsdb: checkpoint {} is corrupt ({} bytes); set aside as {}, recovering from the WAL alone",
                  path, file.bytes().size(), wal::kCheckpointCorruptFile);
    stdfs::rename(path, dir + "/" + std::string(wal::kCheckpointCorruptFile), ec);
    covered = 0;
    return ec;
  }
  return {};
}

// Replays one segment: into `table` when `replay` (not covered by the checkpoint), into `head` when
// `history` (not sealed). Truncates a torn tail; stops at corruption.
std::error_code read_segment(const std::string& path, bool replay, bool history, LatestTable& table, Head& head,
                             SegmentInfo& info, RecoveryResult& out) {
  uint64_t torn_at = 0;
  bool torn = false;
  {
    fs::MappedFile file;
    if (auto ec = file.open(path)) return ec;
    WalReader reader(file.bytes());
    std::span<const uint8_t> record;
    uint64_t offset = 0;
    DecodedPayload payload;
    bool stopped = false;
    while (reader.next(record, offset)) {
      if (decode_payload(record, payload)) {
        // The CRC matched, so these bytes are what was written: a writer bug or a foreign file, never a torn
        // write.
        spdlog::error("tsdb: {}: undecodable record at offset {}; replay of this segment stops there", path,
                      offset);
        ++out.damaged_segments;
        stopped = true;
        break;
      }
      switch (payload.kind) {
        case wal::PayloadKind::ForgetAsset:
          if (replay) table.forget(payload.asset_id);
          break;
        case wal::PayloadKind::DeleteRange:
          info.has_history = info.has_history || history;
          if (history) head.erase(payload.deletion);
          break;
        case wal::PayloadKind::DropGroup:
          info.has_history = info.has_history || history;
          if (history) head.drop_group(payload.group);
          break;
        case wal::PayloadKind::Samples: {
          const bool any_history = std::any_of(payload.samples.begin(), payload.samples.end(),
                                               [](const Sample& s) { return s.history != 0; });
          if (history && any_history) {
            info.has_history = true;
            head.append(payload.samples);  // before the table, which moves the strings out
            for (const Sample& s : payload.samples) out.history_samples += s.history != 0;
          }
          if (replay) {
            out.samples += payload.samples.size();
            table.apply(payload.samples);
          }
          break;
        }
      }
      if (replay || history) ++out.records;
    }
    if (!stopped && reader.end() == WalEnd::Corrupt) {
      spdlog::error("tsdb: {}: corrupt record at offset {} ({}); replay of this segment stops there", path,
                    reader.end_offset(), reader.reason());
      ++out.damaged_segments;
    } else if (!stopped && reader.end() == WalEnd::TornTail) {
      spdlog::warn("tsdb: {}: torn tail at offset {} of {} ({}); truncated", path, reader.end_offset(),
                   file.bytes().size(), reader.reason());
      ++out.damaged_segments;
      torn = true;
      torn_at = reader.end_offset();
    }
  }
  if (torn) return fs::truncate_file(path, torn_at);
  return {};
}

}  // namespace

std::error_code recover(const std::string& dir, LatestTable& table, Head& head, uint64_t sealed_through,
                        RecoveryResult& out) {
  out = RecoveryResult{};
  if (auto ec = load_checkpoint(dir, table, out.covered_segment)) return ec;

  const std::string wal_dir = dir + "/" + std::string(wal::kWalDir);
  std::vector<uint64_t> numbers;
  std::error_code ec;
  for (stdfs::directory_iterator it(wal_dir, ec), end; !ec && it != end; it.increment(ec)) {
    uint64_t n = 0;
    if (wal::parse_segment_file_name(it->path().filename().native(), n)) numbers.push_back(n);
  }
  if (ec) return ec;
  std::sort(numbers.begin(), numbers.end());

  bool removed = false;
  for (uint64_t n : numbers) {
    const std::string path = wal_dir + "/" + wal::segment_file_name(n);
    SegmentInfo info{n, false};
    const bool replay = n > out.covered_segment;
    const bool history = n > sealed_through;
    if (replay || history) {
      if (auto err = read_segment(path, replay, history, table, head, info, out)) return err;
    }
    if (!replay && !info.has_history) {
      // Covered by the checkpoint (and its history sealed): a crash came between the checkpoint's rename and
      // this segment's removal.
      if (!stdfs::remove(path, ec) && ec) return ec;
      removed = true;
      continue;
    }
    out.segments.push_back(info);
  }
  if (removed) {
    if (auto err = fs::sync_dir(wal_dir)) return err;
  }
  const uint64_t last = numbers.empty() ? 0 : numbers.back();
  out.next_segment = std::max(last, out.covered_segment) + 1;
  return {};
}

}  // namespace gridhub::tsdb
