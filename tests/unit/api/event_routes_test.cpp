// /connect-service/v2.1/events through handle_request over a real event log: search by device, type, key and
// time (ms, ISO, local, the default week), paging, get, and OU isolation.
#include <future>

#include "api/local_time.hpp"
#include "api_fixture.hpp"

namespace gridhub::api::testing {
namespace {

const char* kEvents = "/connect-service/v2.1/events";

class EventRoutes : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    pk_ = create_product("battery", import_seed());
    auto d = create_device(pk_, "battery-1");
    dk_ = std::string(d["deviceKey"].as_string());
    asset_ = std::string(d["assetId"].as_string());
    auto d2 = create_device(pk_, "battery-2");
    asset2_ = std::string(d2["assetId"].as_string());
  }

  registry::Event event(const std::string& asset, const std::string& key, const std::string& type,
                        int64_t t) {
    registry::Event e;
    e.org_id = org_;
    e.asset_id = asset;
    e.product_key = pk_;
    auto d = registry_->get_device_by_asset(org_, asset);
    e.device_key = d ? d->device_key : "";
    e.tsl_event_key = key;
    e.tsl_event_type = type;
    e.output = R"({"temp":81.5})";
    e.timestamp = t;
    e.create_time = t;
    return e;
  }
  void append(std::vector<registry::Event> events) {
    std::promise<std::error_code> done;
    events_->append(std::move(events), [&](std::error_code ec) { done.set_value(ec); });
    ASSERT_FALSE(done.get_future().get());
  }
  // Items of a search (asserting code 0).
  boost::json::array search(const boost::json::object& body, const std::string& query = "") {
    auto data = ok(post(kEvents, "action=search" + query, body));
    return data.is_array() ? data.as_array() : boost::json::array{};
  }

  std::string pk_, dk_, asset_, asset2_;
};

TEST_F(EventRoutes, SearchByDeviceTypeKeyAndTime) {
  const int64_t hour = 3600'000;
  append({event(asset_, "overheat", "WARN", now_ - 3 * hour),
          event(asset_, "overheat", "WARN", now_ - 2 * hour), event(asset_, "fault", "ERROR", now_ - hour),
          event(asset2_, "overheat", "WARN", now_ - hour)});
  EXPECT_EQ(search({}).size(), 4u);
  EXPECT_EQ(search({{"assetId", asset_}}).size(), 3u);
  EXPECT_EQ(search({{"productKey", pk_}, {"deviceKey", dk_}}).size(), 3u);
  EXPECT_EQ(search({}, "&productKey=" + pk_ + "&deviceKey=" + dk_).size(), 3u);  // keys in the query
  EXPECT_EQ(search({{"productKey", pk_}}).size(), 4u);
  EXPECT_EQ(search({{"tslEventType", "ERROR"}}).size(), 1u);
  EXPECT_EQ(search({{"tslEventKey", "overheat"}}).size(), 3u);
  auto newest = search({{"assetId", asset_}});
  EXPECT_EQ(newest[0].at("tslEventKey"), "fault");  // newest first
  EXPECT_EQ(newest[0].at("output"), (boost::json::object{{"temp", 81.5}}));
  EXPECT_EQ(newest[0].at("timestamp"), now_ - hour);
  // [startTime, endTime) in ms, ISO-8601, and the device's local time (+08:00).
  EXPECT_EQ(search({{"startTime", now_ - 2 * hour}, {"endTime", now_ - hour}}).size(), 1u);
  EXPECT_EQ(search({{"startTime", now_ - 2 * hour}, {"endTime", now_ - hour + 1}}).size(), 3u);
  EXPECT_EQ(search({{"startTime", std::to_string(now_ - 2 * hour)}}).size(), 3u);
  const std::string iso = format_local_time(now_ - 2 * hour, TimeZone(), true, true);  // "...T..+00:00"
  EXPECT_EQ(search({{"startTime", iso}}).size(), 3u) << iso;
  const std::string local = format_local_time(now_ - 2 * hour, TimeZone::fixed(8 * 3600), false, false);
  EXPECT_EQ(search({{"assetId", asset_}, {"startTime", local}}).size(), 2u) << local;
}

TEST_F(EventRoutes, DefaultRangeIsTheLastWeek) {
  const int64_t day = 24 * 3600'000LL;
  append(
      {event(asset_, "overheat", "WARN", now_ - 8 * day), event(asset_, "overheat", "WARN", now_ - 6 * day)});
  EXPECT_EQ(search({}).size(), 1u);
  EXPECT_EQ(search({{"startTime", now_ - 9 * day}}).size(), 2u);
  EXPECT_EQ(search({{"endTime", now_ - 7 * day}}).size(), 1u);  // a week before endTime
}

