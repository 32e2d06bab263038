// The schema (v1: OUs, models, products, devices, tokens; v2: storage policy groups; v3: commands, console
// users, sessions, applications; v4: gateway topology, device CAs and certificates) and the migration driver.
// JSON columns are text; name_search holds every string of an i18n name, one per line, so LIKE searches the
// names and not the JSON keys. Devices count per product is kept by triggers so the
// 10,000-device limit check does not scan.
#include "registry/schema.hpp"

#include "registry/errc.hpp"

namespace gridhub::registry {

namespace {

constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE orgs (
  org_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  create_time INTEGER NOT NULL
);
CREATE TABLE models (
  org_id TEXT NOT NULL REFERENCES orgs(org_id),
  model_id TEXT NOT NULL,
  parent_model_id TEXT,            -- NULL = no parent
  body TEXT NOT NULL,
  draft_body TEXT NOT NULL,
  validation_enabled INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  PRIMARY KEY (org_id, model_id),
  FOREIGN KEY (org_id, parent_model_id) REFERENCES models(org_id, model_id)
);
CREATE INDEX models_parent ON models(org_id, parent_model_id);
CREATE TABLE products (
  product_key TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(org_id),
  product_secret TEXT NOT NULL,
  name TEXT NOT NULL,
  name_default TEXT NOT NULL,
  name_search TEXT NOT NULL,
  node_type TEXT NOT NULL,
  model_id TEXT NOT NULL,
  data_format TEXT NOT NULL,
  bi_directional_auth INTEGER NOT NULL,
  dynamic_activate_enabled INTEGER NOT NULL,
  description TEXT NOT NULL,
  tags TEXT NOT NULL,
  device_count INTEGER NOT NULL DEFAULT 0,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  UNIQUE (org_id, name_default),
  FOREIGN KEY (org_id, model_id) REFERENCES models(org_id, model_id)
);
CREATE INDEX products_model ON products(org_id, model_id);
CREATE INDEX products_time ON products(org_id, create_time);
CREATE TABLE devices (
  asset_id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  product_key TEXT NOT NULL REFERENCES products(product_key),
  device_key TEXT NOT NULL,
  device_secret TEXT NOT NULL,
  name TEXT NOT NULL,
  name_search TEXT NOT NULL,
  description TEXT NOT NULL,
  timezone TEXT NOT NULL,
  dst INTEGER NOT NULL,
  attributes TEXT NOT NULL,
  tags TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  activated INTEGER NOT NULL,
  online INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  active_time INTEGER NOT NULL,
  last_online_time INTEGER NOT NULL,
  last_offline_time INTEGER NOT NULL,
  UNIQUE (product_key, device_key)
);
CREATE INDEX devices_time ON devices(org_id, create_time);
CREATE INDEX devices_online ON devices(online) WHERE online = 1;
CREATE TRIGGER devices_count_insert AFTER INSERT ON devices BEGIN
  UPDATE products SET device_count = device_count + 1 WHERE product_key = NEW.product_key;
END;
CREATE TRIGGER devices_count_delete AFTER DELETE ON devices BEGIN
  UPDATE products SET device_count = device_count - 1 WHERE product_key = OLD.product_key;
END;
CREATE TABLE api_tokens (
  token_hash BLOB PRIMARY KEY,     -- crypto_generichash of the token; the token itself is never stored
  org_id TEXT NOT NULL REFERENCES orgs(org_id),
  role TEXT NOT NULL,
  name TEXT NOT NULL
);
)sql";

// v2: storage policy groups. AUTOINCREMENT so a deleted group's id is never handed out again (the time-series
// store keys partitions by it). The primary key of storage_group_models is (org_id, model_id): a model is in
// at most one group of its OU. A selected point references its model's membership, so SQLite itself refuses
// to let a model leave a group while a policy still selects its points; deleting a group cascades to all of
// it. models(org_id, model_id) is referenced without a cascade: a model in a group cannot be deleted.
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE storage_groups (
  group_id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id TEXT NOT NULL REFERENCES orgs(org_id),
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  UNIQUE (org_id, name)
);
CREATE TABLE storage_group_models (
  group_id INTEGER NOT NULL REFERENCES storage_groups(group_id) ON DELETE CASCADE,
  org_id TEXT NOT NULL,
  model_id TEXT NOT NULL,
  PRIMARY KEY (org_id, model_id),
  UNIQUE (group_id, model_id),
  FOREIGN KEY (org_id, model_id) REFERENCES models(org_id, model_id)
);
CREATE TABLE storage_policies (
  group_id INTEGER NOT NULL REFERENCES storage_groups(group_id) ON DELETE CASCADE,
  storage_type TEXT NOT NULL,
  retention TEXT NOT NULL,
  PRIMARY KEY (group_id, storage_type)
);
CREATE TABLE storage_policy_points (
  group_id INTEGER NOT NULL,
  storage_type TEXT NOT NULL,
  model_id TEXT NOT NULL,
  point_id TEXT NOT NULL,
  PRIMARY KEY (group_id, storage_type, model_id, point_id),
  FOREIGN KEY (group_id, storage_type) REFERENCES storage_policies(group_id, storage_type) ON DELETE CASCADE,
  FOREIGN KEY (group_id, model_id) REFERENCES storage_group_models(group_id, model_id)
);
CREATE INDEX storage_policy_points_model ON storage_policy_points(group_id, model_id);
)sql";

