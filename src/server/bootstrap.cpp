// Default OU, admin credential and the smart-battery demo.
#include "server/bootstrap.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "json/parse.hpp"
#include "model/console_json.hpp"
#include "registry/errc.hpp"
#include "registry/keys.hpp"
#include "server/demo_model.hpp"

namespace gridhub::server {

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

constexpr const char* kDemoModelId = "Smartbattery_Model";
constexpr const char* kDemoProductName = "Smartbattery_Product";
constexpr const char* kDemoDeviceName = "Smartbattery_Device";
constexpr const char* kDemoStorageGroup = "Developer_Bootcamp";
constexpr const char* kDemoRetention = "3M";
constexpr const char* kDemoConsoleUser = "admin";

// The storage type that keeps a point of this signal type (the lab's step 4 uses AI_RAW for its AI points).
const char* storage_type_for(model::SignalType signal) {
  switch (signal) {
    case model::SignalType::AI:
      return "AI_RAW";
    case model::SignalType::DI:
      return "DI";
    case model::SignalType::PI:
      return "PI";
    case model::SignalType::Generic:
      break;
  }
  return "GENERIC";
}

// The lab's step 4: a group holding the demo model, every point kept 3 months in the storage type that fits
// its point type. Left alone once it exists (the user may have changed it).
bool provision_demo_storage(registry::Registry& registry, const std::string& org_id, std::string& error) {
  for (const auto& g : registry.list_storage_groups(org_id))
    if (g.name == kDemoStorageGroup) return true;
  std::string detail;
  auto model = model::import_console_json(kDemoModelJson, &detail);
  if (!model) return error = "demo model does not import: " + detail, false;
  std::map<std::string, registry::StoragePolicy> policies;
  for (const auto& [id, element] : model->measurepoints) {
    auto& policy = policies[storage_type_for(element.signal_type)];
    if (policy.models.empty()) policy.models.push_back({kDemoModelId, {}});
    policy.models[0].point_ids.push_back(id);  // std::map: already sorted
  }
  registry::StorageGroup group;
  group.org_id = org_id;
  group.name = kDemoStorageGroup;
  group.description = "Smart-battery lab: every measure point kept 3 months";
  group.model_ids = {kDemoModelId};
  for (auto& [type, policy] : policies) {
    policy.storage_type = type;
    policy.retention = kDemoRetention;
    group.policies.push_back(std::move(policy));
  }
  if (auto r = registry.create_storage_group(std::move(group)); !r)
    return error = "demo storage group: " + r.error().message(), false;
  return true;
}

}  // namespace

bool write_private_file(const std::string& path, const std::string& content, std::string& error) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return error = "cannot create " + tmp, false;
  ::fchmod(fd, 0600);  // an older tmp file may have had other bits
  bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) return error = "cannot write " + path, false;
  return true;
}

bool ensure_admin(registry::Registry& registry, const std::string& data_dir, AdminInfo& out, std::string& error) {
  out.admin_file = data_dir + "/admin.json";
  auto orgs = registry.list_orgs();
  if (orgs.empty()) {
    auto org = registry.create_org("Default OU", now_ms());
    if (!org) return error = "cannot create the default OU: " + org.error().message(), false;
    orgs.push_back(*org);
    spdlog::info("created the default OU {}", org->org_id);
  }
  out.org_id = orgs.front().org_id;

  // Keep a token that still works; issue a new one when the file is gone or stale.
  std::string text;
  if (read_file(out.admin_file, text)) {
    boost::system::error_code ec;
    auto v = boost::json::parse(text, ec);
    if (!ec && v.is_object()) {
      const auto* token = v.get_object().if_contains("token");
      const auto* org = v.get_object().if_contains("orgId");
      if (token && token->is_string() && org && org->is_string()) {
        auto cred = registry.authenticate(token->get_string(), now_ms());
        if (cred && cred->org_id == org->get_string()) {
          out.org_id = cred->org_id;
          return true;
        }
      }
    }
  }
  auto token = registry.create_api_token(out.org_id, "system", "admin.json");
  if (!token) return error = "cannot create the admin credential: " + token.error().message(), false;
  boost::json::object admin{{"orgId", out.org_id}, {"token", *token}};
  if (!write_private_file(out.admin_file, boost::json::serialize(admin) + "\n", error)) return false;
  spdlog::info("admin credential written to {}", out.admin_file);
  return true;
}

