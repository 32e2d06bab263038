// Checkpoint encoding: header, one encoded sample per series (the WAL's sample layout), masked CRC32C
// trailer.
#include "tsdb/checkpoint.hpp"

#include <vector>

#include "tsdb/coding.hpp"
#include "tsdb/crc32c.hpp"
#include "tsdb/errc.hpp"
#include "tsdb/sample_codec.hpp"
#include "tsdb/wal_format.hpp"

namespace gridhub::tsdb {

void encode_checkpoint(const LatestTable& table, uint64_t covered_segment, std::string& out) {
  const std::size_t start = out.size();
  out.append(wal::kCheckpointMagic);
  coding::put_fixed32(out, wal::kCheckpointVersion);
  coding::put_fixed64(out, covered_segment);
  const std::size_t count_at = out.size();
  coding::put_fixed64(out, 0);  // patched below: the count is known only after the walk
  uint64_t count = 0;
  std::string prev_asset;
  bool has_prev = false;
  table.for_each([&](const Sample& s) {
    encode_sample(s, has_prev ? &prev_asset : nullptr, out);
    prev_asset = s.asset_id;
    has_prev = true;
    ++count;
  });
  for (int k = 0; k < 8; ++k) out[count_at + k] = static_cast<char>(count >> (8 * k));
  coding::put_fixed32(out, crc32c::mask(crc32c::value(out.data() + start, out.size() - start)));
}

std::error_code decode_checkpoint(std::span<const uint8_t> bytes, LatestTable& table,
                                  uint64_t& covered_segment) {
  if (bytes.size() < wal::kCheckpointHeaderSize + wal::kCheckpointTrailerSize)
    return errc::corrupt_checkpoint;
  const std::size_t body = bytes.size() - wal::kCheckpointTrailerSize;
  const uint32_t stored = coding::load_fixed32(bytes.data() + body);
  if (crc32c::unmask(stored) != crc32c::value(bytes.data(), body)) return errc::corrupt_checkpoint;
  if (std::string_view(reinterpret_cast<const char*>(bytes.data()), 8) != wal::kCheckpointMagic) {
    return errc::corrupt_checkpoint;
  }
  coding::Cursor in(bytes.data() + 8, bytes.data() + body);
  uint32_t version = 0;
  uint64_t covered = 0, count = 0;
  in.get_fixed32(version);
  in.get_fixed64(covered);
  in.get_fixed64(count);
  if (!in.ok() || version != wal::kCheckpointVersion ||
      count > in.remaining() / wal::kMinEncodedSampleBytes) {
    return errc::corrupt_checkpoint;
  }
  std::vector<Sample> samples(static_cast<std::size_t>(count));
  for (std::size_t k = 0; k < samples.size(); ++k) {
    if (!decode_sample(in, k ? &samples[k - 1].asset_id : nullptr, samples[k]))
      return errc::corrupt_checkpoint;
  }
  if (!in.at_end()) return errc::corrupt_checkpoint;
  table.apply(samples);
  covered_segment = covered;
  return {};
}

}  // namespace gridhub::tsdb