// v3: cloud-to-device commands, console users with their sessions, and applications.
// Commands: command_id is the hub's id (also the MQTT message id), never generated here. The partial index
// holds only the open states (Created 1, Released 4), so the start-up reload reads a small index however many
// finished commands pile up.
// Users: username is the primary key because it is unique over all OUs (the login page asks no OU). A
// session dies with its user through the cascade.
// api_tokens: admin.json's token becomes the one "system" credential (creating OUs); the other tokens of a v2
// file were all OU admins and stay "admin".
constexpr const char* kSchemaV3 = R"sql(
CREATE TABLE commands (
  command_id INTEGER PRIMARY KEY,
  org_id TEXT NOT NULL,
  asset_id TEXT NOT NULL,
  product_key TEXT NOT NULL,
  device_key TEXT NOT NULL,
  type INTEGER NOT NULL,
  tsl_identifier TEXT NOT NULL,
  command_name TEXT NOT NULL,
  input_data TEXT NOT NULL,
  output_data TEXT NOT NULL,
  pending_ttl_s INTEGER NOT NULL,
  timeout_s INTEGER NOT NULL,
  state INTEGER NOT NULL,
  reply_code INTEGER NOT NULL,
  reply_message TEXT NOT NULL,
  error_code INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  release_time INTEGER NOT NULL,
  reply_time INTEGER NOT NULL
);
CREATE INDEX commands_device_time ON commands(org_id, asset_id, create_time);
CREATE INDEX commands_org_time ON commands(org_id, create_time);
CREATE INDEX commands_open ON commands(state, create_time) WHERE state IN (1, 4);
CREATE TABLE users (
  username TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(org_id),
  password_hash TEXT NOT NULL,     -- crypto_pwhash_str (Argon2id), never the password
  role TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL
);
CREATE INDEX users_org ON users(org_id, username);
CREATE TABLE sessions (
  token_hash BLOB PRIMARY KEY,     -- crypto_generichash of the session token, like api_tokens
  org_id TEXT NOT NULL,
  username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
  expire_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(username);
CREATE TABLE apps (
  app_key TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(org_id),
  app_secret TEXT NOT NULL,
  name TEXT NOT NULL,
  access TEXT NOT NULL,
  create_time INTEGER NOT NULL
);
CREATE INDEX apps_org ON apps(org_id, create_time);
UPDATE api_tokens SET role = 'system' WHERE name = 'admin.json';
)sql";

// v4: gateway topology, the OUs' device CAs and device certificates. Links and certificates belong to devices
// (asset_id) and go with them. A sub-device has one gateway (the primary key).
constexpr const char* kSchemaV4 = R"sql(
CREATE TABLE topology (
  sub_asset_id TEXT PRIMARY KEY REFERENCES devices(asset_id) ON DELETE CASCADE,
  gateway_asset_id TEXT NOT NULL REFERENCES devices(asset_id) ON DELETE CASCADE,
  org_id TEXT NOT NULL,
  create_time INTEGER NOT NULL
);
CREATE INDEX topology_gateway ON topology(gateway_asset_id, create_time);
CREATE TABLE org_cas (
  org_id TEXT PRIMARY KEY REFERENCES orgs(org_id),
  cert_pem TEXT NOT NULL,
  key_pem TEXT NOT NULL,
  create_time INTEGER NOT NULL
);
CREATE TABLE certificates (
  cert_sn TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL,
  asset_id TEXT NOT NULL REFERENCES devices(asset_id) ON DELETE CASCADE,
  cert_pem TEXT NOT NULL,
  issue_time INTEGER NOT NULL,
  not_before INTEGER NOT NULL,
  not_after INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0,
  revoke_time INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX certificates_device ON certificates(asset_id, issue_time);
)sql";

// v5: a product's certificate validity (EnOS defaultValidDay / maxValidDay), bounding certificates?action=apply.
constexpr const char* kSchemaV5 = R"sql(
ALTER TABLE products ADD COLUMN default_valid_day INTEGER NOT NULL DEFAULT 365;
ALTER TABLE products ADD COLUMN max_valid_day INTEGER NOT NULL DEFAULT 3650;
)sql";

// Migrations[i] takes version i to i + 1 (index 0 creates the schema).
constexpr const char* kMigrations[] = {kSchemaV1, kSchemaV2, kSchemaV3, kSchemaV4, kSchemaV5};
static_assert(std::size(kMigrations) == kSchemaVersion);

}  // namespace

boost::system::result<void> ensure_schema(SqliteDb& db) { return apply_migrations(db, kMigrations); }

boost::system::result<void> apply_migrations(SqliteDb& db, std::span<const char* const> migrations) {
  const auto target = static_cast<int64_t>(migrations.size());
  Transaction tx(db);
  if (auto r = tx.begin(); !r) return r;
  if (auto r = db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"); !r) return r;
  int64_t version = 0;
  {
    auto st = db.prepare("SELECT version FROM schema_version");
    if (!st) return st.error();
    auto found = st->scalar(0);
    if (!found) return found.error();
    version = *found;
  }
  if (version > target) return make_error_code(errc::schema_too_new);
  for (int64_t v = version; v < target; ++v)
    if (auto r = db.exec(migrations[static_cast<std::size_t>(v)]); !r) return r;
  if (version != target) {
    if (auto r = db.exec("DELETE FROM schema_version"); !r) return r;
    auto ins = db.prepare("INSERT INTO schema_version (version) VALUES (?1)");
    if (!ins) return ins.error();
    if (auto r = ins->bind(1, target).run(); !r) return r;
  }
  return tx.commit();
}

}  // namespace gridhub::registry
