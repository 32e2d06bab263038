// Continuation cursors of the TSDB data API: which series of a query are unfinished and where each resumes,
// as base64url of a small versioned JSON document bound to its query by a hash (docs/api_tsdb.md).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gridhub::api {

// Cursor text longer than this is refused unread (3,000 series take about 100 KB).
inline constexpr std::size_t kMaxCursorBytes = 256 * 1024;
inline constexpr int kCursorVersion = 1;

struct CursorEntry {
  uint32_t series = 0;    // index of the series in the query's order (asset-major, then point)
  int64_t resume_ms = 0;  // where its next page starts (the read's own bound: see docs/api_tsdb.md)
};

struct Cursor {
  uint64_t query_hash = 0;
  std::vector<CursorEntry> entries;  // series ascending, each once, never empty
};

// {"v":1,"q":"<16 hex digits>","s":[[series,resume_ms],...]} in base64url without padding.
std::string encode_cursor(const Cursor& cursor);
// Anything encode_cursor did not produce (bad base64url, JSON or shape, another version, no entries, more
// than `max_entries`, series not ascending) is refused with a reason. Never throws.
bool decode_cursor(std::string_view text, std::size_t max_entries, Cursor& out, std::string& why);

// RFC 4648 §5 without padding; decode refuses padding, other characters and non-zero trailing bits.
std::string base64url_encode(std::string_view bytes);
bool base64url_decode(std::string_view text, std::string& out);

// FNV-1a (64-bit) over length-prefixed fields: the identity of a query, so that a cursor only continues the
// query that issued it. Not a secret: a forged cursor only reads what the caller may read anyway.
class QueryHash {
 public:
  QueryHash& add(std::string_view field);
  QueryHash& add(int64_t field);
  uint64_t value() const { return h_; }

 private:
  void bytes(const void* p, std::size_t n);
  uint64_t h_ = 14695981039346656037ULL;
};

}  // namespace gridhub::api
