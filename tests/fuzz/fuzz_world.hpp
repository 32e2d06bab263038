// The registry a fuzz target runs against, built once per process in a temp dir: an OU, the lab's seed model
// (/work/shared/seed-data/enos_model_SmartBattery.json), a gateway product and a device product on it, a gateway
// with one sub-device in its topology and one plain device. Removed at exit.
#pragma once
#include <stdlib.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "hub/registry_view.hpp"
#include "model/console_json.hpp"
#include "registry/sqlite_registry.hpp"
#include "tsdb/time_series_store.hpp"

namespace gridhub::fuzz {

inline std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string seed_model_path() { return std::string(GRIDHUB_SHARED_DIR) + "/seed-data/enos_model_SmartBattery.json"; }

[[noreturn]] inline void setup_failed(const char* what) {
  std::fprintf(stderr, "fuzz world: %s\n", what);
  std::abort();
}

struct World {
  std::string dir;
  std::unique_ptr<registry::Registry> registry;
  std::unique_ptr<tsdb::TimeSeriesStore> store;
  std::unique_ptr<hub::RegistryView> view;
  std::string org;
  registry::Product gateway_product, device_product;
  registry::Device gateway, sub_device, device;
};

// The world, created on first use. It is never destroyed (the targets' threads may still use it at exit); only
// its directory is removed.
inline World& world() {
  static World* w = [] {
    auto* w = new World;
    std::string tmpl = (std::filesystem::temp_directory_path() / "gridhub-fuzz-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) setup_failed("mkdtemp");
    w->dir = tmpl;
    static std::string dir_to_remove = tmpl;
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(dir_to_remove, ec);
    });
    auto r = registry::open_sqlite_registry(w->dir + "/registry.db");
    if (!r) setup_failed("open registry");
    w->registry = std::move(*r);
    tsdb::StoreOptions so;
    so.durability = tsdb::Durability::None;
    if (tsdb::open_store(w->dir + "/tsdb", so, w->store)) setup_failed("open store");
    auto org = w->registry->create_org("fuzz", 1);
    if (!org) setup_failed("create org");
    w->org = org->org_id;

    auto model = model::import_console_json(read_whole_file(seed_model_path()));
    if (!model) setup_failed("import the seed model");
    registry::ModelRecord record;
    record.org_id = w->org;
    record.model_id = model->model_id;
    record.body = boost::json::serialize(model::export_console_json(*model, w->org));
    record.create_time = record.update_time = 1;
    if (!w->registry->create_model(record)) setup_failed("create model");

    registry::Product p;
    p.org_id = w->org;
    p.name = {{"defaultValue", "gateway"}};
    p.node_type = "Gateway";
    p.model_id = model->model_id;
    p.dynamic_activate_enabled = true;
    auto gp = w->registry->create_product(p);
    if (!gp) setup_failed("create gateway product");
    w->gateway_product = *gp;
    p.name = {{"defaultValue", "battery"}};
    p.node_type = "Device";
    auto dp = w->registry->create_product(p);
    if (!dp) setup_failed("create device product");
    w->device_product = *dp;

    auto make_device = [&](const registry::Product& product, const char* dk) {
      registry::Device d;
      d.org_id = w->org;
      d.product_key = product.product_key;
      d.device_key = dk;
      d.name = {{"defaultValue", dk}};
      auto made = w->registry->create_device(d);
      if (!made) setup_failed("create device");
      return *made;
    };
    w->gateway = make_device(w->gateway_product, "gateway01");
    w->sub_device = make_device(w->device_product, "battery01");
    w->device = make_device(w->device_product, "battery02");
    if (!w->registry->add_sub_devices(w->org, w->gateway.product_key, w->gateway.device_key,
                                      {{w->sub_device.product_key, w->sub_device.device_key}}, 1))
      setup_failed("add sub-device");
    w->view = std::make_unique<hub::RegistryView>(*w->registry);
    return w;
  }();
  return *w;
}

// Replaces the placeholders a corpus file uses for what the registry generated: $GPK (gateway product key),
// $PK (device product key), $GSECRET / $SECRET / $PSECRET (the gateway's, the sub-device's, the product's secret).
inline std::string expand_placeholders(std::string s) {
  const World& w = world();
  const std::pair<std::string_view, const std::string*> subs[] = {
      {"$GPK", &w.gateway_product.product_key},   {"$PK", &w.device_product.product_key},
      {"$GSECRET", &w.gateway.device_secret},     {"$SECRET", &w.sub_device.device_secret},
      {"$PSECRET", &w.device_product.product_secret}};
  for (const auto& [from, to] : subs) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to->size()))
      s.replace(at, from.size(), *to);
  }
  return s;
}

}  // namespace gridhub::fuzz
