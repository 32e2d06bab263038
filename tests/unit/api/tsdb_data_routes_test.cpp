// /tsdb-service/v2.1/...: requests through handle_request against the real registry and the real store
// (samples appended with history bits), checking items, times, paging by cursor, aggregation, deletes, OU
// isolation, limits at N and N+1, and refusals that name the field.
#include <map>
#include <set>

#include "api/cursor.hpp"
#include "api/envelope.hpp"
#include "api/local_time.hpp"
#include "api/routes.hpp"
#include "api/tsdb_query_limits.hpp"
#include "api_fixture.hpp"

namespace gridhub::api::testing {
namespace {

namespace json = boost::json;

// 2026-11-24T00:00:00Z: 08:00 in a +08:00 device's day.
const int64_t kT0 = days_from_civil(2026, 11, 24) * 86400000;
constexpr int64_t kMinute = 60000;

class TsdbDataTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    pk_ = create_product("p", import_seed());
    a_ = asset_of(create_device(pk_, "a", "dev-a"));  // +08:00 (the registry's default)
    b_ = asset_of(create_device(pk_, "b", "dev-b"));
  }

  static std::string asset_of(const json::object& d) {
    return d.contains("assetId") ? std::string(d.at("assetId").as_string()) : std::string();
  }

  std::string device_in_zone(const std::string& dk, const std::string& tz) {
    auto data = ok(post(kDevices, "action=create",
                        {{"productKey", pk_}, {"deviceName", dk}, {"deviceKey", dk}, {"timezone", tz}}));
    return data.is_object() ? std::string(data.at("assetId").as_string()) : std::string();
  }

  static tsdb::Sample sample(const std::string& asset, const std::string& point, int64_t t, tsdb::Value v,
                             tsdb::Category c = tsdb::Category::AiRaw,
                             std::optional<int32_t> q = std::nullopt) {
    tsdb::Sample s;
    s.asset_id = asset;
    s.point_id = point;
    s.time_ms = t;
    s.value = std::move(v);
    s.quality = q;
    s.history = tsdb::category_bit(c);
    return s;
  }

  Answer tsdb(const std::string& path, const json::value& body, const std::string& query = "") {
    return call("POST", "/tsdb-service/v2.1/" + path, "orgId=" + org_ + (query.empty() ? "" : "&" + query),
                json::serialize(body));
  }
  json::array items(const Answer& a) {
    auto data = ok(a);
    if (!data.is_object() || !data.as_object().contains("items")) {
      ADD_FAILURE() << a.body;
      return {};
    }
    return data.at("items").as_array();
  }
  // 400 with 80400 and a message naming `field`.
  void refused(const std::string& path, const json::value& body, const std::string& field,
               const std::string& query = "") {
    auto a = tsdb(path, body, query);
    EXPECT_EQ(a.status, 400u) << a.body;
    EXPECT_EQ(a.code(), kCodeTsdbInvalidParam) << a.body;
    EXPECT_NE(a.msg().find(field), std::string::npos) << "message should name " << field << ": " << a.body;
  }
  // Every page of a read, following cursors; items of all pages in order.
  json::array all_pages(const std::string& path, json::object body, int& pages,
                        std::vector<std::set<std::string>>* keys_per_page = nullptr) {
    json::array out;
    pages = 0;
    while (pages < 100) {
      auto a = tsdb(path, body);
      auto data = ok(a);
      if (!data.is_object()) break;
      ++pages;
      std::set<std::string> keys;
      for (auto& item : data.at("items").as_array()) {
        for (const auto& kv : item.as_object())
          if (kv.key() != "assetId" && kv.key() != "timestamp" && kv.key() != "localtime")
            keys.insert(std::string(item.at("assetId").as_string()) + "/" + std::string(kv.key()));
        out.push_back(item);
      }
      if (keys_per_page) keys_per_page->push_back(keys);
      const auto* c = data.as_object().if_contains("cursor");
      if (!c) break;
      body["cursor"] = *c;
    }
    return out;
  }
  json::object range_body(const std::string& assets, const std::string& points, int64_t start, int64_t end) {
    return {{"assetIds", assets}, {"pointIds", points}, {"startTime", start}, {"endTime", end}};
  }

  std::string pk_, a_, b_;
};

// ---- envelope, addressing, parameters ----

TEST_F(TsdbDataTest, EnvelopeHasSubmsgAndItems) {
  auto a = tsdb("ai", range_body(a_, "voltage", kT0, kT0 + 1000));
  ASSERT_EQ(a.status, 200u) << a.body;
  const auto& o = a.json.as_object();
  EXPECT_EQ(o.at("code"), 0);
  EXPECT_EQ(o.at("msg"), "OK");
  EXPECT_EQ(o.at("submsg"), "");
  EXPECT_TRUE(o.at("requestId").is_string());
  EXPECT_EQ(o.at("data").at("items"), json::array{});
  EXPECT_FALSE(o.at("data").as_object().contains("cursor"));
}

TEST_F(TsdbDataTest, ErrorMappingUsesTsdbCodes) {
  EXPECT_EQ(map_tsdb_error(make_error_code(errc::invalid_param)).code, kCodeTsdbInvalidParam);
  EXPECT_EQ(map_tsdb_error(make_error_code(errc::invalid_param)).http_status, 400u);
  EXPECT_EQ(map_tsdb_error(make_error_code(errc::forbidden)).code, kCodeTsdbAssetUnauthorized);
  EXPECT_EQ(map_tsdb_error(make_error_code(errc::forbidden)).http_status, 403u);
  EXPECT_EQ(map_tsdb_error(make_error_code(errc::internal)).code, kCodeTsdbInternal);
  EXPECT_EQ(map_tsdb_error(std::error_code(tsdb::make_error_code(tsdb::errc::bad_query))).code,
            kCodeTsdbInvalidParam);
  EXPECT_EQ(map_tsdb_error(std::error_code(tsdb::make_error_code(tsdb::errc::corrupt_block))).code,
            kCodeTsdbInternal);
  EXPECT_EQ(map_tsdb_error(std::make_error_code(std::errc::io_error)).http_status, 500u);
}

