// /connect-service/v2.1/commands through handle_request, with a running hub on loopback and a real device
// connection (TestDevice) answering: parameters and their bounds, model checks, immediate and pending
// commands, the envelope codes, get, search, cancel, and OU isolation.
#include <boost/asio/executor_work_guard.hpp>
#include <future>
#include <thread>

#include "../hub/test_device.hpp"
#include "api/local_time.hpp"
#include "api_fixture.hpp"

namespace gridhub::api::testing {
namespace {

using namespace std::chrono_literals;
const char* kCommands = "/connect-service/v2.1/commands";

class CommandRoutes : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    // The fixture's hub never runs; this one listens on loopback and delivers commands.
    ctx_.reset();
    hub_.reset();
    hub::HubOptions o;
    o.bind = "127.0.0.1";
    o.mqtt_port = 0;
    o.connack_delay = 0ms;
    o.commands.delivery_delay = 50ms;
    hub_ = std::make_unique<hub::Hub>(std::vector<boost::asio::io_context*>{&io_}, *registry_, *store_,
                                      *events_, o);
    ASSERT_FALSE(hub_->start());
    ctx_ = std::make_unique<ApiContext>(*registry_, *store_, *hub_, *events_);
    ctx_->now_ms = [this] { return now_; };
    thread_ = std::thread([this] { io_.run(); });

    model_ = import_seed();
    pk_ = create_product("battery", model_);
    auto d = create_device(pk_, "battery-1");
    dk_ = std::string(d["deviceKey"].as_string());
    secret_ = std::string(d["deviceSecret"].as_string());
    asset_ = std::string(d["assetId"].as_string());
  }
  void TearDown() override {
    if (hub_) hub_->stop();
    guard_.reset();
    if (thread_.joinable()) thread_.join();
    ApiTest::TearDown();
  }

  std::unique_ptr<hub::TestDevice> online() {
    auto d = std::make_unique<hub::TestDevice>(hub_->mqtt_port());
    EXPECT_EQ(d->login(pk_, dk_, secret_), 0);
    std::this_thread::sleep_for(100ms);  // past the delivery delay
    return d;
  }
  std::string device_query() const { return "productKey=" + pk_ + "&deviceKey=" + dk_; }
  std::string service_topic() const {
    return "/sys/" + pk_ + "/" + dk_ + "/thing/service/high_frequency_report_service";
  }
  Answer invoke(const std::string& extra, const boost::json::value& body) {
    return post(kCommands, "action=invokeService&" + device_query() + extra, body);
  }
  // A pending invokeService; returns the command id.
  std::string queue_one(int interval) {
    auto data = ok(invoke("&serviceId=high_frequency_report_service&pendingTtl=600",
                          {{"inputData", {{"interval", interval}}}}));
    return data.is_object() ? std::string(data.at("commandId").as_string()) : std::string();
  }
  // Answers the next command the device receives with `code` and `data`; returns its parsed payload.
  boost::json::object answer_next(hub::TestDevice& dev, boost::json::value code, boost::json::value data,
                                  const std::string& message = "") {
    auto m = dev.next_publish();
    EXPECT_TRUE(m);
    if (!m) return {};
    auto cmd = boost::json::parse(m->payload).as_object();
    dev.reply(m->topic, std::string(cmd.at("id").as_string()), code, message, data);
    return cmd;
  }

  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_ =
      boost::asio::make_work_guard(io_);
  std::thread thread_;
  std::string model_, pk_, dk_, secret_, asset_;
};

