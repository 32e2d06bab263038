// The api module's own error codes (what the HTTP surface refuses before any registry or model call) and their
// boost::system category. envelope.cpp turns these, and the registry's and model's codes, into HTTP + EnOS codes.
#pragma once
#include <boost/system/error_category.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/is_error_code_enum.hpp>
#include <system_error>

namespace gridhub::api {

enum class errc {
  // No Authorization header, not "Bearer <token>", or a token the registry does not know.
  unauthorized = 1,
  // The query's orgId is not the OU of the token: no call crosses OUs.
  forbidden,
  // The credential is valid but its role may not do this (a viewer or read-only application writing, a
  // non-system credential creating an OU).
  no_permission,
  // Too many failed logins from this address or for this user: try again later.
  too_many_attempts,
  // No such path, or no such object in the caller's OU.
  not_found,
  // A parameter is missing, has the wrong type or an invalid value, or the body is not JSON.
  invalid_param,
  // The path exists but its `action=` does not.
  unknown_action,
  // The action exists but not for this HTTP method.
  method_not_allowed,
  // The request body is larger than kMaxBodyBytes.
  body_too_large,
  // The request header is larger than kMaxHeaderBytes.
  header_too_large,
  // A model cannot be deleted or changed this way while products use it or models inherit it.
  model_in_use,
  // A bug or an unexpected failure (a handler threw, a stored model does not load).
  internal,
};

const boost::system::error_category& api_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return boost::system::error_code(static_cast<int>(e), api_category());
}

}  // namespace gridhub::api

template <>
struct boost::system::is_error_code_enum<gridhub::api::errc> : std::true_type {};
template <>
struct std::is_error_code_enum<gridhub::api::errc> : std::true_type {};
