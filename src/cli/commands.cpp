// Admin commands (models, products, devices, console users, applications, OUs): read the credential from
// admin.json, call the API, print its JSON answer.
#include "cli/commands.hpp"

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include "cli/http_client.hpp"
#include "cli/simulate.hpp"
#include "json/parse.hpp"

namespace gridhub::cli {

namespace {

struct Common {
  std::string url = "http://127.0.0.1:8080";
  std::string admin_file = "data/admin.json";
};

struct State {
  Common common;
  std::function<int()> selected;
  // Arguments of every command (CLI11 binds to storage that outlives parsing).
  std::string file, model_id, name, node_type = "Device", data_format = "Json", desc, product_key, device_key,
      asset_id, timezone = "+08:00";
  std::string username, password, role = "viewer", access = "read", app_key;
  bool dynamic_activation = false, validation = true;
};

State& state() {
  static State s;
  return s;
}

std::string enc(const std::string& s) { return boost::urls::encode(s, boost::urls::unreserved_chars); }

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

// Calls the API with the admin credential; prints the answer; exit code 0 only for code 0.
int call(const std::string& method, const std::string& service_path, const std::string& query,
         const std::string& body) {
  const auto& c = state().common;
  std::string text;
  if (!read_file(c.admin_file, text)) {
    std::cerr << "gridhub: cannot read " << c.admin_file << " (use --admin-file)\n";
    return 2;
  }
  boost::system::error_code ec;
  auto admin = boost::json::parse(text, ec);
  if (ec || !admin.is_object() || !admin.get_object().contains("token") || !admin.at("token").is_string()) {
    std::cerr << "gridhub: " << c.admin_file << " has no token\n";
    return 2;
  }
  std::string target = service_path + "?" + query;
  if (auto* org = admin.get_object().if_contains("orgId"); org && org->is_string())
    target += "&orgId=" + enc(std::string(org->get_string()));
  auto r = http_request(c.url, method, target, std::string(admin.at("token").get_string()), body);
  if (r.status == 0) {
    std::cerr << "gridhub: " << r.error << "\n";
    return 2;
  }
  auto answer = json::parse(r.body, ec);
  if (ec) {
    std::cout << r.body << "\n";
    return 1;
  }
  std::cout << boost::json::serialize(answer) << "\n";
  const auto* code = answer.is_object() ? answer.get_object().if_contains("code") : nullptr;
  return code && code->is_int64() && code->get_int64() == 0 ? 0 : 1;
}

std::string device_query() {
  auto& s = state();
  if (!s.asset_id.empty()) return "assetId=" + enc(s.asset_id);
  return "productKey=" + enc(s.product_key) + "&deviceKey=" + enc(s.device_key);
}

void add_common(CLI::App* cmd) {
  cmd->add_option("--url", state().common.url, "API address")->capture_default_str();
  cmd->add_option("--admin-file", state().common.admin_file, "admin credential written by `gridhub serve`")
      ->capture_default_str();
}

CLI::App* leaf(CLI::App* parent, const std::string& name, const std::string& help, std::function<int()> run) {
  auto* cmd = parent->add_subcommand(name, help);
  add_common(cmd);
  cmd->callback([run = std::move(run)] { state().selected = run; });
  return cmd;
}

// --password, else the first line of standard input (so that the password stays out of `ps` and the shell
// history: `gridhub user create --username ann < pwfile`).
bool password_from_option_or_stdin(std::string& out) {
  if (!out.empty()) return true;
  if (::isatty(0)) std::cerr << "password: " << std::flush;
  std::getline(std::cin, out);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  if (out.empty()) {
    std::cerr << "gridhub: a password is required (--password, or one line on standard input)\n";
    return false;
  }
  return true;
}

void add_device_address(CLI::App* cmd) {
  auto& s = state();
  cmd->add_option("--product-key", s.product_key, "productKey");
  cmd->add_option("--device-key", s.device_key, "deviceKey");
  cmd->add_option("--asset-id", s.asset_id, "assetId (instead of the keys)");
}

void add_access_commands(CLI::App& app) {
  auto& s = state();
  constexpr const char* kUsers = "/iam-service/v2.1/users";
  constexpr const char* kApps = "/iam-service/v2.1/apps";
  auto* user = app.add_subcommand("user", "console users of the credential's OU")->require_subcommand(1);
  auto* user_create = leaf(user, "create", "create a console user (the password is hashed with Argon2id)", [=] {
    auto& st = state();
    if (!password_from_option_or_stdin(st.password)) return 2;
    boost::json::object body{{"username", st.username}, {"password", st.password}, {"role", st.role}};
    return call("POST", kUsers, "action=create", boost::json::serialize(body));
  });
  user_create->add_option("--username", s.username, "3..64 characters of letters, digits, _ . @ -")->required();
  user_create->add_option("--password", s.password, "8..128 bytes (default: read one line from standard input)");
  user_create->add_option("--role", s.role, "admin or viewer")->capture_default_str();
  leaf(user, "list", "list the console users", [=] { return call("POST", kUsers, "action=search", R"({"pagination":{"pageSize":200}})"); });
  auto* user_delete = leaf(user, "delete", "delete a console user (ends its sessions)", [=] {
    return call("POST", kUsers, "action=delete", boost::json::serialize(boost::json::object{{"username", state().username}}));
  });
  user_delete->add_option("USERNAME", s.username)->required();

  auto* apps = app.add_subcommand("app", "applications (service accounts) of the credential's OU")->require_subcommand(1);
  auto* app_create = leaf(apps, "create", "register an application: prints its appKey and appSecret, once", [=] {
    auto& st = state();
    boost::json::object body{{"name", st.name}, {"access", st.access}};
    return call("POST", kApps, "action=create", boost::json::serialize(body));
  });
  app_create->add_option("--name", s.name, "application name")->required();
  app_create->add_option("--access", s.access, "full or read")->capture_default_str();
  leaf(apps, "list", "list the applications (without secrets)", [=] { return call("POST", kApps, "action=search", R"({"pagination":{"pageSize":200}})"); });
  auto* app_delete = leaf(apps, "delete", "delete an application (its tokens stop working)", [=] {
    return call("POST", kApps, "action=delete", boost::json::serialize(boost::json::object{{"appKey", state().app_key}}));
  });
  app_delete->add_option("APP_KEY", s.app_key)->required();

  auto* org = app.add_subcommand("org", "OUs (needs the system credential of admin.json)")->require_subcommand(1);
  auto* org_create = leaf(org, "create", "create an OU: prints its orgId and an admin token for it", [] {
    return call("POST", "/iam-service/v2.1/orgs", "action=create",
                boost::json::serialize(boost::json::object{{"name", state().name}}));
  });
  org_create->add_option("--name", s.name, "OU name")->required();
}

}  // namespace

void add_commands(CLI::App& app) {
  auto& s = state();
  auto* model = app.add_subcommand("model", "thing models")->require_subcommand(1);
  auto* import = leaf(model, "import", "import a console-export JSON file", [] {
    std::string body;
    if (!read_file(state().file, body)) {
      std::cerr << "gridhub: cannot read " << state().file << "\n";
      return 2;
    }
    return call("POST", "/model-service/v2.1/thing-models",
                std::string("action=import&validation=") + (state().validation ? "true" : "false"), body);
  });
  import->add_option("FILE", s.file, "model file (the console's export JSON)")->required();
  import->add_option("--validation", s.validation, "model validation switch")->capture_default_str();
  auto* model_get = leaf(model, "get", "show a model", [] {
    return call("GET", "/model-service/v2.1/thing-models", "action=get&modelId=" + enc(state().model_id), "");
  });
  model_get->add_option("MODEL_ID", s.model_id)->required();

  auto* product = app.add_subcommand("product", "products")->require_subcommand(1);
  auto* product_create = leaf(product, "create", "create a product", [] {
    auto& st = state();
    boost::json::object body{{"productName", st.name},          {"productType", st.node_type},
                             {"modelId", st.model_id},          {"dataFormat", st.data_format},
                             {"productDesc", st.desc},          {"biDirectionalAuth", false},
                             {"dynamicActivateEnabled", st.dynamic_activation}};
    return call("POST", "/connect-service/v2.1/products", "action=create", boost::json::serialize(body));
  });
  product_create->add_option("--name", s.name, "product name")->required();
  product_create->add_option("--model", s.model_id, "modelId")->required();
  product_create->add_option("--node-type", s.node_type, "Device or Gateway")->capture_default_str();
  product_create->add_option("--data-format", s.data_format, "Json or Custom")->capture_default_str();
  product_create->add_option("--desc", s.desc, "description");
  product_create->add_flag("--dynamic-activation", s.dynamic_activation, "allow dynamic activation");
  auto* product_get = leaf(product, "get", "show a product (with its secret)", [] {
    return call("GET", "/connect-service/v2.1/products", "action=get&productKey=" + enc(state().product_key), "");
  });
  product_get->add_option("PRODUCT_KEY", s.product_key)->required();

  auto* device = app.add_subcommand("device", "devices")->require_subcommand(1);
  auto* device_create = leaf(device, "create", "register a device", [] {
    auto& st = state();
    boost::json::object body{{"productKey", st.product_key}, {"timezone", st.timezone}};
    body["deviceName"] = st.name.empty() ? st.device_key : st.name;
    if (!st.device_key.empty()) body["deviceKey"] = st.device_key;
    return call("POST", "/connect-service/v2.1/devices", "action=create", boost::json::serialize(body));
  });
  device_create->add_option("--product-key", s.product_key, "productKey")->required();
  device_create->add_option("--name", s.name, "device name");
  device_create->add_option("--device-key", s.device_key, "deviceKey (generated when omitted)");
  device_create->add_option("--timezone", s.timezone, "+08:00 or an IANA name")->capture_default_str();
  for (const char* action : {"get", "enable", "disable", "delete"}) {
    std::string a = action;
    auto* cmd = leaf(device, a, a + " a device", [a] {
      return call(a == "get" ? "GET" : "POST", "/connect-service/v2.1/devices", "action=" + a + "&" + device_query(),
                  "");
    });
    add_device_address(cmd);
  }
  add_access_commands(app);
  add_simulate_command(app);
}

int run_selected() {
  if (int rc = run_simulate(); rc >= 0) return rc;
  auto& s = state();
  return s.selected ? s.selected() : -1;
}

}  // namespace gridhub::cli