TEST_F(CommandRoutes, LabServiceRoundTripReturnsTheDevicesOutput) {
  auto dev = online();
  auto call = std::async(std::launch::async, [&] {
    return invoke("&serviceId=high_frequency_report_service", {{"inputData", {{"interval", 2}}}});
  });
  auto cmd = answer_next(*dev, 200, boost::json::object{{"result", 0}});
  EXPECT_EQ(cmd["params"], (boost::json::object{{"interval", 2}}));
  auto a = call.get();
  auto data = ok(a);
  ASSERT_TRUE(data.is_object()) << a.body;
  EXPECT_TRUE(data.at("commandId").is_string());
  EXPECT_EQ(data.at("commandId"), cmd["id"]);
  EXPECT_EQ(data.at("outputData"), (boost::json::object{{"result", 0}}));

  auto got = ok(get(kCommands, "action=get&commandId=" + std::string(data.at("commandId").as_string())));
  EXPECT_EQ(got.at("state"), 5);
  EXPECT_EQ(got.at("commandType"), 2);
  EXPECT_EQ(got.at("tslIdentifier"), "high_frequency_report_service");
  EXPECT_EQ(got.at("commandName").at("defaultValue"), "high_frequency_report_service");
  EXPECT_EQ(got.at("inputData"), (boost::json::object{{"interval", 2}}));
  EXPECT_EQ(got.at("outputData"), (boost::json::object{{"result", 0}}));
  EXPECT_EQ(got.at("timeout"), 30);
  EXPECT_EQ(got.at("pendingTtl"), 0);
  EXPECT_EQ(got.at("assetId"), boost::json::value(asset_));
  // The device's zone (+08:00): createLocaltime is createTime 8 hours on.
  EXPECT_EQ(got.at("createLocaltime").as_string(),
            format_local_time(got.at("createTime").as_int64(), TimeZone::fixed(8 * 3600), false, false));
}

TEST_F(CommandRoutes, DeviceErrorBecomesTheEnvelopeCode) {
  auto dev = online();
  auto call = std::async(std::launch::async, [&] {
    return invoke("&serviceId=high_frequency_report_service", {{"inputData", {{"interval", 2}}}});
  });
  answer_next(*dev, 220, nullptr, "unknown service:");
  auto a = call.get();
  EXPECT_EQ(a.status, 200u);
  EXPECT_EQ(a.code(), 220) << a.body;
  EXPECT_EQ(a.msg(), "unknown service:");
  EXPECT_TRUE(a.data().at("commandId").is_string());
}

TEST_F(CommandRoutes, OfflineDeviceIs11900AndNoReplyIs11915) {
  auto a = invoke("&serviceId=high_frequency_report_service", {{"inputData", {{"interval", 2}}}});
  EXPECT_EQ(a.status, 200u);
  EXPECT_EQ(a.code(), 11900) << a.body;
  EXPECT_TRUE(a.data().is_null());

  auto dev = online();
  const auto start = std::chrono::steady_clock::now();
  a = invoke("&serviceId=high_frequency_report_service&timeout=1", {{"inputData", {{"interval", 2}}}});
  EXPECT_GE(std::chrono::steady_clock::now() - start, 950ms);
  EXPECT_EQ(a.code(), 11915) << a.body;
  auto got = ok(get(kCommands, "action=get&commandId=" + std::string(a.data().at("commandId").as_string())));
  EXPECT_EQ(got.at("state"), 7);
}

TEST_F(CommandRoutes, ParametersAreCheckedAtTheirBounds) {
  const std::string svc = "&serviceId=high_frequency_report_service";
  const boost::json::object body{{"inputData", {{"interval", 2}}}};
  // pendingTtl 0..172800, timeout 1..60 (the device is offline: a pending command is queued, an immediate one
  // 11900).
  EXPECT_EQ(invoke(svc + "&pendingTtl=172800", body).code(), 0);
  EXPECT_EQ(invoke(svc + "&pendingTtl=172801", body).status, 400u);
  EXPECT_EQ(invoke(svc + "&pendingTtl=-1", body).status, 400u);
  EXPECT_EQ(invoke(svc + "&pendingTtl=abc", body).status, 400u);
  EXPECT_EQ(invoke(svc + "&pendingTtl=0", body).code(), 11900);
  EXPECT_EQ(invoke(svc + "&timeout=1", body).code(), 11900);
  EXPECT_EQ(invoke(svc + "&timeout=60", body).code(), 11900);
  auto a = invoke(svc + "&timeout=0", body);
  EXPECT_EQ(a.status, 400u);
  EXPECT_EQ(a.code(), 99400);
  EXPECT_NE(a.msg().find("timeout"), std::string::npos) << a.msg();
  EXPECT_EQ(invoke(svc + "&timeout=61", body).status, 400u);
}

