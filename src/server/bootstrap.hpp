// First start in an empty data dir: the default OU and the admin credential (admin.json, mode 0600);
// and `--demo`: the smart-battery lab provisioned idempotently (demo.json, mode 0600).
#pragma once
#include <string>

#include "registry/registry.hpp"

namespace gridhub::server {

struct AdminInfo {
  std::string org_id;
  std::string admin_file;   // path of admin.json
};

// Ensures an OU exists and DIR/admin.json holds a valid token for it (re-issued when the file is missing).
// The token is written to the file only, never logged.
bool ensure_admin(registry::Registry& registry, const std::string& data_dir, AdminInfo& out, std::string& error);

struct DemoInfo {
  std::string org_id, model_id, product_key, product_secret, device_key, device_secret, asset_id;
  // The console login of the lab (user kDemoConsoleUser); the password is empty when that user was made by
  // someone else (then it is theirs to know).
  std::string console_user, console_password;
};

// Model (from the shipped demo model file), product, device and console user of the lab; creates what is
// missing, keeps what exists, and writes DIR/demo.json (mode 0600: it holds the secrets and the password).
bool provision_demo(registry::Registry& registry, const std::string& org_id, const std::string& data_dir,
                    DemoInfo& out, std::string& error);

// Writes `content` to `path` atomically with mode 0600.
bool write_private_file(const std::string& path, const std::string& content, std::string& error);

}  // namespace gridhub::server
