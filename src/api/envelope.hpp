// The EnOS envelope {"code","msg","requestId","data"[,"pagination"]} and the ONE place that turns an error
// (api, registry or model errc) into an HTTP status and an EnOS code.
#pragma once
#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

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
inline constexpr int kCodeTooManyRequests = 99429;  // gridhub's own: failed logins throttled
inline constexpr int kCodeModelNotFound = 11699;
inline constexpr int kCodeDeviceKeyExists = 11702;
inline constexpr int kCodeKeyGenerationFailed = 11714;
inline constexpr int kCodeTooManyDevices = 11739;
inline constexpr int kCodeProductHasDevices = 11619;

// What a failed call was about: the same registry error means different EnOS codes for different objects
// (already_exists is 11702 for a device, a name clash for a product). For a storage policy group a name
// clash, the group limit and a model held by another group are the caller's bad parameters (400/99400).
enum class Subject : uint8_t { None, Model, Product, Device, StorageGroup };

struct ErrorStatus {
  unsigned http_status = 500;
  int code = kCodeInternal;
};

ErrorStatus map_error(const boost::system::error_code& ec, Subject subject);

// A random UUID v4 in its 36-character text form.
std::string new_request_id();

// 200 with code 0 and `data`.
ApiResponse ok(boost::json::value data);
// 200 with a service's own non-zero code (a command's 119xx, a device's reply code), `msg` and `data`: the call
// reached the service, what it asked for did not succeed (EnOS answers these with HTTP 200).
ApiResponse service_answer(int code, std::string_view msg, boost::json::value data);
// 200 with code 0, `data` and "pagination":{"pageNo","pageSize","totalSize"}.
ApiResponse ok_page(boost::json::value data, int page_no, int page_size, int64_t total_size);
// The mapped status and code; msg = `message`, or the error's own message when `message` is empty.
ApiResponse error(const boost::system::error_code& ec, Subject subject, std::string_view message = {});
inline ApiResponse error(errc e, std::string_view message = {}) { return error(make_error_code(e), Subject::None, message); }

// ---- EnOS application credentials (spec enos-platform.md §4.2): the token service and signed calls ----
// The token service answers {"status","msg"[,"business","data"]}; refused signed calls answer HTTP 401 with
// {"code","status","msg","requestId"} (code and status carry the same apim code).
inline constexpr int kApimReplayed = 1001;       // encryption or signature used before
inline constexpr int kApimUnknownAppKey = 1002;
inline constexpr int kApimBadSignature = 1003;   // bad encryption (token service) or bad apim-signature
inline constexpr int kApimBadParam = 1004;       // e.g. a timestamp more than kApimTimestampSkewMs away
inline constexpr int kApimInternal = 1005;       // Gridhub: also "too many signed calls to check for replays"
inline constexpr int kApimEmptyParam = 1202;     // a body field or apim-* header missing or empty
inline constexpr int kApimTokenExpired = 1203;   // unknown, expired, revoked, or the app was deleted
inline constexpr int kApimRefreshFailed = 1204;  // token/refresh: not this app's valid token

// {"status":0,"msg":"Success","business":"0","data":{"accessToken":..,"expire":<seconds left>}}
ApiResponse token_service_ok(std::string_view access_token, int64_t expire_s);
// {"status":<code>,"msg":..} with `http_status`.
ApiResponse token_service_error(unsigned http_status, int code, std::string_view message);
// HTTP 401 {"code":<code>,"status":<code>,"msg":..,"requestId":..}; `http_status` for the rare others (429).
ApiResponse apim_refusal(int code, std::string_view message, unsigned http_status = 401);

// ---- TSDB data service v2.1 (spec enos-platform.md §4.1, tsdb_data_routes.cpp) ----
// Its envelope adds "submsg": {"code","msg","submsg","requestId","data"}, and it has codes of its own.
inline constexpr int kCodeTsdbInvalidParam = 80400;
inline constexpr int kCodeTsdbAssetUnauthorized = 80401;  // not a device of the caller's OU (never says which)
inline constexpr int kCodeTsdbInternal = 80500;

// api errc::forbidden -> 403/80401; errc::internal -> 500/80500; any other api error -> its usual status/80400;
// tsdb::errc::bad_query -> 400/80400; everything else (store, registry) -> 500/80500.
ErrorStatus map_tsdb_error(const std::error_code& ec);
// 200 with code 0, submsg "" and `data`.
ApiResponse ok_tsdb(boost::json::value data);
ApiResponse tsdb_error(const std::error_code& ec, std::string_view message = {});
inline ApiResponse tsdb_error(errc e, std::string_view message = {}) {
  return tsdb_error(std::error_code(make_error_code(e)), message);
}

}  // namespace gridhub::api