TEST_F(TsdbDataTest, BadInputIsRefusedNamingTheField) {
  const auto base = [&] { return range_body(a_, "voltage", kT0, kT0 + 1000); };
  auto b = base();
  b.erase("assetIds");
  refused("ai", b, "assetIds");
  b = base();
  b.erase("pointIds");
  refused("ai", b, "pointIds");
  b = base();
  b.erase("startTime");
  refused("ai", b, "startTime");
  b = base();
  b.erase("endTime");
  refused("ai", b, "endTime");
  b = base();
  b["startTime"] = kT0 + 1001;
  refused("ai", b, "startTime is after endTime");
  b = base();
  b["startTime"] = "2026-11-24 08:00:00";
  refused("ai", b, "same form");
  b = base();
  b["startTime"] = "yesterday";
  refused("ai", b, "startTime");
  b = base();
  b["endTime"] = json::array{1};
  refused("ai", b, "endTime");
  b = base();
  b["endTime"] = -5;
  refused("ai", b, "endTime");
  for (const json::value& v : {json::value(0), json::value("abc"), json::value(1.5), json::value(true)}) {
    b = base();
    b["pageSize"] = v;
    refused("ai", b, "pageSize");
  }
  b = base();
  b["itemFormat"] = 3;
  refused("ai", b, "itemFormat");
  b = base();
  b["localTimeFormat"] = 2;
  refused("ai", b, "localTimeFormat");
  b = base();
  b["withQuality"] = "yes";
  refused("ai", b, "withQuality");
  b = base();
  b["assetIds"] = 12;
  refused("ai", b, "assetIds");
  b = base();
  b["pointIds"] = "voltage,,current";
  refused("ai", b, "pointIds has an empty item");
  b = base();
  b["pointIds"] = json::array{"voltage", 3};
  refused("ai", b, "pointIds");
  b = base();
  b["orderBy"] = "time";
  refused("raw", b, "orderBy");
  b = base();
  b["cursor"] = "!!!";
  refused("ai", b, "cursor");
  b = base();
  b["cursor"] = 5;
  refused("ai", b, "cursor");
  b = base();
  b["productKey"] = pk_;
  refused("ai", b, "deviceKey");
  b = base();
  b["deviceKey"] = "dev-a";
  refused("ai", b, "productKey");
  b = base();
  b["autoInterpolate"] = 1;
  refused("di", b, "autoInterpolate");
  b = {{"assetIds", a_}, {"pointIds", "voltage"}, {"timeWindow", -1}};
  refused("latest", b, "timeWindow");
  for (const char* body : {"{not json", "[1,2]", "\"text\""}) {
    auto a = call("POST", "/tsdb-service/v2.1/ai", "orgId=" + org_, body);
    EXPECT_EQ(a.status, 400u) << body;
    EXPECT_EQ(a.code(), kCodeTsdbInvalidParam) << body;
  }
}

TEST_F(TsdbDataTest, AiNormalizedRefusesBadLogic) {
  json::object b{{"assetIds", a_}, {"startTime", kT0}, {"endTime", kT0 + 60 * kMinute}};
  b["pointIdsWithLogic"] = "median(voltage)";
  b["interval"] = 10;
  refused("ai-normalized", b, "median");
  b["pointIdsWithLogic"] = "avg(voltage)";
  b["interval"] = 0;
  refused("ai-normalized", b, "interval");
  b.erase("interval");
  refused("ai-normalized", b, "interval");
  b["pointIdsWithLogic"] = "avg(voltage),current";
  b["interval"] = 10;
  refused("ai-normalized", b, "interval");
  b["pointIdsWithLogic"] = "avg()";
  refused("ai-normalized", b, "pointIdsWithLogic");
  b["pointIdsWithLogic"] = "avg(voltage";
  refused("ai-normalized", b, "pointIdsWithLogic");
  b["pointIdsWithLogic"] = "avg(v)x";
  refused("ai-normalized", b, "pointIdsWithLogic");
  b["pointIdsWithLogic"] = "avg(voltage)";
  b["pointIds"] = "voltage";
  refused("ai-normalized", b, "not both");
  b.erase("pointIdsWithLogic");
  b["pointIds"] = "avg(voltage)";
  refused("ai-normalized", b, "pointIdsWithLogic");
  b.erase("pointIds");
  refused("ai-normalized", b, "pointIdsWithLogic is required");
  b["pointIdsWithLogic"] = "AVG(voltage), max( current )";  // case and spaces are fine
  EXPECT_EQ(tsdb("ai-normalized", b).status, 200u);
}

TEST_F(TsdbDataTest, QueryParametersAreAFallbackAndTheBodyWins) {
  auto a = call("POST", "/tsdb-service/v2.1/ai",
                "orgId=" + org_ + "&assetIds=" + a_ + "&pointIds=voltage&startTime=" + std::to_string(kT0) +
                    "&endTime=" + std::to_string(kT0 + 1000) + "&pageSize=5&withQuality=true",
                "");
  EXPECT_EQ(a.status, 200u) << a.body;
  // The body's (bad) pageSize wins over the query's good one.
  auto b = call("POST", "/tsdb-service/v2.1/ai", "orgId=" + org_ + "&pageSize=5",
                json::serialize(json::object{{"assetIds", a_},
                                             {"pointIds", "voltage"},
                                             {"startTime", kT0},
                                             {"endTime", kT0 + 1000},
                                             {"pageSize", 0}}));
  EXPECT_EQ(b.status, 400u) << b.body;
  EXPECT_NE(b.msg().find("pageSize"), std::string::npos);
  // EnOS clients send digit strings, "true"/"false", and "" for "not given".
  auto c = tsdb("ai", json::object{{"assetIds", a_},
                                   {"pointIds", json::array{"voltage"}},
                                   {"startTime", std::to_string(kT0)},
                                   {"endTime", std::to_string(kT0 + 1000)},
                                   {"pageSize", "10"},
                                   {"localTimeAccuracy", "false"},
                                   {"itemFormat", ""}});
  EXPECT_EQ(c.status, 200u) << c.body;
}

