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

// Storage policy group name: 1..kMaxStorageGroupNameChars characters (code points) of ASCII letters and
// digits, '_', '-' and CJK ideographs (U+3400..U+4DBF, U+4E00..U+9FFF, U+F900..U+FAFF and the ideographic
// planes U+20000..U+3FFFF). Invalid UTF-8 (overlong forms, surrogates, truncated sequences) is refused.
bool valid_storage_group_name(std::string_view name);
// "AI_RAW", "AI_NORMALIZED", "DI", "PI" or "GENERIC" (exact spelling).
bool valid_storage_type(std::string_view type);
// A measure point id of a storage policy: 1..kMaxPointIdLength chars of [A-Za-z0-9_\-.].
bool valid_point_id(std::string_view id);
// EnOS retention: "1M".."11M" or "1Y".."20Y" (upper case, no sign, no leading zero, no spaces) into
// milliseconds. A month counts 31 days and a year 366 days, so data is kept at least as long as promised
// whatever the calendar. False (and `ms` untouched) for anything else.
bool parse_retention(std::string_view text, int64_t& ms);

// A group's own fields: name, description size, model ids (syntax; at most kMaxModelsPerStorageGroup ->
// limit_exceeded). Policies are checked by check_storage_policy.
boost::system::error_code check_storage_group(const StorageGroup& g);
// Storage type and retention (invalid_argument), model and point ids (syntax), at most
// kMaxPointsPerStoragePolicy model x point pairs (limit_exceeded).
boost::system::error_code check_storage_policy(const StoragePolicy& p);

// Console username: kMinUsernameLength..kMaxUsernameLength chars of [A-Za-z0-9_.@-].
bool valid_username(std::string_view username);
// Console user roles: "admin" | "viewer".
bool valid_user_role(std::string_view role);
// API token roles (records.hpp ApiCredential): "system", "admin", "viewer", "full", "read".
bool valid_token_role(std::string_view role);
// Application name: 1..kMaxAppNameChars characters (code points) of valid UTF-8, no control characters.
bool valid_app_name(std::string_view name);
// Application access: "full" | "read".
bool valid_app_access(std::string_view access);
// A command as the hub saves it: command_id >= 1, a known type and state, an OU, times and durations not
// negative. invalid_argument otherwise. command_name is copied from the model as it is, so not checked.
boost::system::error_code check_command(const Command& c);

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
