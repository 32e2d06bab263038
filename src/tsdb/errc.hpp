// The tsdb module's error codes and their boost::system category (also usable as std::error_code).
#pragma once
#include <boost/system/error_category.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/is_error_code_enum.hpp>
#include <system_error>

namespace gridhub::tsdb {

enum class errc {
  // A sample has an empty asset or point id, or a value kind outside ValueKind.
  bad_sample = 1,
  // An asset or point id is longer than limits.hpp allows.
  id_too_long,
  // A String/Json value is longer than kMaxValueBytes.
  value_too_large,
  // The encoded batch is larger than StoreOptions::max_batch_bytes.
  batch_too_large,
  // StoreOptions out of range (see open_store).
  bad_options,
  // Another store (this process or another) holds the directory's LOCK file.
  locked,
  // A WAL record failed its CRC, its framing or its decoding.
  corrupt_record,
  // The checkpoint file failed its CRC or its decoding.
  corrupt_checkpoint,
  // A history read or delete with an empty id, start > end, limit 0, a bad interval or too many windows.
  bad_query,
  // A block file (or one chunk in it) failed its CRC or its decoding.
  corrupt_block,
};

const boost::system::error_category& tsdb_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return boost::system::error_code(static_cast<int>(e), tsdb_category());
}

}  // namespace gridhub::tsdb

// Both specialisations: the seam speaks std::error_code, the rest of gridhub boost::system. A boost code
// converts to std::error_code through a category object owned by tsdb_category(), so `std_ec == errc::x`
// compares right.
template <>
struct boost::system::is_error_code_enum<gridhub::tsdb::errc> : std::true_type {};
template <>
struct std::is_error_code_enum<gridhub::tsdb::errc> : std::true_type {};