TEST_F(TsdbDataTest, AssetsByProductKeyAndDeviceKeys) {
  append({sample(a_, "v", kT0, tsdb::Value::of_int(1)), sample(b_, "v", kT0, tsdb::Value::of_int(2))});
  json::object body{{"productKey", pk_},
                    {"deviceKeys", "dev-a, dev-b"},
                    {"pointIds", "v"},
                    {"startTime", kT0},
                    {"endTime", kT0}};
  auto both = items(tsdb("ai", body));
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0].at("assetId").as_string(), a_);
  EXPECT_EQ(both[1].at("assetId").as_string(), b_);
  body.erase("deviceKeys");
  body["deviceKey"] = "dev-b";
  auto one = items(tsdb("ai", body));
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].at("v"), 2);
  // The same device named twice (by assetId and by key) is read once.
  body["deviceKey"] = "dev-a";
  body["assetIds"] = a_ + "," + a_;
  EXPECT_EQ(items(tsdb("ai", body)).size(), 1u);
  body["deviceKey"] = "nope";
  EXPECT_EQ(tsdb("ai", body).code(), kCodeTsdbAssetUnauthorized);
}

TEST_F(TsdbDataTest, OtherOusAssetsAreNotAuthorized) {
  auto [org2, token2] = other_ou();
  auto model = call("POST", kModels, "action=import&orgId=" + org2, read_file(seed_model_path()), token2);
  ASSERT_EQ(model.code(), 0) << model.body;
  auto product = call("POST", kProducts, "action=create&orgId=" + org2,
                      json::serialize(json::object{{"productName", "q"},
                                                   {"productType", "Device"},
                                                   {"modelId", model.data().at("modelId")},
                                                   {"dataFormat", "Json"}}),
                      token2);
  ASSERT_EQ(product.code(), 0) << product.body;
  const std::string pk2(product.data().at("productKey").as_string());
  auto dev =
      call("POST", kDevices, "action=create&orgId=" + org2,
           json::serialize(json::object{{"productKey", pk2}, {"deviceName", "f"}, {"deviceKey", "foreign"}}),
           token2);
  ASSERT_EQ(dev.code(), 0) << dev.body;
  const std::string foreign(dev.data().at("assetId").as_string());
  append({sample(foreign, "voltage", kT0, tsdb::Value::of_double(1))});

  for (const std::string& assets : {foreign, a_ + "," + foreign, std::string("nosuch01")}) {
    for (const char* path : {"ai", "raw", "di", "generic", "electric-power"}) {
      auto a = tsdb(path, range_body(assets, "voltage", kT0, kT0 + 1000));
      EXPECT_EQ(a.status, 403u) << path << " " << a.body;
      EXPECT_EQ(a.code(), kCodeTsdbAssetUnauthorized) << a.body;
    }
    EXPECT_EQ(tsdb("latest", json::object{{"assetIds", assets}, {"pointIds", "voltage"}}).code(),
              kCodeTsdbAssetUnauthorized);
    EXPECT_EQ(tsdb("latest", json::object{{"assetIds", assets}}, "action=delete").code(),
              kCodeTsdbAssetUnauthorized);
    EXPECT_EQ(tsdb("data/tsdb-delete", range_body(assets, "voltage", kT0, kT0 + 1000)).code(),
              kCodeTsdbAssetUnauthorized);
  }
  // The same answer for an id of another OU and for an id nobody has: nothing is revealed.
  auto x = tsdb("ai", range_body(foreign, "voltage", kT0, kT0 + 1000));
  auto y = tsdb("ai", range_body("nosuch01", "voltage", kT0, kT0 + 1000));
  std::string mx = x.msg(), my = y.msg();
  mx.replace(mx.find(foreign), foreign.size(), "ID");
  my.replace(my.find("nosuch01"), 8, "ID");
  EXPECT_EQ(mx, my);
  EXPECT_EQ(x.status, y.status);
  EXPECT_EQ(tsdb("ai", json::object{{"productKey", pk2},
                                    {"deviceKey", "foreign"},
                                    {"pointIds", "v"},
                                    {"startTime", kT0},
                                    {"endTime", kT0}})
                .code(),
            kCodeTsdbAssetUnauthorized);
  // The foreign device's data is still there: the refused delete did nothing.
  auto theirs = call("POST", "/tsdb-service/v2.1/latest", "orgId=" + org2,
                     json::serialize(json::object{{"assetIds", foreign}, {"pointIds", "voltage"}}), token2);
  EXPECT_EQ(theirs.data().at("items").as_array().size(), 1u) << theirs.body;
  // The other OU's token cannot read ours either.
  auto z = call("POST", "/tsdb-service/v2.1/ai", "orgId=" + org2,
                json::serialize(range_body(a_, "voltage", kT0, kT0 + 1000)), token2);
  EXPECT_EQ(z.code(), kCodeTsdbAssetUnauthorized) << z.body;
}

