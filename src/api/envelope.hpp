// The EnOS envelope {"code","msg","requestId","data"[,"pagination"]} and the ONE place that turns an error
// (api, registry or model errc) into an HTTP status and an EnOS code.
#pragma once
#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/errc.hpp"
#include "api/router.hpp"

namespace gridhub::api {

// EnOS codes (spec enos-platform.md §4.1, §4.3).
inline constexpr int kCodeOk = 0;
inline constexpr int kCodeUnauthorized = 401;
inline constexpr int kCodeInvalidParam = 99400;
inline constexpr int kCodeNoPermission = 99403;
inline constexpr int kCodeNotFound = 99404;
inline constexpr int kCodeMethodNotAllowed = 99405;  // gridhub's own: EnOS's gateway answers this before the API
inline constexpr int kCodeInternal = 99500;
inline constexpr int kCodeModelNotFound = 11699;
inline constexpr int kCodeDeviceKeyExists = 11702;
inline constexpr int kCodeKeyGenerationFailed = 11714;
inline constexpr int kCodeTooManyDevices = 11739;
inline constexpr int kCodeProductHasDevices = 11619;

// What a failed call was about: the same registry error means different EnOS codes for different objects
// (already_exists is 11702 for a device, a name clash for a product).
enum class Subject : uint8_t { None, Model, Product, Device };

struct ErrorStatus {
  unsigned http_status = 500;
  int code = kCodeInternal;
};

ErrorStatus map_error(const boost::system::error_code& ec, Subject subject);

// A random UUID v4 in its 36-character text form.
std::string new_request_id();

// 200 with code 0 and `data`.
ApiResponse ok(boost::json::value data);
// 200 with code 0, `data` and "pagination":{"pageNo","pageSize","totalSize"}.
ApiResponse ok_page(boost::json::value data, int page_no, int page_size, int64_t total_size);
// The mapped status and code; msg = `message`, or the error's own message when `message` is empty.
ApiResponse error(const boost::system::error_code& ec, Subject subject, std::string_view message = {});
inline ApiResponse error(errc e, std::string_view message = {}) { return error(make_error_code(e), Subject::None, message); }

}  // namespace gridhub::api
