// The Registry seam: OUs, thing models (stored as opaque JSON text), products, devices with their presence,
// storage policy groups, API credentials, console users and sessions, applications, commands, gateway topology
// and device certificates. SQLite implements it (sqlite_registry.hpp); a server database could later.
#pragma once
#include <boost/system/result.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/errc.hpp"
#include "registry/records.hpp"

namespace gridhub::registry {

// Thread-safe: every method may be called from any thread. Failures are errc values (see errc.hpp); a failed
// call changes nothing. Times come in as arguments or record fields (epoch ms); where a record's time is 0 on
// create, the wall clock fills it.
class Registry {
 public:
  virtual ~Registry() = default;

  // --- OUs ---
  virtual boost::system::result<Org> create_org(std::string name, int64_t now) = 0;
  virtual boost::system::result<Org> get_org(std::string_view org_id) = 0;
  virtual std::vector<Org> list_orgs() = 0;  // oldest first

  // --- Models ---
  // create: errc::org_not_found, already_exists, model_not_found (parent), limit_exceeded (kMaxModelsPerOrg).
  virtual boost::system::result<void> create_model(const ModelRecord&) = 0;
  // By (org_id, model_id); replaces parent, body, draft, switch and update_time (create_time is kept).
  // errc::not_found, model_not_found (parent), inheritance_cycle.
  virtual boost::system::result<void> update_model(const ModelRecord&) = 0;
  virtual boost::system::result<ModelRecord> get_model(std::string_view org, std::string_view model_id) = 0;
  // id_like: case-insensitive substring of the model id ("" = all). Newest first.
  virtual PageResult<ModelRecord> search_models(std::string_view org, std::string_view id_like, Page) = 0;
  // errc::in_use while a product uses the model, a model inherits it or a storage policy group holds it.
  virtual boost::system::result<void> delete_model(std::string_view org, std::string_view model_id) = 0;
  virtual std::vector<ModelRecord> all_models() = 0;  // every OU, for the hub's snapshot

  // --- Products ---
  // create fills product_key/secret/times and returns the stored record; name (defaultValue) unique per OU
  // (errc::already_exists); model must exist in the OU (errc::model_not_found); at most kMaxProductsPerOrg.
  virtual boost::system::result<Product> create_product(Product) = 0;
  virtual boost::system::result<Product> get_product(std::string_view org, std::string_view product_key) = 0;
  // By (org_id, product_key): name, node type, model, data format, switches, description, tags; update_time
  // becomes the wall clock. Key, secret and create_time are kept.
  virtual boost::system::result<Product> update_product(const Product&) = 0;
  // errc::in_use while the product has devices.
  virtual boost::system::result<void> delete_product(std::string_view org, std::string_view product_key) = 0;
  virtual PageResult<Product> search_products(std::string_view org, const ProductFilter&,
                                              Page) = 0;  // newest first
  virtual std::vector<Product> all_products() = 0;

  // --- Devices ---
  // create generates what is missing (assetId, deviceKey, deviceSecret); (product_key, device_key) globally
  // unique (errc::already_exists); product must exist in the OU (errc::product_not_found);
  // kMaxDevicesPerProduct -> errc::limit_exceeded. Presence fields of the argument are ignored.
  virtual boost::system::result<Device> create_device(Device) = 0;
  virtual boost::system::result<Device> get_device(std::string_view org, std::string_view product_key,
                                                   std::string_view device_key) = 0;
  virtual boost::system::result<Device> get_device_by_asset(std::string_view org,
                                                            std::string_view asset_id) = 0;
  // Found by asset_id when set, else by (product_key, device_key), within org_id. Writes name, description,
  // timezone, dst, attributes and tags (whole objects: tags are replaced, not merged).
  virtual boost::system::result<Device> update_device(const Device&) = 0;
  virtual boost::system::result<void> delete_device(std::string_view org, std::string_view pk,
                                                    std::string_view dk) = 0;
  // Disabling an online device also marks it offline at `now` (the hub drops its session).
  virtual boost::system::result<void> set_device_enabled(std::string_view org, std::string_view pk,
                                                         std::string_view dk, bool enabled, int64_t now) = 0;
  virtual PageResult<Device> search_devices(std::string_view org, const DeviceFilter&,
                                            Page) = 0;  // newest first
  virtual std::vector<Device> all_devices() = 0;        // for the hub's snapshot; in no particular order