TEST_F(TsdbDataTest, OddValuesInAnyFieldNeverCrash) {
  append({sample(a_, "v", kT0, tsdb::Value::of_int(1))});
  const char* fields[] = {"assetIds",        "pointIds",   "pointIdsWithLogic", "startTime",
                          "endTime",         "pageSize",   "withQuality",       "localTimeAccuracy",
                          "localTimeFormat", "itemFormat", "interval",          "orderBy",
                          "timeWindow",      "cursor",     "autoInterpolate",   "productKey",
                          "deviceKey",       "deviceKeys"};
  const json::value odd[] = {nullptr,
                             true,
                             -1,
                             0,
                             1e300,
                             json::value(UINT64_MAX),
                             INT64_MIN,
                             "",
                             " ",
                             ",",
                             "x(",
                             ")",
                             "avg(v)",
                             "9999-12-31 23:59:59.999",
                             json::array{},
                             json::object{},
                             json::parse("[[[[]]]]"),
                             json::value(std::string(5000, 'a'))};
  const char* paths[] = {"ai",      "ai-normalized", "di",     "electric-power",
                         "generic", "raw",           "latest", "data/tsdb-delete"};
  int answered = 0;
  for (const char* path : paths)
    for (const char* field : fields)
      for (const auto& v : odd) {
        json::object body{{"assetIds", a_}, {"pointIds", "v"}, {"startTime", kT0}, {"endTime", kT0 + 1000}};
        if (std::string_view(path) == "ai-normalized") {
          body.erase("pointIds");
          body["pointIdsWithLogic"] = "avg(v)";
          body["interval"] = 1;
        }
        body[field] = v;
        auto a = tsdb(path, body);
        ASSERT_TRUE(a.status == 200 || a.status == 400 || a.status == 403)
            << path << " " << field << " " << a.body;
        ASSERT_TRUE(a.json.is_object()) << a.body;
        ++answered;
      }
  EXPECT_EQ(answered, 8 * 18 * 18);
}

// ---- limits at N and N+1 ----

std::string ids(const std::string& prefix, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += (i ? "," : "") + prefix + std::to_string(i);
  return out;
}

TEST_F(TsdbDataTest, SeriesLimitAtTheBound) {
  EXPECT_EQ(tsdb("ai", range_body(a_, ids("p", kMaxTsdbSeries), kT0, kT0)).status, 200u);
  refused("ai", range_body(a_, ids("p", kMaxTsdbSeries + 1), kT0, kT0), "more than 3000");
  EXPECT_EQ(tsdb("ai", range_body(a_ + "," + b_, ids("p", kMaxTsdbSeries / 2), kT0, kT0)).status, 200u);
  refused("ai", range_body(a_ + "," + b_, ids("p", kMaxTsdbSeries / 2 + 1), kT0, kT0),
          "2 assets x 1501 points");
  EXPECT_EQ(tsdb("latest", json::object{{"assetIds", a_}, {"pointIds", ids("p", kMaxTsdbSeries)}}).status,
            200u);
  refused("latest", json::object{{"assetIds", a_}, {"pointIds", ids("p", kMaxTsdbSeries + 1)}},
          "more than 3000");
  // /di: 10.
  EXPECT_EQ(tsdb("di", range_body(a_ + "," + b_, ids("p", 5), kT0, kT0)).status, 200u);
  refused("di", range_body(a_, ids("p", kMaxTsdbDiSeries + 1), kT0, kT0), "11 series, more than 10");
}

TEST_F(TsdbDataTest, PagePointsLimitAtTheBound) {
  auto b = range_body(a_, "voltage", kT0, kT0);
  b["pageSize"] = static_cast<int64_t>(kMaxTsdbPagePoints);
  EXPECT_EQ(tsdb("ai", b).status, 200u);
  b["pageSize"] = static_cast<int64_t>(kMaxTsdbPagePoints + 1);
  refused("ai", b, "pageSize");
  b = range_body(a_, ids("p", 1000), kT0, kT0);
  b["pageSize"] = 640;
  EXPECT_EQ(tsdb("ai", b).status, 200u);
  b["pageSize"] = 641;
  refused("ai", b, "1 assets x 1000 points x pageSize 641 = 641000, more than 640000");
  // Without pageSize, many series get a smaller default instead of a refusal.
  EXPECT_EQ(tsdb("ai", range_body(a_, ids("p", 3000), kT0, kT0)).status, 200u);
}

TEST_F(TsdbDataTest, ListAndIdLimitsAtTheBound) {
  const std::string id256(kMaxTsdbIdBytes, 'x'), id257(kMaxTsdbIdBytes + 1, 'x');
  EXPECT_EQ(tsdb("ai", range_body(a_, id256, kT0, kT0)).status, 200u);
  refused("ai", range_body(a_, id257, kT0, kT0), "pointIds has an item longer than 256 bytes");
  // Deletes name many assets: the list bound applies (checked before any lookup).
  refused("data/tsdb-delete", range_body(ids("a", kMaxTsdbListItems + 1), "", kT0, kT0),
          "more than 3000 items");
  auto d = tsdb("data/tsdb-delete", range_body(ids("a", kMaxTsdbListItems), "", kT0, kT0));
  EXPECT_EQ(d.code(), kCodeTsdbAssetUnauthorized) << d.body;  // past the bound check, on to the lookup
}

TEST_F(TsdbDataTest, IntervalAndWindowLimitsAtTheBound) {
  json::object b{{"assetIds", a_}, {"pointIdsWithLogic", "avg(voltage)"}, {"startTime", kT0}};
  b["endTime"] = kT0 + 60 * kMinute;
  b["interval"] = kMaxTsdbIntervalMinutes;
  EXPECT_EQ(tsdb("ai-normalized", b).status, 200u);
  b["interval"] = kMaxTsdbIntervalMinutes + 1;
  refused("ai-normalized", b, "interval");
  b["interval"] = 1;
  b["endTime"] = kT0 + kMaxTsdbWindows * kMinute;
  EXPECT_EQ(tsdb("ai-normalized", b).status, 200u);
  b["endTime"] = kT0 + kMaxTsdbWindows * kMinute + 1;
  refused("ai-normalized", b, "windows");
  json::object l{{"assetIds", a_}, {"pointIds", "voltage"}, {"timeWindow", kMaxTsdbTimeWindowMinutes}};
  EXPECT_EQ(tsdb("latest", l).status, 200u);
  l["timeWindow"] = kMaxTsdbTimeWindowMinutes + 1;
  refused("latest", l, "timeWindow");
}

// ---- reading data back ----

