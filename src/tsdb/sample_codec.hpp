// Encoding of samples into WAL record payloads and checkpoint entries (layout in docs/wal_format.md), and the
// checked decoding of untrusted payload bytes back into samples.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "tsdb/coding.hpp"
#include "tsdb/deletion.hpp"
#include "tsdb/sample.hpp"
#include "tsdb/wal_format.hpp"

namespace gridhub::tsdb {

// errc::bad_sample, id_too_long or value_too_large when `s` may not be stored; success otherwise.
std::error_code check_sample(const Sample& s);

// Appends `s` to `out`. `prev_asset` is the asset id of the sample encoded just before in the same record or
// file (null for the first): an equal id is not repeated. REQUIRES: check_sample(s) succeeded.
void encode_sample(const Sample& s, const std::string* prev_asset, std::string& out);

// Appends a PayloadKind::Samples payload for `batch` to `out`. On a sample that check_sample refuses, returns
// its error and leaves `out` as it was.
std::error_code encode_samples_payload(std::span<const Sample> batch, std::string& out);

// Appends a PayloadKind::ForgetAsset payload to `out`.
void encode_forget_payload(std::string_view asset_id, std::string& out);

// Appends a PayloadKind::DeleteRange payload. REQUIRES: a valid deletion (non-empty ids within the limits,
// point ids sorted and unique, at most kMaxDeletePoints of them, start <= end).
void encode_delete_payload(const Deletion& d, std::string& out);

// Appends a PayloadKind::DropGroup payload.
void encode_drop_group_payload(uint32_t group, std::string& out);

// Reads one sample; `prev_asset` as in encode_sample. False when the bytes are short or malformed.
bool decode_sample(coding::Cursor& in, const std::string* prev_asset, Sample& out);

struct DecodedPayload {
  wal::PayloadKind kind = wal::PayloadKind::Samples;
  std::vector<Sample> samples;  // kind == Samples
  std::string asset_id;         // kind == ForgetAsset
  Deletion deletion;            // kind == DeleteRange
  uint32_t group = 0;           // kind == DropGroup
};

// Decodes a whole record payload; errc::corrupt_record when it is malformed or has trailing bytes.
std::error_code decode_payload(std::span<const uint8_t> payload, DecodedPayload& out);

}  // namespace gridhub::tsdb
