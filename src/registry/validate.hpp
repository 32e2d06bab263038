// Syntax checks for everything a caller hands the registry (keys, ids, i18n names, tags, timezones, sizes),
// shared by every backend. Each returns an error code (errc::invalid_argument or errc::limit_exceeded) or {}.
#pragma once
#include <boost/system/error_code.hpp>
#include <string>
#include <string_view>

#include "registry/records.hpp"

namespace gridhub::registry {

// deviceKey given by the caller: kMinDeviceKeyLength..kMaxDeviceKeyLength chars of [A-Za-z0-9_\-.:].
bool valid_device_key(std::string_view key);
// Model identifier: 1..kMaxModelIdLength chars of [A-Za-z0-9_\-.].
bool valid_model_id(std::string_view id);
// An assetId or deviceSecret supplied on create (imports): 1..kMaxImportedKeyLength chars of [A-Za-z0-9].
bool valid_imported_key(std::string_view key);
// "+HH:MM"/"-HH:MM" (HH <= 14, MM < 60) or an IANA-style name ("Asia/Shanghai", "UTC", "Etc/GMT+8").
bool valid_timezone(std::string_view tz);

// An i18n name {"defaultValue": s, "i18nValue": {locale: s}}: strings of at most kMaxNameBytes, at most
// kMaxNameLocales locales, no other keys. `required`: defaultValue must be present and non-empty.
boost::system::error_code check_name(const Json& name, bool required);
// Tags: at most kMaxTags; keys of [A-Za-z0-9_\-/] up to kMaxTagKeyLength; values strings up to
// kMaxTagValueLength.
boost::system::error_code check_tags(const Json& tags);

boost::system::error_code check_product(const Product& p);
boost::system::error_code check_device(const Device& d);  // caller-supplied keys, when present, included
boost::system::error_code check_model(const ModelRecord& m);

// The name's defaultValue ("" when absent).
std::string_view name_default(const Json& name);
// Every string of the name, one per line: what name_like searches.
std::string name_search_text(const Json& name);
// A LIKE pattern matching `needle` as a substring, with %, _ and \ escaped (use with ESCAPE '\').
std::string like_pattern(std::string_view needle);

}  // namespace gridhub::registry