TEST_F(TsdbDataTest, AiRawEndsAreInclusiveInEveryItemFormat) {
  std::vector<tsdb::Sample> batch;
  for (int i = 0; i < 5; ++i) {
    batch.push_back(
        sample(a_, "voltage", kT0 + i * 1000, tsdb::Value::of_double(1.5 + i), tsdb::Category::AiRaw, i));
    batch.push_back(sample(a_, "current", kT0 + i * 1000, tsdb::Value::of_int(10 + i)));
  }
  batch.push_back(
      sample(a_, "voltage", kT0 + 2500, tsdb::Value::of_double(9), tsdb::Category::Di));  // not AI_RAW
  append(std::move(batch));

  auto body = range_body(a_, "voltage,current", kT0 + 1000, kT0 + 3000);
  auto f0 = items(tsdb("ai", body));
  ASSERT_EQ(f0.size(), 6u);  // 1000, 2000, 3000 for each point: both ends included
  EXPECT_EQ(f0[0], json::parse(R"({"assetId":")" + a_ + R"(","timestamp":)" + std::to_string(kT0 + 1000) +
                               R"(,"localtime":"2026-11-24 08:00:01","voltage":2.5})"));
  EXPECT_EQ(f0[2].at("timestamp"), kT0 + 3000);
  EXPECT_EQ(f0[3].at("current"), 11);

  body["withQuality"] = true;
  f0 = items(tsdb("ai", body));
  EXPECT_EQ(f0[0].at("voltage_quality"), 1);
  EXPECT_TRUE(f0[3].at("current_quality").is_null());

  body["itemFormat"] = 1;
  auto f1 = items(tsdb("ai", body));
  ASSERT_EQ(f1.size(), 3u);
  EXPECT_EQ(f1[0], json::parse(R"({"assetId":")" + a_ + R"(","timestamp":)" + std::to_string(kT0 + 1000) +
                               R"(,"localtime":"2026-11-24 08:00:01","voltage":2.5,"voltage_quality":1,)"
                               R"("current":11,"current_quality":null})"));

  body["itemFormat"] = 2;
  auto f2 = items(tsdb("ai", body));
  ASSERT_EQ(f2.size(), 2u);
  EXPECT_EQ(f2[0].at("pointId"), "voltage");
  EXPECT_EQ(f2[0].at("timestamp"), (json::array{kT0 + 1000, kT0 + 2000, kT0 + 3000}));
  EXPECT_EQ(f2[0].at("value"), (json::array{2.5, 3.5, 4.5}));
  EXPECT_EQ(f2[0].at("dataQuality"), (json::array{1, 2, 3}));
  EXPECT_EQ(f2[0].at("localtime").at(0), "2026-11-24 08:00:01");
  EXPECT_EQ(f2[1].at("value"), (json::array{11, 12, 13}));

  // A single instant: start == end.
  EXPECT_EQ(items(tsdb("ai", range_body(a_, "voltage", kT0 + 4000, kT0 + 4000))).size(), 1u);
}

TEST_F(TsdbDataTest, TimesAsMillisecondsIsoAndLocalAgree) {
  const std::string ny = device_in_zone("dev-ny", "America/New_York");
  std::vector<tsdb::Sample> batch;
  for (int i = 0; i < 48; ++i) {
    batch.push_back(sample(a_, "t", kT0 + i * 30 * kMinute + 7, tsdb::Value::of_int(i)));
    batch.push_back(sample(ny, "t", kT0 + i * 30 * kMinute + 7, tsdb::Value::of_int(i)));
  }
  append(std::move(batch));
  // 08:00..10:00 in +08:00 is 00:00..02:00Z.
  const auto window = [&](const json::value& start, const json::value& end) {
    json::object b{{"assetIds", a_}, {"pointIds", "t"}, {"startTime", start}, {"endTime", end}};
    return items(tsdb("ai", b));
  };
  const auto by_ms = window(kT0, kT0 + 120 * kMinute);
  ASSERT_EQ(by_ms.size(), 4u);
  EXPECT_EQ(window("2026-11-24T08:00:00+08:00", "2026-11-24T10:00:00+08:00"), by_ms);
  EXPECT_EQ(window("2026-11-24T00:00:00Z", "2026-11-24T02:00:00.000Z"), by_ms);
  EXPECT_EQ(window("2026-11-24 08:00:00", "2026-11-24 10:00:00"), by_ms);
  EXPECT_EQ(window(json::value(std::to_string(kT0)), json::value(std::to_string(kT0 + 120 * kMinute))),
            by_ms);
  EXPECT_EQ(by_ms[0].at("localtime"), "2026-11-24 08:00:00");

  // Local times are read in EACH asset's zone: 2026-11-24 00:00 in New York (EST) is 05:00Z.
  json::object b{{"assetIds", a_ + "," + ny},
                 {"pointIds", "t"},
                 {"startTime", "2026-11-24 00:00:00"},
                 {"endTime", "2026-11-24 00:59:59"},
                 {"localTimeAccuracy", true}};
  auto both = items(tsdb("ai", b));
  std::map<std::string, json::value> first;
  for (const auto& it : both) first.try_emplace(std::string(it.at("assetId").as_string()), it);
  EXPECT_EQ(first[ny].at("timestamp"), kT0 + 5 * 60 * kMinute + 7);
  EXPECT_EQ(first[ny].at("localtime"), "2026-11-24 00:00:00.007");
  EXPECT_EQ(first.count(a_), 0u);  // 2026-11-24 00:00 at +08:00 is before any of a_'s samples
  b["localTimeFormat"] = 1;
  b["startTime"] = "2026-11-24T00:00:00Z";
  b["endTime"] = "2026-11-24T00:00:00Z";
  auto iso = items(tsdb("ai", b));
  ASSERT_EQ(iso.size(), 0u);  // samples are at +7 ms
  b["endTime"] = "2026-11-24T00:00:00.007Z";
  iso = items(tsdb("ai", b));
  ASSERT_EQ(iso.size(), 2u);
  EXPECT_EQ(iso[0].at("localtime"), "2026-11-24T08:00:00.007+08:00");
  EXPECT_EQ(iso[1].at("localtime"), "2026-11-23T19:00:00.007-05:00");
}

