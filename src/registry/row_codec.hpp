// Mapping between registry records and table rows: the column lists every SELECT uses, and readers that
// fill a record from the current row.
#pragma once
#include <string>
#include <string_view>

#include "registry/event_log.hpp"
#include "registry/records.hpp"
#include "registry/sqlite_statement.hpp"

namespace gridhub::registry {

// SELECT lists, in the order the read_* functions expect. Device columns are qualified with "d." so that
// searches may join products as "p".
inline constexpr std::string_view kOrgColumns = "org_id, name, create_time";
inline constexpr std::string_view kModelColumns =
    "org_id, model_id, parent_model_id, body, draft_body, validation_enabled, create_time, update_time";
inline constexpr std::string_view kProductColumns =
    "product_key, org_id, product_secret, name, node_type, model_id, data_format, bi_directional_auth, "
    "dynamic_activate_enabled, description, tags, create_time, update_time, default_valid_day, max_valid_day";
inline constexpr std::string_view kDeviceColumns =
    "d.asset_id, d.org_id, d.product_key, d.device_key, d.device_secret, d.name, d.description, d.timezone, "
    "d.dst, d.attributes, d.tags, d.enabled, d.activated, d.online, d.create_time, d.active_time, "
    "d.last_online_time, d.last_offline_time";

inline constexpr std::string_view kCommandColumns =
    "command_id, org_id, asset_id, product_key, device_key, type, tsl_identifier, command_name, input_data, "
    "output_data, pending_ttl_s, timeout_s, state, reply_code, reply_message, error_code, create_time, "
    "release_time, reply_time";
// Never password_hash: it stays inside sqlite_access.cpp's password checks.
inline constexpr std::string_view kUserColumns = "org_id, username, role, create_time, update_time";
inline constexpr std::string_view kAppColumns = "org_id, app_key, app_secret, name, access, create_time";
inline constexpr std::string_view kEventColumns =
    "event_id, org_id, asset_id, product_key, device_key, tsl_event_key, tsl_event_type, output, timestamp, "
    "create_time";

void read_org(const Statement& st, Org& out);
void read_model(const Statement& st, ModelRecord& out);
void read_product(const Statement& st, Product& out);
void read_device(const Statement& st, Device& out);
void read_command(const Statement& st, Command& out);
void read_user(const Statement& st, User& out);
void read_app(const Statement& st, App& out);
void read_event(const Statement& st, Event& out);

// A JSON object column. The registry wrote it, so a parse failure means a damaged file: logged, read as {}.
Json parse_json_column(std::string_view text);
// Text for a JSON object column; "{}" for an empty object without going through the serializer.
std::string json_column(const Json& obj);

}  // namespace gridhub::registry