TEST_F(CommandRoutes, InputIsCheckedAgainstTheModel) {
  auto a = invoke("", {{"inputData", {{"interval", 2}}}});
  EXPECT_EQ(a.status, 400u);
  EXPECT_NE(a.msg().find("serviceId"), std::string::npos);
  a = invoke("&serviceId=no_such_service", {{"inputData", {{"interval", 2}}}});
  EXPECT_EQ(a.status, 400u);
  EXPECT_NE(a.msg().find("no_such_service"), std::string::npos) << a.msg();
  a = invoke("&serviceId=high_frequency_report_service", {{"inputData", {{"interval", "fast"}}}});
  EXPECT_EQ(a.status, 400u);
  EXPECT_EQ(a.code(), 99400);
  EXPECT_NE(a.msg().find("interval"), std::string::npos) << a.msg();
  a = invoke("&serviceId=high_frequency_report_service", {{"inputData", {{"bogus", 1}}}});
  EXPECT_EQ(a.status, 400u);
  EXPECT_NE(a.msg().find("bogus"), std::string::npos) << a.msg();
  a = invoke("&serviceId=high_frequency_report_service", {{"inputData", "x"}});
  EXPECT_EQ(a.status, 400u);
  a = call("POST", kCommands,
           "action=invokeService&" + device_query() + "&serviceId=high_frequency_report_service",
           "{not json");
  EXPECT_EQ(a.status, 400u);
}

TEST_F(CommandRoutes, UnknownDeviceAndAnotherOusDeviceAre404) {
  auto a = post(kCommands, "action=invokeService&productKey=" + pk_ + "&deviceKey=nosuch&serviceId=x", {});
  EXPECT_EQ(a.status, 404u);
  EXPECT_EQ(a.code(), 99404);
  auto [org2, token2] = other_ou();
  a = call("POST", kCommands,
           "action=invokeService&orgId=" + org2 + "&" + device_query() +
               "&serviceId=high_frequency_report_service",
           R"({"inputData":{"interval":2}})", token2);
  EXPECT_EQ(a.status, 404u);
  a = call("POST", kCommands, "action=invokeService&orgId=" + org2 + "&assetId=" + asset_ + "&serviceId=x",
           "{}", token2);
  EXPECT_EQ(a.status, 404u);
}

TEST_F(CommandRoutes, PendingCommandsAreQueuedUpToFiftyThenDeliveredInOrder) {
  std::vector<std::string> ids;
  for (int i = 0; i < 50; ++i) ids.push_back(queue_one(i));
  auto full =
      invoke("&serviceId=high_frequency_report_service&pendingTtl=600", {{"inputData", {{"interval", 1}}}});
  EXPECT_EQ(full.status, 200u);
  EXPECT_EQ(full.code(), 11902) << full.body;
  auto got = ok(get(kCommands, "action=get&commandId=" + ids[0]));
  EXPECT_EQ(got.at("state"), 1);
  EXPECT_EQ(got.at("pendingTtl"), 600);
  auto dev = online();
  for (int i = 0; i < 50; ++i) {
    auto cmd = answer_next(*dev, 200, boost::json::object{{"result", 0}});
    EXPECT_EQ(cmd["id"], boost::json::value(ids[i]));
    EXPECT_EQ(cmd["params"], (boost::json::object{{"interval", i}}));
  }
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(ok(get(kCommands, "action=get&commandId=" + ids[49])).at("state"), 5);
}