TEST_F(TsdbDataTest, PagingReassemblesEverySeriesExactly) {
  const std::string c = device_in_zone("dev-c", "-03:30");
  const std::vector<std::string> assets{a_, b_, c};
  const std::vector<std::string> points{"p1", "p2"};
  const int lengths[3][2] = {{0, 1}, {7, 8}, {15, 23}};
  std::map<std::string, std::vector<std::pair<int64_t, int64_t>>> expected;  // "asset/point" -> (time, value)
  std::vector<tsdb::Sample> batch;
  for (int a = 0; a < 3; ++a)
    for (int p = 0; p < 2; ++p)
      for (int i = 0; i < lengths[a][p]; ++i) {
        const int64_t t = kT0 + i * 1000 + a * 10 + p, v = a * 1000 + p * 100 + i;
        batch.push_back(sample(assets[a], points[p], t, tsdb::Value::of_int(v)));
        expected[assets[a] + "/" + points[p]].emplace_back(t, v);
      }
  append(std::move(batch));

  // Same query in UTC (format 0) and in local times (format 2): the cursor is checked per asset's zone.
  for (int variant = 0; variant < 2; ++variant) {
    json::object body{{"assetIds", a_ + "," + b_ + "," + c}, {"pointIds", "p1,p2"}, {"pageSize", 7}};
    if (variant == 0) {
      body["startTime"] = kT0;
      body["endTime"] = kT0 + 60000;
    } else {
      body["startTime"] = "2020-01-01 00:00:00";
      body["endTime"] = "2030-01-01 00:00:00";
      body["itemFormat"] = 2;
    }
    int pages = 0;
    std::vector<std::set<std::string>> keys;
    auto all = all_pages("ai", body, pages, &keys);
    EXPECT_EQ(pages, 4) << variant;  // 23 points of c/p2 at 7 a page
    std::map<std::string, std::vector<std::pair<int64_t, int64_t>>> got;
    for (const auto& item : all) {
      const std::string asset(item.at("assetId").as_string());
      if (variant == 0) {
        for (const auto& p : points)
          if (item.as_object().contains(p))
            got[asset + "/" + p].emplace_back(item.at("timestamp").as_int64(), item.at(p).as_int64());
      } else {
        const auto& ts = item.at("timestamp").as_array();
        const auto& vs = item.at("value").as_array();
        for (std::size_t i = 0; i < ts.size(); ++i)
          got[asset + "/" + std::string(item.at("pointId").as_string())].emplace_back(ts[i].as_int64(),
                                                                                      vs[i].as_int64());
      }
    }
    EXPECT_EQ(got, expected) << variant;
    if (variant == 0) {
      // Finished series are not repeated: page 2 holds only b/p2, c/p1, c/p2; page 4 only c/p2.
      ASSERT_EQ(keys.size(), 4u);
      EXPECT_EQ(keys[1], (std::set<std::string>{b_ + "/p2", c + "/p1", c + "/p2"}));
      EXPECT_EQ(keys[3], (std::set<std::string>{c + "/p2"}));
    }
  }
}

TEST_F(TsdbDataTest, CursorOfAnotherQueryIsRefused) {
  std::vector<tsdb::Sample> batch;
  for (int i = 0; i < 10; ++i) batch.push_back(sample(a_, "v", kT0 + i, tsdb::Value::of_int(i)));
  append(std::move(batch));
  auto body = range_body(a_, "v", kT0, kT0 + 100);
  body["pageSize"] = 3;
  auto data = ok(tsdb("ai", body));
  ASSERT_TRUE(data.as_object().contains("cursor")) << data;
  const json::value cursor = data.at("cursor");

  auto next = body;
  next["cursor"] = cursor;
  next["pageSize"] = 4;  // page size and presentation may change between pages
  next["itemFormat"] = 1;
  auto page2 = items(tsdb("ai", next));
  ASSERT_EQ(page2.size(), 4u);
  EXPECT_EQ(page2[0].at("timestamp"), kT0 + 3);

  auto other = body;
  other["cursor"] = cursor;
  other["endTime"] = kT0 + 101;
  refused("ai", other, "different query");
  other = body;
  other["cursor"] = cursor;
  other["pointIds"] = "v,w";
  refused("ai", other, "different query");
  other = body;
  other["cursor"] = cursor;
  refused("generic", other, "different query");
  other = body;
  other["cursor"] = cursor;
  other["assetIds"] = b_;
  refused("ai", other, "different query");

  // A cursor naming a resume point outside the query's window, or a series it does not have, is refused too.
  Cursor c;
  std::string why;
  ASSERT_TRUE(decode_cursor(cursor.as_string(), 10, c, why));
  for (CursorEntry e : {CursorEntry{0, kT0 + 500}, CursorEntry{0, kT0 - 1}, CursorEntry{1, kT0 + 5}}) {
    Cursor forged = c;
    forged.entries = {e};
    other = body;
    other["cursor"] = encode_cursor(forged);
    refused("ai", other, "cursor does not fit");
  }
}

TEST_F(TsdbDataTest, AiNormalizedPlainValuesEndExclusive) {
  std::vector<tsdb::Sample> batch;
  for (int i = 0; i < 5; ++i)
    batch.push_back(
        sample(a_, "v", kT0 + i * kMinute + 30000, tsdb::Value::of_double(i), tsdb::Category::AiNormalized));
  append(std::move(batch));
  json::object b{
      {"assetIds", a_}, {"pointIds", "v"}, {"startTime", kT0 + kMinute}, {"endTime", kT0 + 3 * kMinute}};
  auto got = items(tsdb("ai-normalized", b));
  ASSERT_EQ(got.size(), 2u);                         // minutes 1 and 2; minute 3 is the (excluded) end
  EXPECT_EQ(got[0].at("timestamp"), kT0 + kMinute);  // normalized to the minute's start
  EXPECT_EQ(got[1].at("v"), 2.0);
  b["pointIdsWithLogic"] = "v";  // a plain point in pointIdsWithLogic is the same read
  b.erase("pointIds");
  EXPECT_EQ(items(tsdb("ai-normalized", b)), got);
}

