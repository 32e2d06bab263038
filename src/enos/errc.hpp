// The enos module's error codes (bad envelopes, bad login fields) and their category, plus the one mapping
// from an error to the device-facing EnOS return code (STYLE.md item 7: errors are translated once per
// surface).
#pragma once
#include <boost/system/error_category.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/is_error_code_enum.hpp>
#include <system_error>

namespace gridhub::enos {

enum class errc {
  // Payload of zero bytes or only JSON whitespace (spec §3: 1251).
  empty_payload = 1,
  // Payload that is not JSON, whose top level is not an object, or that nests deeper than kMaxJsonDepth
  // (1220).
  bad_json,
  // Payload larger than kMaxPayloadSize (spec §2: SDKs cap a message at 512 KiB; EnOS answers 1008).
  too_large,
  // A device reply whose "code" is missing or neither an integer nor a string holding one (spec §2).
  bad_reply_code,
  // CONNECT client id not of the form `prefix|k=v,k=v,...|` (spec §1.2).
  bad_client_id,
  // The client id has no `securemode`, or its value is not a non-negative decimal integer.
  bad_secure_mode,
  // The client id has no `signmethod`, or names an algorithm other than sha256/sha1/md5 (hmac* spellings
  // too).
  bad_sign_method,
  // The client id has no `timestamp` (the signature covers its exact text, so there is nothing to check).
  missing_timestamp,
  // CONNECT username not of the form `deviceKey&productKey` with both parts non-empty.
  bad_username,
};

const boost::system::error_category& enos_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return boost::system::error_code(static_cast<int>(e), enos_category());
}

// The EnOS return code (codes.hpp) a device gets for `ec`: kSuccess for no error, the code spec §3 names for
// each enos::errc (login errors map to kAuthFailed), and kInternalError for errors of any other category.
int to_return_code(boost::system::error_code ec) noexcept;

}  // namespace gridhub::enos

template <>
struct boost::system::is_error_code_enum<gridhub::enos::errc> : std::true_type {};
template <>
struct std::is_error_code_enum<gridhub::enos::errc> : std::true_type {};