TEST_F(CommandRoutes, SetMeasurepointIsCheckedAndReachesTheSetTopic) {
  const std::string q = "action=setMeasurepoint&" + device_query();
  EXPECT_EQ(post(kCommands, q, {{"value", 30.5}}).status, 400u);  // no measurepointId
  auto a = post(kCommands, q + "&measurepointId=nosuch", {{"value", 30.5}});
  EXPECT_EQ(a.status, 400u);
  EXPECT_NE(a.msg().find("nosuch"), std::string::npos);
  a = post(kCommands, q + "&measurepointId=temp", {{"value", "hot"}});
  EXPECT_EQ(a.status, 400u);
  EXPECT_NE(a.msg().find("temp"), std::string::npos) << a.msg();
  EXPECT_EQ(post(kCommands, q + "&measurepointId=temp", boost::json::object{}).status, 400u);

  auto dev = online();
  auto call_async = std::async(std::launch::async, [&] {
    return post(kCommands, q + "&measurepointId=temp", {{"value", 30.5}});
  });
  auto m = dev->next_publish();
  ASSERT_TRUE(m);
  EXPECT_EQ(m->topic, "/sys/" + pk_ + "/" + dk_ + "/thing/service/measurepoint/set");
  auto cmd = boost::json::parse(m->payload).as_object();
  EXPECT_EQ(cmd["method"], "thing.service.measurepoint.set");
  EXPECT_EQ(cmd["params"], (boost::json::object{{"temp", 30.5}}));
  dev->reply(m->topic, std::string(cmd["id"].as_string()), 200, "", nullptr);
  auto data = ok(call_async.get());
  auto got = ok(get(kCommands, "action=get&commandId=" + std::string(data.at("commandId").as_string())));
  EXPECT_EQ(got.at("commandType"), 1);
  EXPECT_EQ(got.at("tslIdentifier"), "temp");
  EXPECT_EQ(got.at("state"), 5);
  EXPECT_EQ(got.at("inputData"), (boost::json::object{{"temp", 30.5}}));
}

TEST_F(CommandRoutes, GetChecksTheIdAndTheOu) {
  EXPECT_EQ(get(kCommands, "action=get").status, 400u);
  EXPECT_EQ(get(kCommands, "action=get&commandId=0").status, 400u);
  EXPECT_EQ(get(kCommands, "action=get&commandId=12x").status, 400u);
  EXPECT_EQ(get(kCommands, "action=get&commandId=999").status, 404u);
  auto id = queue_one(1);
  auto [org2, token2] = other_ou();
  auto a = call("GET", kCommands, "action=get&orgId=" + org2 + "&commandId=" + id, "", token2);
  EXPECT_EQ(a.status, 404u);
}

