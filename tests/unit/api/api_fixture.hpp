// Shared fixture for the api tests: a temp dir with a real SQLite registry and a real store, a Hub on an
// io_context that never runs (only kick/is_online are used), an OU with an admin token, and call helpers that
// drive handle_request and parse the envelope.
#pragma once
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <sstream>
#include <string>

#include "api/context.hpp"
#include "api/router.hpp"
#include "hub/hub.hpp"
#include "registry/sqlite_registry.hpp"
#include "tsdb/time_series_store.hpp"

namespace gridhub::api::testing {

inline const char* kModels = "/model-service/v2.1/thing-models";
inline const char* kProducts = "/connect-service/v2.1/products";
inline const char* kDevices = "/connect-service/v2.1/devices";
inline const char* kMeasurepoints = "/connect-service/v2.1/measurepoints";

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string seed_model_path() {
  return std::string(GRIDHUB_SHARED_DIR) + "/seed-data/enos_model_SmartBattery.json";
}

struct Answer {
  unsigned status = 0;
  boost::json::value json;  // null when the body is not JSON
  std::string body;

  int64_t code() const {
    const auto* o = json.if_object();
    const auto* c = o ? o->if_contains("code") : nullptr;
    return c && c->is_int64() ? c->get_int64() : -1;
  }
  std::string msg() const {
    const auto* o = json.if_object();
    const auto* m = o ? o->if_contains("msg") : nullptr;
    return m && m->is_string() ? std::string(m->get_string()) : std::string();
  }
  const boost::json::value& data() const { return json.at("data"); }
};

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spdlog::set_level(spdlog::level::warn);  // the store logs every open at info
    std::string tmpl = (std::filesystem::temp_directory_path() / "gridhub-api-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    auto r = registry::open_sqlite_registry(dir_ + "/registry.db");
    ASSERT_TRUE(r) << r.error().message();
    registry_ = std::move(*r);
    tsdb::StoreOptions so;
    so.durability = tsdb::Durability::None;
    ASSERT_FALSE(tsdb::open_store(dir_ + "/tsdb", so, store_));
    auto events = registry::open_sqlite_event_log(dir_ + "/events.db");
    ASSERT_TRUE(events) << events.error().message();
    events_ = std::move(*events);
    hub_ = std::make_unique<hub::Hub>(std::vector<boost::asio::io_context*>{&io_}, *registry_, *store_, *events_,
                                      hub::HubOptions{});
    ctx_ = std::make_unique<ApiContext>(*registry_, *store_, *hub_, *events_);
    ctx_->now_ms = [this] { return now_; };
    auto org = registry_->create_org("OU one", 1000);
    ASSERT_TRUE(org);
    org_ = org->org_id;
    auto token = registry_->create_api_token(org_, "admin", "test");
    ASSERT_TRUE(token);
    token_ = *token;
  }
  void TearDown() override {
    ctx_.reset();
    hub_.reset();
    events_.reset();
    store_.reset();
    registry_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A second OU with its own token.
  std::pair<std::string, std::string> other_ou() {
    auto org = registry_->create_org("OU two", 2000);
    EXPECT_TRUE(org);
    auto token = registry_->create_api_token(org->org_id, "admin", "other");
    EXPECT_TRUE(token);
    return {org->org_id, *token};
  }

  Answer raw(const std::string& method, const std::string& target, const std::string& body,
             const std::string& authorization) {
    ApiRequest req;
    req.method = method;
    req.target = target;
    req.authorization = authorization;
    req.body = body;
    ApiResponse res = handle_request(*ctx_, req);
    Answer a;
    a.status = res.status;
    a.body = res.body;
    boost::system::error_code ec;
    a.json = boost::json::parse(res.body, ec);
    if (ec) a.json = nullptr;
    return a;
  }
  Answer call(const std::string& method, const std::string& path, const std::string& query,
              const std::string& body = "", const std::string& token = "") {
    return raw(method, path + (query.empty() ? "" : "?" + query), body,
               "Bearer " + (token.empty() ? token_ : token));
  }
  Answer post(const std::string& path, const std::string& query, const boost::json::value& body) {
    return call("POST", path, query, boost::json::serialize(body));
  }
  Answer get(const std::string& path, const std::string& query) { return call("GET", path, query); }

  // Asserts code 0 and returns data.
  boost::json::value ok(const Answer& a) {
    EXPECT_EQ(a.status, 200u) << a.body;
    EXPECT_EQ(a.code(), 0) << a.body;
    const auto* o = a.json.if_object();
    return o && o->contains("data") ? o->at("data") : boost::json::value();
  }

  std::string import_seed() {
    auto a = call("POST", kModels, "action=import", read_file(seed_model_path()));
    auto data = ok(a);
    return data.is_object() ? std::string(data.at("modelId").as_string()) : std::string();
  }
  std::string create_product(const std::string& name, const std::string& model_id) {
    auto a = post(kProducts, "action=create",
                  {{"productName", name}, {"productType", "Device"}, {"modelId", model_id}, {"dataFormat", "Json"}});
    auto data = ok(a);
    return data.is_object() ? std::string(data.at("productKey").as_string()) : std::string();
  }
  boost::json::object create_device(const std::string& pk, const std::string& name, const std::string& dk = "") {
    boost::json::object body{{"productKey", pk}, {"deviceName", name}};
    if (!dk.empty()) body["deviceKey"] = dk;
    auto data = ok(post(kDevices, "action=create", body));
    return data.is_object() ? data.as_object() : boost::json::object{};
  }

  // Appends samples and waits until they are stored.
  void append(std::vector<tsdb::Sample> batch) {
    std::promise<std::error_code> done;
    store_->append(std::move(batch), [&](std::error_code ec) { done.set_value(ec); });
    EXPECT_FALSE(done.get_future().get());
  }

  std::string dir_;
  boost::asio::io_context io_;
  std::unique_ptr<registry::Registry> registry_;
  std::unique_ptr<tsdb::TimeSeriesStore> store_;
  std::unique_ptr<registry::EventLog> events_;
  std::unique_ptr<hub::Hub> hub_;
  std::unique_ptr<ApiContext> ctx_;
  std::string org_, token_;
  int64_t now_ = 1'700'000'000'000;
};

}  // namespace gridhub::api::testing