  // --- Presence (hub, on login/logout) ---
  // Never wait on disk: changes are queued and written in batches by a background thread. Reads
  // (get_device, search_devices, all_devices) see queued changes at once. device_online also sets
  // activated/active_time on the first login. Unknown devices are ignored.
  virtual void device_online(std::string_view pk, std::string_view dk, int64_t now) = 0;
  virtual void device_offline(std::string_view pk, std::string_view dk, int64_t now) = 0;
  virtual void mark_all_offline(int64_t now) = 0;  // at start-up: nobody is connected yet
  virtual void flush() = 0;                        // returns once presence queued before the call is on disk

  // --- Storage policy groups (TSDB storage policies, spec enos-platform.md §3) ---
  // create fills id and times. errc::org_not_found; already_exists (name taken in the OU); limit_exceeded
  // (kMaxStorageGroupsPerOrg); model_not_found (a model of model_ids is not in the OU); in_use (a model is in
  // another group); invalid_argument (bad name). `policies` of the argument are stored too (same checks as
  // set_storage_policy).
  virtual boost::system::result<StorageGroup> create_storage_group(StorageGroup) = 0;
  virtual boost::system::result<StorageGroup> get_storage_group(std::string_view org, uint32_t id) = 0;
  virtual std::vector<StorageGroup> list_storage_groups(std::string_view org) = 0;  // oldest first
  // By (org_id, id): name, description and model_ids (policies are left alone). errc::not_found,
  // already_exists, model_not_found, in_use (a model is in another group, or a model leaving the group still
  // has points in one of its policies).
  virtual boost::system::result<StorageGroup> update_storage_group(const StorageGroup&) = 0;
  // Replaces the group's policy of policy.storage_type (an empty `models` keeps the retention with no
  // points). errc::not_found (group); invalid_argument (unknown storage type or retention); model_not_found
  // (a model that is not in the group). Point ids are not checked against the model here (the API does).
  virtual boost::system::result<StorageGroup> set_storage_policy(std::string_view org, uint32_t id,
                                                                 const StoragePolicy& policy) = 0;
  // errc::not_found. The caller drops the group's history from the time-series store.
  virtual boost::system::result<void> delete_storage_group(std::string_view org, uint32_t id) = 0;
  virtual std::vector<StorageGroup> all_storage_groups() = 0;  // every OU, for the hub's snapshot

  // --- API credentials ---
  // The token is returned once in clear and stored only as its hash. errc::org_not_found, invalid_argument
  // (role not one of records.hpp's).
  virtual boost::system::result<std::string> create_api_token(std::string_view org, std::string role,
                                                              std::string name) = 0;
  // A bearer token: an API token (create_api_token) or a console session not yet expired at `now`. Never
  // touches SQLite (both are cached in memory).
  virtual std::optional<ApiCredential> authenticate(std::string_view token, int64_t now) = 0;

  // --- Console users (sqlite_access.cpp) ---
  // errc::org_not_found; already_exists (username taken in any OU); invalid_argument (username, role, or a
  // password shorter than kMinPasswordLength / longer than kMaxPasswordLength). Hashing takes ~0.1 s and
  // 64 MiB (Argon2id, libsodium's INTERACTIVE limits): never call it on an io thread.
  virtual boost::system::result<User> create_user(std::string_view org, std::string username,
                                                  std::string_view password, std::string role) = 0;
  virtual std::vector<User> list_users(std::string_view org) = 0;  // by username
  // Changes the role (when not empty) and the password (when not empty); a new password ends the user's
  // sessions. errc::not_found, invalid_argument.
  virtual boost::system::result<User> update_user(std::string_view org, std::string_view username,
                                                  std::string role, std::string_view password) = 0;
  // Also ends the user's sessions. errc::not_found.
  virtual boost::system::result<void> delete_user(std::string_view org, std::string_view username) = 0;
  // The user when the password matches (Argon2id verify, slow like create_user). An unknown user and a
  // wrong password both give errc::not_found, after the same amount of work.
  virtual boost::system::result<User> check_password(std::string_view username, std::string_view password) = 0;
  // A new console session for the user, valid until `expire_at`; the token is returned once in clear and
  // stored as its hash (sessions survive restarts). errc::not_found (user gone).
  virtual boost::system::result<std::string> create_session(std::string_view org, std::string_view username,
                                                            int64_t expire_at) = 0;
  // Logout. Unknown tokens are ignored.
  virtual void delete_session(std::string_view token) = 0;

