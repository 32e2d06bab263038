// The registry's records (OU, model, product, device, storage group, API credential, user, app, command, gateway
// topology, device certificate) and paging: plain structs, copied
// freely. Times are epoch milliseconds. JSON fields (i18n names, tags, attributes) are Boost.JSON objects.
#pragma once
#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "registry/limits.hpp"

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
  // Device certificates (certificates?action=apply): the validity when the call names none, and the most it may ask.
  int default_valid_day = kDefaultCertificateValidDays, max_valid_day = kMaxCertificateValidDays;
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

// Who is calling the API, and what they may do. Roles:
//   "system"  the credential of admin.json: everything in its OU, and creating OUs;
//   "admin"   everything in its OU (an OU's admin token, console users with role admin);
//   "viewer"  console users who only read;
//   "full" / "read"  applications (service accounts) with full or read-only access.
struct ApiCredential {
  std::string org_id;
  std::string role;
  std::string name;  // token name, username or appKey (for logs; never a secret)
  bool can_write() const { return role == "system" || role == "admin" || role == "full"; }
  bool is_system() const { return role == "system"; }
};

// A console user. The password is kept only as an Argon2id hash (libsodium crypto_pwhash_str) and never leaves
// the registry. username is unique over all OUs (the login page asks no OU).
struct User {
  std::string org_id, username;  // username: 3..64 chars of [A-Za-z0-9_.@-]
  std::string role = "viewer";   // "admin" | "viewer"
  int64_t create_time = 0, update_time = 0;
};

// An application (EnOS "Application Registration"): a service account of one OU. app_key 24 chars and
// app_secret 40 chars of [A-Za-z0-9], generated. The secret is kept in clear: request signatures need it.
struct App {
  std::string org_id, app_key, app_secret;
  std::string name;           // 1..64 characters
  std::string access = "read";  // "full" | "read"
  int64_t create_time = 0;
};

// A cloud-to-device command (spec enos-platform.md §4.3). Its id is handed out by the hub (ids never repeat:
// next_command_id() after a restart is above every stored one) and is also the MQTT message id sent down.
enum class CommandState : int { Created = 1, Canceled = 2, Expired = 3, Released = 4, Succeeded = 5, Failed = 6,
                                ResponseTimeout = 7 };
enum class CommandType : int { SetMeasurepoint = 1, InvokeService = 2 };

struct Command {
  int64_t command_id = 0;
  std::string org_id, asset_id, product_key, device_key;
  CommandType type = CommandType::InvokeService;
  std::string tsl_identifier;  // the service id, or the measure point id for set-point commands
  Json command_name;           // i18n name of the service / point, {"defaultValue":..}
  std::string input_data;      // JSON text: the service's input / {"point": value}
  std::string output_data;     // JSON text of the device reply's data; "" until a reply
  int pending_ttl_s = 0;       // 0 = immediate
  int timeout_s = 30;          // how long a released command waits for its reply
  CommandState state = CommandState::Created;
  int reply_code = 0;          // the device's code (200 = success); 0 = no reply
  std::string reply_message;   // the device's message, or why it failed (11900, 11904, 11915...)
  int error_code = 0;          // EnOS error code when the command failed on the cloud side, else 0
  int64_t create_time = 0, release_time = 0, reply_time = 0;
  int64_t expire_time() const { return create_time + int64_t{pending_ttl_s} * 1000; }
};

// Empty / zero fields do not filter. Times are create_time bounds [start, end), 0 = open.
struct CommandFilter {
  std::string asset_id, product_key, device_key, tsl_identifier;
  int state = 0;
  int64_t start_time = 0, end_time = 0;
};

// A sub-device's place in its gateway's topology (spec enos-device-protocol.md §4.6). A sub-device has at most one
// gateway; gateway and sub-device are in the same OU. Deleting either device deletes the link.
struct TopologyLink {
  std::string org_id;
  std::string gateway_asset_id, gateway_product_key, gateway_device_key;
  std::string sub_asset_id, sub_product_key, sub_device_key;
  int64_t create_time = 0;
};

// An OU's device CA: it issues the certificates of the OU's devices (products with biDirectionalAuth). Created
// on first use; the key never leaves the registry and the API.
struct OrgCa {
  std::string org_id, cert_pem, key_pem;
  int64_t create_time = 0;
};

// A device certificate issued by its OU's CA from the device's CSR. The hub accepts a client certificate when
// its fingerprint is one of these, for the device logging in, not revoked and in date.
struct DeviceCertificate {
  std::string cert_sn;      // serial number, lower-case hex without leading zeros
  std::string org_id, asset_id, product_key, device_key;
  std::string cert_pem;
  std::string fingerprint;  // SHA-256 of the DER encoding, lower-case hex
  int64_t issue_time = 0, not_before = 0, not_after = 0;
  bool revoked = false;
  int64_t revoke_time = 0;
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
