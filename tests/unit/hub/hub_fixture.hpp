// A real registry (SQLite) and store in a temp dir, provisioned with the smart-battery model, product and device:
// what hub handlers and login run against in unit tests.
#pragma once
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hub/handler.hpp"
#include "hub/registry_view.hpp"
#include "model/console_json.hpp"
#include "registry/sqlite_registry.hpp"
#include "tsdb/time_series_store.hpp"

namespace gridhub::hub {

class HubFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("gridhub-hub-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto opened = registry::open_sqlite_registry((dir_ / "registry.db").string());
    ASSERT_TRUE(opened);
    registry_ = std::move(*opened);
    ASSERT_FALSE(tsdb::open_store((dir_ / "tsdb").string(), {}, store_));
    org_ = registry_->create_org("test", 1)->org_id;

    std::ifstream in(std::string(GRIDHUB_SOURCE_DIR) + "/demo/smart_battery_model.json", std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    auto model = model::import_console_json(ss.str());
    ASSERT_TRUE(model);
    registry::ModelRecord record;
    record.org_id = org_;
    record.model_id = model->model_id;
    record.body = boost::json::serialize(model::export_console_json(*model, org_));
    record.create_time = record.update_time = 1;
    ASSERT_TRUE(registry_->create_model(record));
    registry::Product p;
    p.org_id = org_;
    p.name = {{"defaultValue", "battery"}};
    p.model_id = model->model_id;
    auto product = registry_->create_product(p);
    ASSERT_TRUE(product);
    product_ = *product;
    registry::Device d;
    d.org_id = org_;
    d.product_key = product_.product_key;
    d.name = {{"defaultValue", "battery-1"}};
    auto device = registry_->create_device(d);
    ASSERT_TRUE(device);
    device_ = *device;
    view_ = std::make_unique<RegistryView>(*registry_);
  }

  void TearDown() override {
    view_.reset();
    store_.reset();
    registry_.reset();
    std::filesystem::remove_all(dir_);
  }

  DeviceIdentity identity() const {
    return {device_.org_id, device_.asset_id, device_.product_key, device_.device_key};
  }

  // Runs a handler the way the session does, for this fixture's device.
  Outcome run(Handler handler, std::string_view topic_suffix, std::string_view payload) {
    std::string topic = "/sys/" + device_.product_key + "/" + device_.device_key + "/" + std::string(topic_suffix);
    auto parsed_topic = enos::parse_topic(topic);
    EXPECT_TRUE(parsed_topic);
    auto request = enos::parse_request(payload);
    EXPECT_TRUE(request);
    auto snap = view_->current();
    auto id = identity();
    HandlerContext ctx{id, *snap, snap->find_product(device_.product_key), *registry_, *store_, 1000};
    return handler(ctx, *parsed_topic, *request);
  }

  std::filesystem::path dir_;
  std::unique_ptr<registry::Registry> registry_;
  std::unique_ptr<tsdb::TimeSeriesStore> store_;
  std::unique_ptr<RegistryView> view_;
  std::string org_;
  registry::Product product_;
  registry::Device device_;
};

}  // namespace gridhub::hub
