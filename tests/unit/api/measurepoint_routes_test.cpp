// measurepoints?action=queryLatest: latest values from the real store, sorted by id, with time and quality,
// in the hub's JSON forms.
#include "api/routes.hpp"

#include "api/limits.hpp"
#include "api_fixture.hpp"

namespace gridhub::api::testing {
namespace {

class MeasurepointRoutesTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    pk_ = create_product("p", import_seed());
    auto d = create_device(pk_, "d", "dev-1");
    asset_ = std::string(d.at("assetId").as_string());
    std::vector<tsdb::Sample> batch;
    auto add = [&](const char* id, tsdb::Value v, int64_t t, std::optional<int32_t> q = std::nullopt) {
      tsdb::Sample s;
      s.asset_id = asset_;
      s.point_id = id;
      s.time_ms = t;
      s.value = std::move(v);
      s.quality = q;
      batch.push_back(std::move(s));
    };
    add("voltage", tsdb::Value::of_double(4.476127173515886), 100);
    add("cycle_number", tsdb::Value::of_int(12), 101);
    add("voltage_avg", tsdb::Value::of_double(4.1), 102, 9);
    add("label", tsdb::Value::of_string("x"), 103);
    add("arr", tsdb::Value::of_json("[1,2]"), 104);
    append(std::move(batch));
  }
  Answer latest(const std::string& query, const std::string& body) {
    return call("POST", kMeasurepoints, "action=queryLatest&" + query, body);
  }
  std::string pk_, asset_;
};

TEST_F(MeasurepointRoutesTest, EmptyOrAbsentIdsReturnEveryPointSortedById) {
  for (const char* body : {"", "{}", R"({"measurepointIds":[]})"}) {
    auto data = ok(latest("productKey=" + pk_ + "&deviceKey=dev-1", body));
    ASSERT_EQ(data.as_array().size(), 5u) << body;
    EXPECT_EQ(data.at(0).at("measurepointId"), "arr");
    EXPECT_EQ(data.at(4).at("measurepointId"), "voltage_avg");
  }
}

TEST_F(MeasurepointRoutesTest, ValuesTimesAndQualityInTheirJsonForms) {
  auto data = ok(latest("assetId=" + asset_, R"({"measurepointIds":["voltage","cycle_number","voltage_avg","arr","label"]})"));
  std::map<std::string, boost::json::value> by_id;
  for (const auto& p : data.as_array()) by_id[std::string(p.at("measurepointId").as_string())] = p;
  EXPECT_EQ(by_id["voltage"].at("value").as_double(), 4.476127173515886);  // bit-identical
  EXPECT_EQ(by_id["voltage"].at("time"), 100);
  EXPECT_FALSE(by_id["voltage"].as_object().contains("quality"));
  EXPECT_TRUE(by_id["cycle_number"].at("value").is_int64());
  EXPECT_EQ(by_id["voltage_avg"].at("quality"), 9);
  EXPECT_EQ(by_id["label"].at("value"), "x");
  EXPECT_EQ(by_id["arr"].at("value"), boost::json::parse("[1,2]"));
}

TEST_F(MeasurepointRoutesTest, UnknownIdsAreLeftOut) {
  auto data = ok(latest("assetId=" + asset_, R"({"measurepointIds":["voltage","nope"]})"));
  ASSERT_EQ(data.as_array().size(), 1u);
}

TEST_F(MeasurepointRoutesTest, DeviceWithoutValuesGivesAnEmptyList) {
  create_device(pk_, "d2", "dev-2");
  EXPECT_EQ(ok(latest("productKey=" + pk_ + "&deviceKey=dev-2", "{}")), boost::json::array{});
}

TEST_F(MeasurepointRoutesTest, BadRequestsAreRefused) {
  EXPECT_EQ(latest("productKey=" + pk_ + "&deviceKey=nope", "{}").status, 404u);
  EXPECT_EQ(latest("productKey=" + pk_, "{}").status, 400u);
  auto a = latest("assetId=" + asset_, R"({"measurepointIds":"voltage"})");
  EXPECT_EQ(a.status, 400u);
  EXPECT_NE(a.msg().find("measurepointIds"), std::string::npos);
  EXPECT_EQ(latest("assetId=" + asset_, R"({"measurepointIds":[1]})").status, 400u);
  EXPECT_EQ(latest("assetId=" + asset_, "{not json").status, 400u);
  EXPECT_EQ(call("GET", kMeasurepoints, "action=queryLatest&assetId=" + asset_).status, 405u);
}

TEST_F(MeasurepointRoutesTest, IdCountAtNAndNPlusOne) {
  boost::json::array ids;
  for (std::size_t i = 0; i < kMaxIdsPerRequest; ++i) ids.emplace_back("p" + std::to_string(i));
  EXPECT_EQ(post(kMeasurepoints, "action=queryLatest&assetId=" + asset_, {{"measurepointIds", ids}}).status, 200u);
  ids.emplace_back("one-more");
  EXPECT_EQ(post(kMeasurepoints, "action=queryLatest&assetId=" + asset_, {{"measurepointIds", ids}}).status, 400u);
}

}  // namespace
}  // namespace gridhub::api::testing
