// The registry's records (OU, model, product, device, API credential) and paging: plain structs, copied
// freely. Times are epoch milliseconds. JSON fields (i18n names, tags, attributes) are Boost.JSON objects.
#pragma once
#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gridhub::registry {

using Json = boost::json::object;

struct Org {
  std::string org_id;  // "o" + 14 digits, generated
  std::string name;
  int64_t create_time = 0;
};

struct ModelRecord {
  std::string org_id, model_id;
  std::string parent_model_id;     // inheritance, "" = none
  std::string body;                // the model as console-export JSON text (opaque here)
  std::string draft_body;          // "" = no draft; publish moves draft_body -> body
  bool validation_enabled = true;  // the model's "model validation" switch
  int64_t create_time = 0, update_time = 0;
};

struct Product {
  std::string org_id, product_key, product_secret;  // key 8 chars, secret 16 chars, [A-Za-z0-9], generated
  Json name;                                        // i18n {"defaultValue":..,"i18nValue":{..}}
  std::string node_type = "Device";                 // "Device" | "Gateway"
  std::string model_id, data_format = "Json";       // "Json" | "Custom"
  bool bi_directional_auth = false, dynamic_activate_enabled = false;
  std::string description;
  Json tags;
  int64_t create_time = 0, update_time = 0;
};

// Search values (EnOS expression): "inactive", "online", "offline", "disable".
enum class DeviceStatus : uint8_t { Inactive, Online, Offline, Disabled };
std::string_view to_string(DeviceStatus);

struct Device {
  // assetId 8 chars and secret 20 chars, generated when empty; deviceKey generated (10 chars) when empty,
  // else 4..64 chars of [A-Za-z0-9_\-.:].
  std::string org_id, asset_id, product_key, device_key, device_secret;
  Json name;
  std::string description, timezone = "+08:00";
  bool dst = false;
  Json attributes, tags;
  bool enabled = true;
  bool activated = false;
  bool online = false;  // status() derives DeviceStatus
  int64_t create_time = 0, active_time = 0, last_online_time = 0, last_offline_time = 0;
  // Disabled wins over everything; a device that never logged in is Inactive.
  DeviceStatus status() const;
};

// One storage type of a storage policy group (EnOS "storage policy"): how long it keeps history and which
// points of which of the group's models it keeps.
struct StoragePolicy {
  std::string storage_type;  // "AI_RAW" | "AI_NORMALIZED" | "DI" | "PI" | "GENERIC"
  std::string retention;     // "1M" "3M" "6M" "1Y" … "20Y" (months 1..11 with M, years 1..20 with Y)
  struct ModelPoints {
    std::string model_id;
    std::vector<std::string> point_ids;  // sorted, unique
  };
  std::vector<ModelPoints> models;  // sorted by model_id; only models of the group, each with >= 1 point
};

// A storage policy group (存储策略分组): a set of models (each model in at most one group of its OU) and one
// policy per configured storage type. At most kMaxStorageGroupsPerOrg per OU.
struct StorageGroup {
  std::string org_id;
  uint32_t id = 0;  // generated on create and never reused: the time-series store keys partitions by it
  std::string name;  // unique in the OU: letters, digits, CJK, '_' and '-', 1..64 characters
  std::string description;
  std::vector<std::string> model_ids;   // sorted, unique
  std::vector<StoragePolicy> policies;  // sorted by storage_type; at most one per type
  int64_t create_time = 0, update_time = 0;
};

struct ApiCredential {
  std::string org_id;
  std::string role;  // "admin" for now
  std::string name;
};

// pageNo from 1, size 1..kMaxPageSize. Searches clamp out-of-range values rather than fail: pageNo < 1 reads
// page 1, size < 1 means kDefaultPageSize, size > kMaxPageSize means kMaxPageSize.
struct Page {
  int page_no = 1;
  int page_size = 10;
};

template <class T>
struct PageResult {
  std::vector<T> items;
  int64_t total = 0;  // matches over all pages
};

// Empty fields do not filter. Keys and status match exactly; name_like is a case-insensitive (ASCII)
// substring of any of the name's strings (defaultValue or an i18n value).
struct DeviceFilter {
  std::string product_key, device_key, asset_id, model_id, status, name_like;
};
struct ProductFilter {
  std::string product_key, model_id, name_like;
};

}  // namespace gridhub::registry
