// The SDK's SignMethod as the enos module's, and its name in the client id.
#pragma once
#include <string_view>

#include "enos/login.hpp"
#include "gridhub/device/options.hpp"

namespace gridhub::device::detail {

inline enos::SignMethod to_enos(SignMethod m) {
  switch (m) {
    case SignMethod::sha1:
      return enos::SignMethod::Sha1;
    case SignMethod::md5:
      return enos::SignMethod::Md5;
    case SignMethod::sha256:
      break;
  }
  return enos::SignMethod::Sha256;
}

// The name the Java and C SDKs send (the hub also accepts the Python hmac* spellings).
inline std::string_view sign_method_name(SignMethod m) {
  switch (m) {
    case SignMethod::sha1:
      return "sha1";
    case SignMethod::md5:
      return "md5";
    case SignMethod::sha256:
      break;
  }
  return "sha256";
}

}  // namespace gridhub::device::detail