TEST_F(TsdbDataTest, AggregationFunctionsOverIntervals) {
  std::vector<tsdb::Sample> batch;
  for (int i = 0; i < 30; ++i)  // minute i holds i
    batch.push_back(
        sample(a_, "v", kT0 + i * kMinute, tsdb::Value::of_double(i), tsdb::Category::AiNormalized));
  append(std::move(batch));
  json::object b{{"assetIds", a_},
                 {"pointIdsWithLogic", "avg(v),max(v),min(v),sum(v),count(v),first(v),last(v)"},
                 {"interval", 10},
                 {"startTime", kT0},
                 {"endTime", kT0 + 30 * kMinute},
                 {"itemFormat", 1}};
  auto got = items(tsdb("ai-normalized", b));
  ASSERT_EQ(got.size(), 3u);
  for (int w = 0; w < 3; ++w) {
    const auto& o = got[w];
    EXPECT_EQ(o.at("timestamp"), kT0 + w * 10 * kMinute);
    EXPECT_DOUBLE_EQ(o.at("avg(v)").to_number<double>(), w * 10 + 4.5);
    EXPECT_DOUBLE_EQ(o.at("max(v)").to_number<double>(), w * 10 + 9);
    EXPECT_DOUBLE_EQ(o.at("min(v)").to_number<double>(), w * 10);
    EXPECT_DOUBLE_EQ(o.at("sum(v)").to_number<double>(), w * 100 + 45);
    EXPECT_EQ(o.at("count(v)"), 10);
    EXPECT_DOUBLE_EQ(o.at("first(v)").to_number<double>(), w * 10);
    EXPECT_DOUBLE_EQ(o.at("last(v)").to_number<double>(), w * 10 + 9);
  }
  // Paging windows: 2 a page, the cursor resumes on the next window boundary.
  json::object p{{"assetIds", a_},
                 {"pointIdsWithLogic", "count(v)"},
                 {"interval", 5},
                 {"startTime", kT0 + kMinute},
                 {"endTime", kT0 + 30 * kMinute},
                 {"pageSize", 2}};
  int pages = 0;
  auto all = all_pages("ai-normalized", p, pages);
  ASSERT_EQ(all.size(), 6u);  // [1,6) [6,11) ... [26,30)
  EXPECT_EQ(pages, 3);
  for (int w = 0; w < 6; ++w) {
    EXPECT_EQ(all[w].at("timestamp"), kT0 + kMinute + w * 5 * kMinute);
    EXPECT_EQ(all[w].at("count(v)"), w == 5 ? 4 : 5);
  }
}

TEST_F(TsdbDataTest, RawMergesCategoriesAndOrdersBothWays) {
  append({sample(a_, "x", kT0 + 1, tsdb::Value::of_double(1)),
          sample(a_, "x", kT0 + 3, tsdb::Value::of_double(3)),
          sample(a_, "x", kT0 + 2, tsdb::Value::of_int(2), tsdb::Category::Di),
          sample(a_, "x", kT0 + 4, tsdb::Value::of_string("four"), tsdb::Category::Generic),
          sample(a_, "x", kT0 + 5, tsdb::Value::of_double(5), tsdb::Category::AiNormalized)});  // not raw
  auto asc = items(tsdb("raw", range_body(a_, "x", kT0, kT0 + 10)));
  ASSERT_EQ(asc.size(), 4u);
  EXPECT_EQ(asc[1].at("x"), 2);
  EXPECT_EQ(asc[3].at("x"), "four");
  auto body = range_body(a_, "x", kT0, kT0 + 10);
  body["orderBy"] = "timestamp desc";
  body["pageSize"] = 3;
  int pages = 0;
  auto desc = all_pages("raw", body, pages);
  ASSERT_EQ(desc.size(), 4u);
  EXPECT_EQ(pages, 2);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(desc[i].at("timestamp"), kT0 + 4 - i);
  body["orderBy"] = "timestamp asc";
  EXPECT_EQ(all_pages("raw", body, pages), asc);
}

TEST_F(TsdbDataTest, EachEndpointReadsItsCategory) {
  append({sample(a_, "x", kT0, tsdb::Value::of_double(1), tsdb::Category::AiRaw),
          sample(a_, "x", kT0 + kMinute, tsdb::Value::of_double(2), tsdb::Category::Pi),
          sample(a_, "x", kT0 + 2 * kMinute, tsdb::Value::of_json(R"({"k":[1,2]})"), tsdb::Category::Generic),
          sample(a_, "x", kT0 + 3 * kMinute, tsdb::Value::of_int(1), tsdb::Category::Di)});
  const auto one = [&](const char* path) {
    auto got = items(tsdb(path, range_body(a_, "x", kT0, kT0 + 10 * kMinute)));
    return got.size() == 1 ? got[0].at("x") : json::value("count " + std::to_string(got.size()));
  };
  EXPECT_EQ(one("ai"), 1.0);
  EXPECT_EQ(one("electric-power"), 2.0);
  EXPECT_EQ(one("generic"), json::parse(R"({"k":[1,2]})"));
  EXPECT_EQ(one("di"), 1);
}