TEST_F(CommandRoutes, SearchFiltersAndPages) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(queue_one(i));
  ASSERT_EQ(ok(post(kCommands, "action=cancel&" + device_query() + "&commandId=" + ids[0], {}))
                .at("commandIds")
                .as_array()
                .size(),
            1u);

  auto a = post(kCommands, "action=search", boost::json::object{});
  auto items = ok(a);
  EXPECT_EQ(items.as_array().size(), 5u);
  EXPECT_EQ(a.json.at("pagination").at("pageSize"), 100);  // EnOS's default for commands
  EXPECT_EQ(a.json.at("pagination").at("totalSize"), 5);
  EXPECT_EQ(items.as_array()[0].at("commandId"), boost::json::value(ids[4]));  // newest first

  EXPECT_EQ(ok(post(kCommands, "action=search", {{"state", 2}})).as_array().size(), 1u);
  EXPECT_EQ(ok(post(kCommands, "action=search", {{"expression", "state = 1"}})).as_array().size(), 4u);
  EXPECT_EQ(post(kCommands, "action=search", {{"state", 8}}).status, 400u);
  EXPECT_EQ(post(kCommands, "action=search", {{"expression", "createTime > 5"}}).status, 400u);
  EXPECT_EQ(ok(post(kCommands, "action=search&" + device_query(), boost::json::object{})).as_array().size(),
            5u);
  EXPECT_EQ(ok(post(kCommands, "action=search", {{"assetId", asset_}})).as_array().size(), 5u);
  EXPECT_EQ(post(kCommands, "action=search", {{"assetId", "nosuch"}}).status, 404u);

  a = post(kCommands, "action=search", {{"pagination", {{"pageNo", 2}, {"pageSize", 2}}}});
  items = ok(a);
  ASSERT_EQ(items.as_array().size(), 2u);
  EXPECT_EQ(items.as_array()[0].at("commandId"), boost::json::value(ids[2]));
  EXPECT_EQ(a.json.at("pagination").at("totalSize"), 5);

  // Time range on createTime: everything was created in the last minute.
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  EXPECT_EQ(ok(post(kCommands, "action=search", {{"startTime", now - 60'000}, {"endTime", now + 1000}}))
                .as_array()
                .size(),
            5u);
  EXPECT_EQ(ok(post(kCommands, "action=search", {{"endTime", now - 60'000}})).as_array().size(), 0u);
  EXPECT_EQ(ok(post(kCommands, "action=search", {{"startTime", "2020-01-01T00:00:00Z"}})).as_array().size(),
            5u);
  EXPECT_EQ(post(kCommands, "action=search", {{"startTime", "yesterday"}}).status, 400u);
  EXPECT_EQ(post(kCommands, "action=search", {{"startTime", now}, {"endTime", now - 1}}).status, 400u);

  auto [org2, token2] = other_ou();
  a = call("POST", kCommands, "action=search&orgId=" + org2, "{}", token2);
  EXPECT_EQ(ok(a).as_array().size(), 0u);
}

TEST_F(CommandRoutes, CancelOneOrAllAndNothingTwice) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(queue_one(i));
  const std::string q = "action=cancel&" + device_query();
  auto one = ok(post(kCommands, q + "&commandId=" + ids[1], {}));
  EXPECT_EQ(one.at("commandIds"), (boost::json::array{boost::json::value(ids[1])}));
  auto again = post(kCommands, q + "&commandId=" + ids[1], {});
  EXPECT_EQ(again.status, 400u);
  EXPECT_NE(again.msg().find("Created"), std::string::npos) << again.msg();
  EXPECT_EQ(post(kCommands, q + "&commandId=424242", {}).status, 404u);
  EXPECT_EQ(post(kCommands, q + "&commandId=x", {}).status, 400u);
  EXPECT_EQ(post(kCommands, "action=cancel&commandId=" + ids[0], {}).status, 400u);  // no device
  auto all = ok(post(kCommands, q, {}));
  EXPECT_EQ(all.at("commandIds"),
            (boost::json::array{boost::json::value(ids[0]), boost::json::value(ids[2])}));
  EXPECT_EQ(ok(get(kCommands, "action=get&commandId=" + ids[2])).at("state"), 2);
  // Nothing is delivered after a cancel.
  auto dev = online();
  EXPECT_FALSE(dev->next_publish(200ms));
}

TEST_F(CommandRoutes, ReadOnlyCallersMayReadButNotCommand) {
  auto id = queue_one(1);
  auto token = registry_->create_api_token(org_, "viewer", "ro");
  ASSERT_TRUE(token);
  auto a = call("POST", kCommands,
                "action=invokeService&" + device_query() + "&serviceId=high_frequency_report_service",
                R"({"inputData":{"interval":2}})", *token);
  EXPECT_EQ(a.status, 403u);
  EXPECT_EQ(call("POST", kCommands, "action=cancel&" + device_query(), "", *token).status, 403u);
  EXPECT_EQ(call("GET", kCommands, "action=get&commandId=" + id, "", *token).status, 200u);
}

}  // namespace
}  // namespace gridhub::api::testing
