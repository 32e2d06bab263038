// EnOS device login (spec §1.2-1.4): the CONNECT client id and username grammar and the password signature,
// which is also the sub-device login / topo-add `sign` (§4.6).
#pragma once
#include <boost/system/result.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "enos/errc.hpp"

namespace gridhub::enos {

enum class SignMethod : uint8_t { Sha256, Sha1, Md5 };

// sha256/hmacsha256 -> Sha256, sha1/hmacsha1 -> Sha1, md5/hmacmd5 -> Md5, case-insensitive; else nullopt.
std::optional<SignMethod> parse_sign_method(std::string_view name) noexcept;

// `{prefix}|securemode=N,signmethod=M,timestamp=T|`. The views point into the parsed client id.
struct ClientId {
  std::string_view
      prefix;  // everything before the first '|', verbatim (Java's "{ip=...,...}" block included)
  int secure_mode = 0;
  SignMethod sign_method = SignMethod::Sha256;
  std::string_view timestamp;  // exact text (Python sends a float): the signature covers it as is
};
// The part between the first '|' and the final '|' (which must end the id) is a comma list of key=value;
// blanks around keys and values are trimmed (", " separators), empty entries and unknown keys are ignored.
// securemode (a non-negative integer), signmethod and timestamp are required, the prefix must be non-empty.
// Errors: errc::bad_client_id, bad_secure_mode, bad_sign_method, missing_timestamp.
boost::system::result<ClientId> parse_client_id(std::string_view client_id) noexcept;

// `{deviceKey}&{productKey}`: exactly one '&', both sides non-empty. Error: errc::bad_username.
struct Username {
  std::string_view device_key;
  std::string_view product_key;
};
boost::system::result<Username> parse_username(std::string_view username) noexcept;

// The password a device sends: hex (lower case) of a plain hash (not an HMAC, despite the names) of
// "clientId" + prefix + "deviceKey" + dk + "productKey" + pk + "timestamp" + ts + secret.
// Returns an empty string only if OpenSSL fails (then nothing verifies).
std::string sign(SignMethod m, std::string_view client_id_prefix, std::string_view device_key,
                 std::string_view product_key, std::string_view timestamp, std::string_view secret);

// Whether `given_hex` is sign(...) in either letter case (C and Node send upper case). The comparison of the
// digest takes the same time wherever it differs, so a device cannot learn the password byte by byte.
bool verify_sign(SignMethod m, std::string_view client_id_prefix, std::string_view device_key,
                 std::string_view product_key, std::string_view timestamp, std::string_view secret,
                 std::string_view given_hex);

// The general form (sub-device signs): the fields sorted by key (ASCII, stable for equal keys), each key then
// its value concatenated, then the secret; hashed and hex-encoded in lower case.
std::string sign_fields(SignMethod m, std::span<const std::pair<std::string_view, std::string_view>> fields,
                        std::string_view secret);

}  // namespace gridhub::enos