TEST_F(TsdbDataTest, DiReportsStateChangesOnly) {
  // EnOS's example: 0 0 0 1 0 1 1 -> 0 1 0 1.
  const int states[] = {0, 0, 0, 1, 0, 1, 1};
  std::vector<tsdb::Sample> batch;
  for (int i = 0; i < 7; ++i)
    batch.push_back(sample(a_, "s", kT0 + i * kMinute, tsdb::Value::of_int(states[i]), tsdb::Category::Di));
  batch.push_back(
      sample(a_, "s", kT0 - 5 * kMinute, tsdb::Value::of_int(7), tsdb::Category::Di));  // before start
  append(std::move(batch));
  auto body = range_body(a_, "s", kT0, kT0 + 10 * kMinute);
  auto got = items(tsdb("di", body));
  ASSERT_EQ(got.size(), 4u);
  const int64_t times[] = {0, 3, 4, 5};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(got[i].at("timestamp"), kT0 + times[i] * kMinute);
    EXPECT_EQ(got[i].at("s"), i % 2);
  }
  body["pageSize"] = 2;
  int pages = 0;
  EXPECT_EQ(all_pages("di", body, pages), got);
  EXPECT_EQ(pages, 2);
  // autoInterpolate: the state before startTime is reported at startTime when nothing is stored there.
  auto later = range_body(a_, "s", kT0 + 30000, kT0 + 10 * kMinute);
  later["autoInterpolate"] = true;
  auto interp = items(tsdb("di", later));
  ASSERT_EQ(interp.size(), 4u);
  EXPECT_EQ(interp[0].at("timestamp"), kT0 + 30000);
  EXPECT_EQ(interp[0].at("s"), 0);
  EXPECT_EQ(interp[1].at("timestamp"), kT0 + 3 * kMinute);
  later["startTime"] = kT0;
  EXPECT_EQ(items(tsdb("di", later)), got);  // a point at startTime: nothing to interpolate
}

TEST_F(TsdbDataTest, LatestWithTimeWindowInRequestOrder) {
  tsdb::Sample fresh =
      sample(a_, "voltage", now_ - 10 * kMinute, tsdb::Value::of_double(4.2), tsdb::Category::AiRaw, 3);
  fresh.history = 0;  // latest only
  tsdb::Sample stale = sample(a_, "current", now_ - 90 * kMinute, tsdb::Value::of_int(7));
  stale.history = 0;
  append({fresh, stale, sample(b_, "voltage", now_, tsdb::Value::of_double(1))});
  json::object body{{"assetIds", a_ + "," + b_}, {"pointIds", "voltage,current,none"}};
  auto all = items(tsdb("latest", body));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0],
            json::parse(R"({"assetId":")" + a_ + R"(","pointId":"voltage","timestamp":)" +
                        std::to_string(now_ - 10 * kMinute) + R"(,"localtime":")" +
                        format_local_time(now_ - 10 * kMinute, TimeZone::fixed(8 * 3600), false, false) +
                        R"(","value":4.2})"));
  EXPECT_EQ(all[1].at("pointId"), "current");
  EXPECT_EQ(all[2].at("assetId").as_string(), b_);
  body["timeWindow"] = 60;
  body["withQuality"] = true;
  auto recent = items(tsdb("latest", body));
  ASSERT_EQ(recent.size(), 2u);
  EXPECT_EQ(recent[0].at("quality"), 3);
  EXPECT_TRUE(recent[1].at("quality").is_null());
  body["timeWindow"] = 10;  // exactly 10 minutes old is inside
  EXPECT_EQ(items(tsdb("latest", body)).size(), 2u);
  body["timeWindow"] = 9;
  EXPECT_EQ(items(tsdb("latest", body)).size(), 1u);
}

TEST_F(TsdbDataTest, LatestDeleteForgetsWholeAssetsOnly) {
  append({sample(a_, "voltage", now_, tsdb::Value::of_double(1)),
          sample(b_, "voltage", now_, tsdb::Value::of_double(2))});
  refused("latest", json::object{{"assetIds", a_}, {"pointIds", "voltage"}}, "not supported",
          "action=delete");
  auto a = tsdb("latest", json::object{{"assetIds", a_}}, "action=delete");
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_TRUE(a.json.at("data").is_null());
  EXPECT_EQ(items(tsdb("latest", json::object{{"assetIds", a_}, {"pointIds", "voltage"}})).size(), 0u);
  EXPECT_EQ(items(tsdb("latest", json::object{{"assetIds", b_}, {"pointIds", "voltage"}})).size(), 1u);
  refused("latest", json::object{}, "assetIds", "action=delete");
}

TEST_F(TsdbDataTest, DataDeleteThenReadBackEmpty) {
  std::vector<tsdb::Sample> batch;
  for (int i = 0; i < 5; ++i)
    for (const auto& asset : {a_, b_})
      for (const char* p : {"v", "w"})
        batch.push_back(sample(asset, p, kT0 + i * 1000, tsdb::Value::of_int(i)));
  append(std::move(batch));
  auto del = tsdb("data/tsdb-delete", range_body(a_, "v", kT0 + 1000, kT0 + 3000));
  ASSERT_EQ(del.status, 200u) << del.body;
  EXPECT_EQ(del.json.at("data"), json::parse(R"({"deleted":true})"));
  auto left = items(tsdb("ai", range_body(a_, "v", kT0, kT0 + 10000)));
  ASSERT_EQ(left.size(), 2u);  // [start, end] inclusive went
  EXPECT_EQ(left[0].at("timestamp"), kT0);
  EXPECT_EQ(left[1].at("timestamp"), kT0 + 4000);
  EXPECT_EQ(items(tsdb("ai", range_body(a_, "w", kT0, kT0 + 10000))).size(), 5u);     // other point untouched
  EXPECT_EQ(items(tsdb("ai", range_body(b_, "v,w", kT0, kT0 + 10000))).size(), 10u);  // other asset untouched
  // Without pointIds: every point of the asset.
  ASSERT_EQ(tsdb("data/tsdb-delete", range_body(b_, "", kT0, kT0 + 10000)).status, 200u);
  EXPECT_EQ(items(tsdb("ai", range_body(b_, "v,w", kT0, kT0 + 10000))).size(), 0u);
  refused("data/tsdb-delete", json::object{{"assetIds", a_}}, "startTime");
}

}  // namespace
}  // namespace gridhub::api::testing
