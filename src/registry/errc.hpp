// The registry module's error codes and their boost::system category. A storage_error code also carries the
// SQLite message (sqlite3_errmsg) in its message() while still comparing equal to errc::storage_error.
#pragma once
#include <boost/system/error_category.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/is_error_code_enum.hpp>
#include <string_view>
#include <system_error>

namespace gridhub::registry {

enum class errc {
  // No such object (OU, model, product, device) in the OU that was asked.
  not_found = 1,
  // The id or the name is taken: model id in the OU, product name in the OU, (productKey, deviceKey),
  // assetId.
  already_exists,
  // Delete refused: a product still has devices, or a model backs a product or is inherited by another model.
  in_use,
  // The model a product or a child model names does not exist in the OU.
  model_not_found,
  // The product a device names does not exist in the OU.
  product_not_found,
  // The OU a record names does not exist.
  org_not_found,
  // A field is outside its syntax or vocabulary (device key charset, node type, timezone, name shape...).
  invalid_argument,
  // A bound of limits.hpp was passed (products per OU, devices per product, models per OU, sizes).
  limit_exceeded,
  // A model's parent chain would loop back to the model.
  inheritance_cycle,
  // kKeyGenerationAttempts random keys in a row collided with existing ones.
  key_generation_failed,
  // The database was written by a newer gridhub (schema_version above what this build knows).
  schema_too_new,
  // SQLite failed; message() names the SQLite error.
  storage_error,
};

const boost::system::error_category& registry_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return boost::system::error_code(static_cast<int>(e), registry_category());
}

// errc::storage_error whose message() is "storage error: <detail>". Compares equal to errc::storage_error.
// `detail` must hold no secret (SQLite's own messages never quote bound values).
boost::system::error_code storage_error(std::string_view detail);

}  // namespace gridhub::registry

template <>
struct boost::system::is_error_code_enum<gridhub::registry::errc> : std::true_type {};
template <>
struct std::is_error_code_enum<gridhub::registry::errc> : std::true_type {};
