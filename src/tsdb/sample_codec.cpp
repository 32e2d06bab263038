// Sample <-> bytes for WAL payloads and checkpoint entries. Doubles travel as their raw 8 bytes, so every bit
// (NaN payloads, -0.0, denormals) comes back as it went in.
#include "tsdb/sample_codec.hpp"

#include <bit>
#include <cassert>
#include <limits>

#include "tsdb/errc.hpp"
#include "tsdb/limits.hpp"

namespace gridhub::tsdb {

using coding::Cursor;

std::error_code check_sample(const Sample& s) {
  if (s.asset_id.empty() || s.point_id.empty()) return errc::bad_sample;
  if (s.asset_id.size() > kMaxAssetIdBytes || s.point_id.size() > kMaxPointIdBytes) return errc::id_too_long;
  switch (s.value.kind) {
    case ValueKind::Int:
    case ValueKind::Double:
    case ValueKind::Bool:
      return {};
    case ValueKind::String:
    case ValueKind::Json:
      if (s.value.s.size() > kMaxValueBytes) return errc::value_too_large;
      return {};
  }
  return errc::bad_sample;
}

void encode_sample(const Sample& s, const std::string* prev_asset, std::string& out) {
  assert(!check_sample(s));
  const bool same_asset = prev_asset && *prev_asset == s.asset_id;
  uint8_t flags = 0;
  if (s.quality) flags |= wal::kFlagQuality;
  if (s.history || s.group) flags |= wal::kFlagHistory;
  if (same_asset) flags |= wal::kFlagSameAsset;
  out.push_back(static_cast<char>(flags));
  if (!same_asset) coding::put_bytes(out, s.asset_id);
  coding::put_bytes(out, s.point_id);
  coding::put_varint64(out, coding::zigzag(s.time_ms));
  out.push_back(static_cast<char>(s.history));
  if (flags & wal::kFlagHistory) coding::put_varint64(out, s.group);
  out.push_back(static_cast<char>(s.value.kind));
  switch (s.value.kind) {
    case ValueKind::Int:
      coding::put_varint64(out, coding::zigzag(s.value.i));
      break;
    case ValueKind::Double:
      coding::put_fixed64(out, std::bit_cast<uint64_t>(s.value.d));
      break;
    case ValueKind::Bool:
      out.push_back(s.value.b ? 1 : 0);
      break;
    case ValueKind::String:
    case ValueKind::Json:
      coding::put_bytes(out, s.value.s);
      break;
  }
  if (s.quality) coding::put_varint64(out, coding::zigzag(*s.quality));
}

std::error_code encode_samples_payload(std::span<const Sample> batch, std::string& out) {
  for (const Sample& s : batch) {
    if (auto ec = check_sample(s)) return ec;
  }
  out.push_back(static_cast<char>(wal::PayloadKind::Samples));
  coding::put_varint64(out, batch.size());
  const std::string* prev = nullptr;
  for (const Sample& s : batch) {
    encode_sample(s, prev, out);
    prev = &s.asset_id;
  }
  return {};
}

void encode_forget_payload(std::string_view asset_id, std::string& out) {
  out.push_back(static_cast<char>(wal::PayloadKind::ForgetAsset));
  coding::put_bytes(out, asset_id);
}

void encode_delete_payload(const Deletion& d, std::string& out) {
  assert(!d.asset_id.empty() && d.point_ids.size() <= kMaxDeletePoints && d.start_ms <= d.end_ms);
  out.push_back(static_cast<char>(wal::PayloadKind::DeleteRange));
  coding::put_bytes(out, d.asset_id);
  coding::put_varint64(out, d.point_ids.size());
  for (const std::string& p : d.point_ids) coding::put_bytes(out, p);
  coding::put_varint64(out, coding::zigzag(d.start_ms));
  coding::put_varint64(out, coding::zigzag(d.end_ms));
}

void encode_drop_group_payload(uint32_t group, std::string& out) {
  out.push_back(static_cast<char>(wal::PayloadKind::DropGroup));
  coding::put_varint64(out, group);
}

namespace {

bool decode_deletion(Cursor& in, Deletion& d) {
  std::string_view text;
  if (!in.get_bytes(text, kMaxAssetIdBytes) || text.empty()) return false;
  d.asset_id.assign(text);
  uint64_t n = 0, raw = 0;
  if (!in.get_varint64(n) || n > kMaxDeletePoints || n > in.remaining()) return false;
  d.point_ids.resize(static_cast<std::size_t>(n));
  for (std::size_t k = 0; k < d.point_ids.size(); ++k) {
    if (!in.get_bytes(text, kMaxPointIdBytes) || text.empty()) return false;
    if (k > 0 && text <= d.point_ids[k - 1]) return false;  // sorted and unique, as written
    d.point_ids[k].assign(text);
  }
  if (!in.get_varint64(raw)) return false;
  d.start_ms = coding::unzigzag(raw);
  if (!in.get_varint64(raw)) return false;
  d.end_ms = coding::unzigzag(raw);
  return d.start_ms <= d.end_ms;
}

}  // namespace

bool decode_sample(Cursor& in, const std::string* prev_asset, Sample& out) {
  uint8_t flags = 0, kind = 0;
  if (!in.get_u8(flags)) return false;
  if ((flags & ~wal::kKnownFlags) != 0) return in.fail();
  std::string_view text;
  if (flags & wal::kFlagSameAsset) {
    if (!prev_asset) return in.fail();
    out.asset_id = *prev_asset;
  } else {
    if (!in.get_bytes(text, kMaxAssetIdBytes) || text.empty()) return in.fail();
    out.asset_id.assign(text);
  }
  if (!in.get_bytes(text, kMaxPointIdBytes) || text.empty()) return in.fail();
  out.point_id.assign(text);
  uint64_t raw = 0;
  if (!in.get_varint64(raw)) return false;
  out.time_ms = coding::unzigzag(raw);
  if (!in.get_u8(out.history)) return false;
  // Bits past the last category are corrupt, and so is a mask without its group.
  if ((out.history & ~kAllCategoryBits) != 0 || (out.history != 0 && !(flags & wal::kFlagHistory)))
    return in.fail();
  out.group = 0;
  if (flags & wal::kFlagHistory) {
    if (!in.get_varint64(raw)) return false;
    if (raw > UINT32_MAX) return in.fail();
    out.group = static_cast<uint32_t>(raw);
  }
  if (!in.get_u8(kind)) return false;
  Value& v = out.value;
  v = Value{};
  switch (static_cast<ValueKind>(kind)) {
    case ValueKind::Int:
      if (!in.get_varint64(raw)) return false;
      v.i = coding::unzigzag(raw);
      break;
    case ValueKind::Double:
      if (!in.get_fixed64(raw)) return false;
      v.d = std::bit_cast<double>(raw);
      break;
    case ValueKind::Bool: {
      uint8_t b = 0;
      if (!in.get_u8(b) || b > 1) return in.fail();
      v.b = b == 1;
      break;
    }
    case ValueKind::String:
    case ValueKind::Json:
      if (!in.get_bytes(text, kMaxValueBytes)) return false;
      v.s.assign(text);
      break;
    default:
      return in.fail();
  }
  v.kind = static_cast<ValueKind>(kind);
  out.quality.reset();
  if (flags & wal::kFlagQuality) {
    if (!in.get_varint64(raw)) return false;
    const int64_t q = coding::unzigzag(raw);
    if (q < std::numeric_limits<int32_t>::min() || q > std::numeric_limits<int32_t>::max()) return in.fail();
    out.quality = static_cast<int32_t>(q);
  }
  return true;
}

std::error_code decode_payload(std::span<const uint8_t> payload, DecodedPayload& out) {
  Cursor in(payload.data(), payload.data() + payload.size());
  uint8_t kind = 0;
  if (!in.get_u8(kind)) return errc::corrupt_record;
  out.samples.clear();
  out.asset_id.clear();
  switch (static_cast<wal::PayloadKind>(kind)) {
    case wal::PayloadKind::Samples: {
      out.kind = wal::PayloadKind::Samples;
      uint64_t count = 0;
      if (!in.get_varint64(count)) return errc::corrupt_record;
      if (count > in.remaining() / wal::kMinEncodedSampleBytes) return errc::corrupt_record;
      out.samples.resize(static_cast<std::size_t>(count));
      for (std::size_t k = 0; k < out.samples.size(); ++k) {
        if (!decode_sample(in, k ? &out.samples[k - 1].asset_id : nullptr, out.samples[k])) {
          return errc::corrupt_record;
        }
      }
      break;
    }
    case wal::PayloadKind::ForgetAsset: {
      out.kind = wal::PayloadKind::ForgetAsset;
      std::string_view asset;
      if (!in.get_bytes(asset, kMaxAssetIdBytes) || asset.empty()) return errc::corrupt_record;
      out.asset_id.assign(asset);
      break;
    }
    case wal::PayloadKind::DeleteRange:
      out.kind = wal::PayloadKind::DeleteRange;
      if (!decode_deletion(in, out.deletion)) return errc::corrupt_record;
      break;
    case wal::PayloadKind::DropGroup: {
      out.kind = wal::PayloadKind::DropGroup;
      uint64_t group = 0;
      if (!in.get_varint64(group) || group > UINT32_MAX) return errc::corrupt_record;
      out.group = static_cast<uint32_t>(group);
      break;
    }
    default:
      return errc::corrupt_record;
  }
  if (!in.at_end()) return errc::corrupt_record;
  return {};
}

}  // namespace gridhub::tsdb
