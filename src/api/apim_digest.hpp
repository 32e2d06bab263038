// The hashing under EnOS application credentials (spec enos-platform.md §4.2): SHA-256 hex of concatenated
// parts (token-service encryption, request signatures), HMAC-SHA256 (Gridhub's access tokens), constant-time
// comparison and random bytes. OpenSSL underneath; no call throws. (base64url is cursor.hpp's.)
#pragma once
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace gridhub::api {

// Lowercase hex SHA-256 of the parts concatenated (64 characters).
std::string sha256_hex(std::initializer_list<std::string_view> parts);
// HMAC-SHA256 of `message` under `key`: 32 raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view message);
// True when equal; the time taken depends only on the lengths.
bool equal_constant_time(std::string_view a, std::string_view b);
// n bytes from OpenSSL's CSPRNG; nullopt if it fails (never expected).
std::optional<std::string> random_bytes(std::size_t n);
// ASCII lowercase (hex digests are compared in lowercase; clients may send uppercase).
std::string ascii_lower(std::string_view s);

}  // namespace gridhub::api