TEST_F(EventRoutes, PagesNewestFirst) {
  std::vector<registry::Event> events;
  for (int i = 0; i < 25; ++i) events.push_back(event(asset_, "tick", "INFO", now_ - 1000 * (25 - i)));
  append(events);
  auto a = post(kEvents, "action=search", {{"pagination", {{"pageNo", 3}, {"pageSize", 10}}}});
  auto items = ok(a).as_array();
  ASSERT_EQ(items.size(), 5u);
  EXPECT_EQ(items[0].at("timestamp"), now_ - 1000 * 25 + 4000);
  EXPECT_EQ(a.json.at("pagination").at("totalSize"), 25);
  EXPECT_EQ(ok(post(kEvents, "action=search", boost::json::object{})).as_array().size(), 10u);  // default 10
  EXPECT_EQ(post(kEvents, "action=search", {{"pagination", {{"pageSize", 201}}}}).status, 400u);
}

TEST_F(EventRoutes, BadParametersAre400) {
  EXPECT_EQ(post(kEvents, "action=search", {{"tslEventType", "PANIC"}}).status, 400u);
  EXPECT_EQ(post(kEvents, "action=search", {{"startTime", "soon"}}).status, 400u);
  EXPECT_EQ(post(kEvents, "action=search", {{"startTime", -5}}).status, 400u);
  EXPECT_EQ(post(kEvents, "action=search", {{"startTime", true}}).status, 400u);
  EXPECT_EQ(post(kEvents, "action=search", {{"startTime", now_}, {"endTime", now_}}).status, 400u);
  EXPECT_EQ(post(kEvents, "action=search", {{"deviceKey", dk_}}).status, 400u);  // without productKey
  EXPECT_EQ(post(kEvents, "action=search", {{"assetId", "nosuch"}}).status, 404u);
  EXPECT_EQ(call("POST", kEvents, "action=search", "[1]").status, 400u);
}

TEST_F(EventRoutes, GetReturnsTheEvent) {
  append({event(asset_, "overheat", "WARN", now_ - 1000)});
  auto items = search({});
  ASSERT_EQ(items.size(), 1u);
  const std::string id(items[0].at("eventId").as_string());
  auto e = ok(get(kEvents, "action=get&eventId=" + id));
  EXPECT_EQ(e.at("eventId"), items[0].at("eventId"));
  EXPECT_EQ(e.at("assetId"), boost::json::value(asset_));
  EXPECT_EQ(e.at("productKey"), boost::json::value(pk_));
  EXPECT_EQ(e.at("deviceKey"), boost::json::value(dk_));
  EXPECT_EQ(e.at("tslEventKey"), "overheat");
  EXPECT_EQ(e.at("tslEventType"), "WARN");
  EXPECT_EQ(e.at("output"), (boost::json::object{{"temp", 81.5}}));
  EXPECT_EQ(e.at("timestamp"), now_ - 1000);
  EXPECT_EQ(e.at("localtime").as_string(),
            format_local_time(now_ - 1000, TimeZone::fixed(8 * 3600), false, false));
  EXPECT_EQ(get(kEvents, "action=get&eventId=0").status, 400u);
  EXPECT_EQ(get(kEvents, "action=get&eventId=abc").status, 400u);
  EXPECT_EQ(get(kEvents, "action=get").status, 400u);
  EXPECT_EQ(get(kEvents, "action=get&eventId=99999").status, 404u);
}

TEST_F(EventRoutes, AnotherOuSeesNone) {
  append({event(asset_, "overheat", "WARN", now_ - 1000)});
  const std::string id(search({})[0].at("eventId").as_string());
  auto [org2, token2] = other_ou();
  auto a = call("POST", kEvents, "action=search&orgId=" + org2, "{}", token2);
  EXPECT_EQ(ok(a).as_array().size(), 0u);
  a = call("POST", kEvents, "action=search&orgId=" + org2, R"({"assetId":")" + asset_ + R"("})", token2);
  EXPECT_EQ(a.status, 404u);
  a = call("GET", kEvents, "action=get&orgId=" + org2 + "&eventId=" + id, "", token2);
  EXPECT_EQ(a.status, 404u);
}

}  // namespace
}  // namespace gridhub::api::testing