// The lab's console login: user "admin" (role admin) with a random password, kept in demo.json so that every
// start shows the same one. A user of that name made by someone else is left alone, its password unknown here.
bool provision_demo_console_user(registry::Registry& registry, const std::string& org_id, const std::string& data_dir,
                                 DemoInfo& out, std::string& error) {
  out.console_user = kDemoConsoleUser;
  std::string text, saved_password;
  if (read_file(data_dir + "/demo.json", text)) {
    boost::system::error_code ec;
    auto saved = json::parse(text, ec);
    if (!ec && saved.is_object())
      if (auto* p = saved.get_object().if_contains("consolePassword"); p && p->is_string())
        saved_password = std::string(p->get_string());
  }
  for (const auto& u : registry.list_users(org_id))
    if (u.username == kDemoConsoleUser) {
      // Shown again only while it still opens the console (someone may have changed it since).
      if (!saved_password.empty() && registry.check_password(kDemoConsoleUser, saved_password))
        out.console_password = saved_password;
      return true;
    }
  const std::string password = registry::random_key(16);
  auto created = registry.create_user(org_id, kDemoConsoleUser, password, "admin");
  if (!created) {
    if (created.error() == registry::errc::already_exists) return true;  // the name is taken in another OU
    return error = "demo console user: " + created.error().message(), false;
  }
  out.console_password = password;
  return true;
}

bool provision_demo(registry::Registry& registry, const std::string& org_id, const std::string& data_dir,
                    DemoInfo& out, std::string& error) {
  const int64_t now = now_ms();
  out.org_id = org_id;
  out.model_id = kDemoModelId;

  if (!registry.get_model(org_id, kDemoModelId)) {
    std::string detail;
    auto model = model::import_console_json(kDemoModelJson, &detail);
    if (!model) return error = "demo model does not import: " + detail, false;
    registry::ModelRecord record;
    record.org_id = org_id;
    record.model_id = model->model_id;
    record.body = boost::json::serialize(model::export_console_json(*model, org_id));
    record.validation_enabled = true;
    record.create_time = record.update_time = now;
    if (auto r = registry.create_model(record); !r) return error = "demo model: " + r.error().message(), false;
  }

  if (!provision_demo_storage(registry, org_id, error)) return false;

  registry::ProductFilter pf;
  pf.model_id = kDemoModelId;
  pf.name_like = kDemoProductName;  // by name: an OU may hold more products of the model than one page
  std::optional<registry::Product> product;
  for (auto& p : registry.search_products(org_id, pf, {1, 200}).items)
    if (auto* n = p.name.if_contains("defaultValue"); n && n->is_string() && n->get_string() == kDemoProductName)
      product = p;
  if (!product) {
    registry::Product p;
    p.org_id = org_id;
    p.name = {{"defaultValue", kDemoProductName}, {"i18nValue", boost::json::object{}}};
    p.node_type = "Device";
    p.model_id = kDemoModelId;
    p.data_format = "Json";
    p.description = "Computer Battery";
    auto created = registry.create_product(std::move(p));
    if (!created) return error = "demo product: " + created.error().message(), false;
    product = *created;
  }
  out.product_key = product->product_key;
  out.product_secret = product->product_secret;

  registry::DeviceFilter df;
  df.product_key = product->product_key;
  df.name_like = kDemoDeviceName;
  std::optional<registry::Device> device;
  for (auto& d : registry.search_devices(org_id, df, {1, 200}).items)
    if (auto* n = d.name.if_contains("defaultValue"); n && n->is_string() && n->get_string() == kDemoDeviceName)
      device = d;
  if (!device) {
    registry::Device d;
    d.org_id = org_id;
    d.product_key = product->product_key;
    d.name = {{"defaultValue", kDemoDeviceName}, {"i18nValue", boost::json::object{}}};
    d.timezone = "+08:00";
    d.dst = false;
    auto created = registry.create_device(std::move(d));
    if (!created) return error = "demo device: " + created.error().message(), false;
    device = *created;
  }
  out.device_key = device->device_key;
  out.device_secret = device->device_secret;
  out.asset_id = device->asset_id;

  if (!provision_demo_console_user(registry, org_id, data_dir, out, error)) return false;

  boost::json::object demo{{"orgId", out.org_id},           {"modelId", out.model_id},
                           {"productKey", out.product_key}, {"productSecret", out.product_secret},
                           {"deviceKey", out.device_key},   {"deviceSecret", out.device_secret},
                           {"assetId", out.asset_id},       {"consoleUser", out.console_user}};
  if (!out.console_password.empty()) demo["consolePassword"] = out.console_password;
  return write_private_file(data_dir + "/demo.json", boost::json::serialize(demo) + "\n", error);
}

}  // namespace gridhub::server
