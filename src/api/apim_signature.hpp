// What EnOS application calls are signed with (spec enos-platform.md §4.2): the token service's `encryption`,
// the per-call `apim-signature` over the sorted query and the body, and the timestamps both carry.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gridhub::api {

// A timestamp in epoch milliseconds as the clients send it: decimal digits, optionally with a fraction
// (".123", the Python SDKs send floats), at most kMaxApimTimestampLength characters. The fraction is dropped.
std::optional<int64_t> parse_timestamp_ms(std::string_view text);
// |now - ts| <= kApimTimestampSkewMs.
bool timestamp_fresh(int64_t ts, int64_t now_ms);

// paramsData: the target's query parameters, percent-decoded, sorted by name (bytewise, stable for repeated
// names), each written as name + value, concatenated; then the body exactly as received. nullopt when the
// target does not parse. '+' decodes to a space (form encoding, what Python's urlencode sends), exactly as
// the router decodes the values the handlers see.
std::optional<std::string> params_data(std::string_view target, std::string_view body);

// Lowercase hex SHA-256 of accessToken + paramsData + timestamp + appSecret.
std::string request_signature(std::string_view access_token, std::string_view params_data,
                              std::string_view timestamp, std::string_view app_secret);
// Lowercase hex SHA-256 of appKey + timestamp + appSecret (token/get and token/refresh).
std::string token_encryption(std::string_view app_key, std::string_view timestamp,
                             std::string_view app_secret);

}  // namespace gridhub::api