  // --- Applications (service accounts; sqlite_access.cpp) ---
  // Generates app_key and app_secret. errc::org_not_found, invalid_argument (name, access).
  virtual boost::system::result<App> create_app(std::string_view org, std::string name, std::string access) = 0;
  virtual std::vector<App> list_apps(std::string_view org) = 0;  // oldest first
  virtual boost::system::result<void> delete_app(std::string_view org, std::string_view app_key) = 0;
  // By app_key over all OUs (the token service knows no OU); cached in memory, never touches SQLite.
  virtual std::optional<App> find_app(std::string_view app_key) = 0;

  // --- Commands (sqlite_commands.cpp; written by the hub's command center, read by the API) ---
  // Inserts or replaces each command by command_id, all in one transaction.
  virtual boost::system::result<void> save_commands(const std::vector<Command>& commands) = 0;
  virtual boost::system::result<Command> get_command(std::string_view org, int64_t command_id) = 0;
  // Newest first (create_time, then command_id).
  virtual PageResult<Command> search_commands(std::string_view org, const CommandFilter&, Page) = 0;
  // Every command in state Created or Released (all OUs), oldest first: what the hub reloads at start-up.
  virtual std::vector<Command> open_commands() = 0;
  // 1 + the largest command_id ever stored (1 when none).
  virtual int64_t next_command_id() = 0;

  // --- Gateway topology (sqlite_topology.cpp; spec enos-device-protocol.md §4.6) ---
  // Adds the sub-devices (pk, dk) to the gateway, all or nothing; adding a sub-device the gateway already has is
  // not an error. errc::not_found (the gateway or a sub-device is not in the OU), invalid_argument (the gateway's
  // product is not a "Gateway", or a sub-device is the gateway itself), in_use (a sub-device belongs to another
  // gateway), limit_exceeded (kMaxSubDevicesPerGateway).
  virtual boost::system::result<void> add_sub_devices(
      std::string_view org, std::string_view gateway_pk, std::string_view gateway_dk,
      const std::vector<std::pair<std::string, std::string>>& subs, int64_t now) = 0;
  // Removes the links; sub-devices that are not the gateway's are ignored. errc::not_found (gateway).
  virtual boost::system::result<void> remove_sub_devices(
      std::string_view org, std::string_view gateway_pk, std::string_view gateway_dk,
      const std::vector<std::pair<std::string, std::string>>& subs) = 0;
  // The gateway's sub-devices, oldest link first. errc::not_found (gateway).
  virtual boost::system::result<PageResult<TopologyLink>> list_sub_devices(std::string_view org,
                                                                           std::string_view gateway_pk,
                                                                           std::string_view gateway_dk, Page) = 0;
  // The link of a sub-device to its gateway. errc::not_found (no such device, or it has no gateway).
  virtual boost::system::result<TopologyLink> get_gateway(std::string_view org, std::string_view sub_pk,
                                                          std::string_view sub_dk) = 0;
  virtual std::vector<TopologyLink> all_topology() = 0;  // every OU, for the hub's snapshot

  // --- Device certificates and OU CAs (sqlite_certificates.cpp) ---
  // Stores the OU's CA unless it already has one: errc::already_exists (get_org_ca then returns the one that
  // won), errc::org_not_found.
  virtual boost::system::result<void> put_org_ca(const OrgCa&) = 0;
  virtual boost::system::result<OrgCa> get_org_ca(std::string_view org) = 0;  // errc::not_found
  // errc::already_exists (same cert_sn or fingerprint), errc::not_found (no device with that asset_id in org).
  virtual boost::system::result<void> save_certificate(const DeviceCertificate&) = 0;
  virtual boost::system::result<DeviceCertificate> get_certificate(std::string_view org,
                                                                   std::string_view cert_sn) = 0;
  // Any OU (the hub's login check has only the certificate). errc::not_found.
  virtual boost::system::result<DeviceCertificate> find_certificate_by_fingerprint(std::string_view fingerprint) = 0;
  // The device's certificates, newest first.
  virtual std::vector<DeviceCertificate> list_certificates(std::string_view org, std::string_view pk,
                                                           std::string_view dk) = 0;
  // Marks it revoked at `now` (revoking twice keeps the first time). errc::not_found.
  virtual boost::system::result<DeviceCertificate> revoke_certificate(std::string_view org, std::string_view cert_sn,
                                                                      int64_t now) = 0;

  // Monotonically increasing; moves on every committed change to what the hub's snapshot holds: devices
  // created, deleted, enabled or disabled, products, models, storage groups and gateway topology (not presence, not device names/attributes/tags).
  // The hub rebuilds its snapshot when it moves.
  virtual uint64_t version() const = 0;
};

}  // namespace gridhub::registry
