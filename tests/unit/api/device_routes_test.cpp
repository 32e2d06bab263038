// Device routes: create (keys, attributes checked against the model, 11702, 11739), get with status and
// times, search, update, enable/disable (the hub is told), delete (store forgets the asset).
#include "api/routes.hpp"

#include "api_fixture.hpp"
#include "registry/limits.hpp"

namespace gridhub::api::testing {
namespace {

class DeviceRoutesTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    model_ = import_seed();
    pk_ = create_product("battery", model_);
  }
  Answer create(boost::json::object body) {
    if (!body.contains("productKey")) body["productKey"] = pk_;
    return post(kDevices, "action=create", body);
  }
  std::string model_, pk_;
};

TEST_F(DeviceRoutesTest, CreateReturnsTheTripleAndAssetId) {
  auto data = ok(create({{"deviceName", "d1"}}));
  EXPECT_EQ(data.at("productKey").as_string(), pk_);
  EXPECT_EQ(data.at("assetId").as_string().size(), 8u);
  EXPECT_EQ(data.at("deviceKey").as_string().size(), 10u);
  EXPECT_EQ(data.at("deviceSecret").as_string().size(), 20u);
}

TEST_F(DeviceRoutesTest, GetReturnsEveryField) {
  auto created = ok(create({{"deviceName", {{"defaultValue", "d1"}, {"i18nValue", {{"en_US", "D1"}}}}},
                            {"deviceKey", "battery-01"},
                            {"timezone", "Asia/Shanghai"},
                            {"deviceAttributes", {{"Capacity", 4000.5}, {"UpperLimitTemp", 50}}},
                            {"deviceTags", {{"room", "lab"}}},
                            {"deviceDesc", "first"}}));
  auto d = ok(get(kDevices, "action=get&productKey=" + pk_ + "&deviceKey=battery-01"));
  EXPECT_EQ(d.at("orgId").as_string(), org_);
  EXPECT_EQ(d.at("assetId"), created.at("assetId"));
  EXPECT_EQ(d.at("productKey").as_string(), pk_);
  EXPECT_EQ(d.at("productName").at("defaultValue"), "battery");
  EXPECT_EQ(d.at("modelId").as_string(), model_);
  EXPECT_EQ(d.at("deviceKey"), "battery-01");
  EXPECT_EQ(d.at("deviceName").at("i18nValue").at("en_US"), "D1");
  EXPECT_EQ(d.at("deviceDesc"), "first");
  EXPECT_EQ(d.at("deviceSecret"), created.at("deviceSecret"));
  EXPECT_EQ(d.at("timezone"), "Asia/Shanghai");
  EXPECT_EQ(d.at("dst"), true);  // a city observes DST unless told otherwise
  EXPECT_EQ(d.at("deviceAttributes").at("Capacity"), 4000.5);
  EXPECT_EQ(d.at("deviceTags").at("room"), "lab");
  EXPECT_EQ(d.at("status"), "inactive");
  for (const char* t : {"createTime", "activeTime", "lastOnlineTime", "lastOfflineTime"})
    EXPECT_TRUE(d.at(t).is_int64()) << t;
  auto by_asset = ok(get(kDevices, "action=get&assetId=" + std::string(created.at("assetId").as_string())));
  EXPECT_EQ(by_asset, d);
}

TEST_F(DeviceRoutesTest, DefaultTimezoneIsPlus8WithoutDst) {
  auto created = ok(create({{"deviceName", "d"}}));
  auto d = ok(get(kDevices, "action=get&assetId=" + std::string(created.at("assetId").as_string())));
  EXPECT_EQ(d.at("timezone"), "+08:00");
  EXPECT_EQ(d.at("dst"), false);
}

TEST_F(DeviceRoutesTest, StatusFollowsPresence) {
  create({{"deviceName", "d"}, {"deviceKey", "dev-1"}});
  registry_->device_online(pk_, "dev-1", now_);
  auto d = ok(get(kDevices, "action=get&productKey=" + pk_ + "&deviceKey=dev-1"));
  EXPECT_EQ(d.at("status"), "online");
  EXPECT_EQ(d.at("activeTime"), now_);
  registry_->device_offline(pk_, "dev-1", now_ + 5);
  EXPECT_EQ(ok(get(kDevices, "action=get&productKey=" + pk_ + "&deviceKey=dev-1")).at("status"), "offline");
}

TEST_F(DeviceRoutesTest, DuplicateDeviceKeyIs409With11702) {
  ok(create({{"deviceName", "d"}, {"deviceKey", "dev-1"}}));
  auto a = create({{"deviceName", "again"}, {"deviceKey", "dev-1"}});
  EXPECT_EQ(a.status, 409u);
  EXPECT_EQ(a.code(), 11702);
}

TEST_F(DeviceRoutesTest, DeviceKeyLengthAtLimits) {
  const auto min = registry::kMinDeviceKeyLength, max = registry::kMaxDeviceKeyLength;
  EXPECT_EQ(create({{"deviceName", "d"}, {"deviceKey", std::string(min, 'a')}}).status, 200u);
  EXPECT_EQ(create({{"deviceName", "d"}, {"deviceKey", std::string(max, 'b')}}).status, 200u);
  auto a = create({{"deviceName", "d"}, {"deviceKey", std::string(min - 1, 'c')}});
  EXPECT_EQ(a.status, 400u);
  EXPECT_NE(a.msg().find("deviceKey"), std::string::npos);
  EXPECT_EQ(create({{"deviceName", "d"}, {"deviceKey", std::string(max + 1, 'd')}}).status, 400u);
  EXPECT_EQ(create({{"deviceName", "d"}, {"deviceKey", "has space"}}).status, 400u);
  EXPECT_EQ(create({{"deviceName", "d"}, {"deviceKey", "ok_-.:9"}}).status, 200u);
}

TEST_F(DeviceRoutesTest, BadFieldsAre400NamingTheField) {
  struct Bad {
    boost::json::object body;
    const char* field;
  } cases[] = {
      {{}, "deviceName"},
      {{{"deviceName", ""}}, "deviceName"},
      {{{"deviceName", "d"}, {"timezone", "Mars/Base"}}, ""},  // syntactically fine: accepted below
      {{{"deviceName", "d"}, {"timezone", "+25:00"}}, "timezone"},
      {{{"deviceName", "d"}, {"timezone", "../etc"}}, "timezone"},
      {{{"deviceName", "d"}, {"dst", "yes"}}, "dst"},
      {{{"deviceName", "d"}, {"deviceAttributes", "x"}}, "deviceAttributes"},
      {{{"deviceName", "d"}, {"deviceTags", {{"k", 1}}}}, "deviceTags"},
      {{{"deviceName", "d"}, {"productKey", 7}}, "productKey"},
  };
  for (const auto& c : cases) {
    auto a = create(c.body);
    if (!*c.field) {
      EXPECT_EQ(a.status, 200u) << a.body;
      continue;
    }
    EXPECT_EQ(a.status, 400u) << c.field << " " << a.body;
    EXPECT_NE(a.msg().find(c.field), std::string::npos) << a.msg();
  }
  EXPECT_EQ(call("POST", kDevices, "action=create", "{nope").status, 400u);
}

TEST_F(DeviceRoutesTest, UnknownProductIs404) {
  auto a = create({{"productKey", "nope"}, {"deviceName", "d"}});
  EXPECT_EQ(a.status, 404u);
  EXPECT_EQ(a.code(), 99404);
}

TEST_F(DeviceRoutesTest, AttributesAreCheckedAgainstTheModel) {
  auto a = create({{"deviceName", "d"}, {"deviceAttributes", {{"Capacity", "lots"}}}});
  EXPECT_EQ(a.status, 400u);
  EXPECT_NE(a.msg().find("Capacity"), std::string::npos) << a.msg();
  a = create({{"deviceName", "d"}, {"deviceAttributes", {{"NoSuchAttribute", 1}}}});
  EXPECT_EQ(a.status, 400u);
  EXPECT_NE(a.msg().find("NoSuchAttribute"), std::string::npos) << a.msg();
  a = create({{"deviceName", "d"}, {"deviceAttributes", {{"Capacity", nullptr}}}});
  EXPECT_EQ(a.status, 400u);
  EXPECT_EQ(create({{"deviceName", "d"}, {"deviceAttributes", {{"Capacity", 1}, {"longitude", 121.5}}}}).status, 200u);
}

TEST_F(DeviceRoutesTest, RequiredAttributesMustBePresent) {
  ok(post(kModels, "action=create",
          {{"modelId", "Req"},
           {"attributes", {{"serial", {{"identifier", "serial"}, {"dataType", "STRING"}, {"isRequired", true}}}}}}));
  const std::string pk = create_product("req", "Req");
  auto a = create({{"productKey", pk}, {"deviceName", "d"}});
  EXPECT_EQ(a.status, 400u);
  EXPECT_NE(a.msg().find("serial"), std::string::npos);
  auto created = ok(create({{"productKey", pk}, {"deviceName", "d"}, {"deviceAttributes", {{"serial", "S1"}}}}));
  const std::string asset(created.at("assetId").as_string());
  // Replacing the attributes without the required one is refused; a patch keeps it.
  EXPECT_EQ(post(kDevices, "action=update&assetId=" + asset, {{"deviceAttributes", boost::json::object{}}}).status,
            400u);
  ok(post(kDevices, "action=update&assetId=" + asset + "&isPatchUpdate=true",
          {{"deviceAttributes", boost::json::object{}}}));
  // An inherited model's required attribute counts too.
  ok(post(kModels, "action=create", {{"modelId", "ReqChild"}, {"parentModelId", "Req"}}));
  const std::string pk2 = create_product("req-child", "ReqChild");
  EXPECT_EQ(create({{"productKey", pk2}, {"deviceName", "d"}}).status, 400u);
}

TEST_F(DeviceRoutesTest, ModelChangesAreSeenByLaterAttributeChecks) {
  ok(post(kModels, "action=create",
          {{"modelId", "M"}, {"attributes", {{"a", {{"identifier", "a"}, {"dataType", "INT"}}}}}}));
  const std::string pk = create_product("m", "M");
  EXPECT_EQ(create({{"productKey", pk}, {"deviceName", "d"}, {"deviceAttributes", {{"b", 1}}}}).status, 400u);
  ok(post(kModels, "action=update&modelId=M",
          {{"modelId", "M"}, {"attributes", {{"b", {{"identifier", "b"}, {"dataType", "INT"}}}}}}));
  EXPECT_EQ(create({{"productKey", pk}, {"deviceName", "d"}, {"deviceAttributes", {{"b", 1}}}}).status, 200u);
}

TEST_F(DeviceRoutesTest, DeviceLimitPerProductAtNAndNPlusOne) {
  // The first N-1 straight through the registry (fast), then N and N+1 through the API.
  for (int64_t i = 1; i < registry::kMaxDevicesPerProduct; ++i) {
    registry::Device d;
    d.org_id = org_;
    d.product_key = pk_;
    d.name = {{"defaultValue", "bulk"}, {"i18nValue", boost::json::object{}}};
    ASSERT_TRUE(registry_->create_device(d)) << i;
  }
  EXPECT_EQ(create({{"deviceName", "last"}}).status, 200u);
  auto a = create({{"deviceName", "one too many"}});
  EXPECT_EQ(a.status, 409u);
  EXPECT_EQ(a.code(), 11739);
}

TEST_F(DeviceRoutesTest, AddressingErrors) {
  auto a = get(kDevices, "action=get");
  EXPECT_EQ(a.status, 400u);
  EXPECT_NE(a.msg().find("assetId"), std::string::npos);
  EXPECT_EQ(get(kDevices, "action=get&productKey=" + pk_).status, 400u);
  EXPECT_EQ(get(kDevices, "action=get&assetId=nope").status, 404u);
  EXPECT_EQ(get(kDevices, "action=get&productKey=" + pk_ + "&deviceKey=nope").code(), 99404);
}

TEST_F(DeviceRoutesTest, SearchFiltersAndPages) {
  for (int i = 0; i < 12; ++i) create({{"deviceName", "bat-" + std::to_string(i)}, {"deviceKey", "dk-" + std::to_string(i)}});
  const std::string pk2 = create_product("other", model_);
  create({{"productKey", pk2}, {"deviceName", "x"}});
  registry_->device_online(pk_, "dk-3", now_);
  ok(call("POST", kDevices, "action=disable&productKey=" + pk_ + "&deviceKey=dk-4"));

  auto a = call("POST", kDevices, "action=search");
  ok(a);
  EXPECT_EQ(a.json.at("pagination").at("totalSize"), 13);
  EXPECT_EQ(a.data().as_array().size(), 10u);
  EXPECT_FALSE(a.data().at(0).as_object().contains("deviceSecret"));
  a = post(kDevices, "action=search", {{"productKey", pk_}, {"pagination", {{"pageNo", 2}, {"pageSize", 10}}}});
  EXPECT_EQ(a.json.at("pagination").at("totalSize"), 12);
  EXPECT_EQ(a.data().as_array().size(), 2u);
  a = post(kDevices, "action=search", {{"deviceName", "bat-1"}});
  EXPECT_EQ(a.json.at("pagination").at("totalSize"), 3);  // bat-1, bat-10, bat-11
  a = post(kDevices, "action=search", {{"status", "online"}});
  ASSERT_EQ(a.json.at("pagination").at("totalSize"), 1);
  EXPECT_EQ(a.data().at(0).at("deviceKey"), "dk-3");
  a = post(kDevices, "action=search", {{"expression", "status = 'disable'"}});
  EXPECT_EQ(a.data().at(0).at("deviceKey"), "dk-4");
  a = post(kDevices, "action=search", {{"expression", "deviceKey = 'dk-5' and productKey = '" + pk_ + "'"}});
  EXPECT_EQ(a.json.at("pagination").at("totalSize"), 1);
  EXPECT_EQ(post(kDevices, "action=search", {{"status", "sleeping"}}).status, 400u);
  EXPECT_EQ(post(kDevices, "action=search", {{"expression", "deviceTags.k = 'v'"}}).status, 400u);
  EXPECT_EQ(post(kDevices, "action=search", {{"pagination", {{"pageSize", 201}}}}).status, 400u);
}

TEST_F(DeviceRoutesTest, UpdateChangesGivenFields) {
  auto created = ok(create({{"deviceName", "d"}, {"deviceKey", "dev-1"}, {"deviceTags", {{"a", "1"}}}}));
  auto d = ok(post(kDevices, "action=update&productKey=" + pk_ + "&deviceKey=dev-1",
                   {{"deviceName", "renamed"}, {"timezone", "-03:30"}, {"deviceTags", {{"b", "2"}}},
                    {"deviceAttributes", {{"Capacity", 10}}}}));
  EXPECT_EQ(d.at("deviceName").at("defaultValue"), "renamed");
  EXPECT_EQ(d.at("timezone"), "-03:30");
  EXPECT_EQ(d.at("dst"), false);
  EXPECT_EQ(d.at("deviceTags"), boost::json::parse(R"({"b":"2"})"));  // tags are replaced as a whole
  EXPECT_EQ(d.at("deviceAttributes").at("Capacity"), 10);
  ok(post(kDevices, "action=update&productKey=" + pk_ + "&deviceKey=dev-1",
          {{"isPatchUpdate", true}, {"deviceAttributes", {{"longitude", 1.5}}}}));
  d = ok(get(kDevices, "action=get&productKey=" + pk_ + "&deviceKey=dev-1"));
  EXPECT_EQ(d.at("deviceAttributes").as_object().size(), 2u);
  EXPECT_EQ(d.at("deviceSecret"), created.at("deviceSecret"));
  EXPECT_EQ(post(kDevices, "action=update&productKey=" + pk_ + "&deviceKey=dev-1", {{"deviceAttributes", {{"Capacity", "x"}}}}).status,
            400u);
  EXPECT_EQ(post(kDevices, "action=update&assetId=nope", {{"deviceName", "x"}}).status, 404u);
}

TEST_F(DeviceRoutesTest, DisableAndEnable) {
  create({{"deviceName", "d"}, {"deviceKey", "dev-1"}});
  const std::string q = "productKey=" + pk_ + "&deviceKey=dev-1";
  ok(call("POST", kDevices, "action=disable&" + q));
  EXPECT_EQ(ok(get(kDevices, "action=get&" + q)).at("status"), "disable");
  EXPECT_FALSE(hub_->is_online(pk_, "dev-1"));
  ok(call("POST", kDevices, "action=enable&" + q));
  EXPECT_EQ(ok(get(kDevices, "action=get&" + q)).at("status"), "inactive");
  EXPECT_EQ(call("POST", kDevices, "action=disable&productKey=" + pk_ + "&deviceKey=nope").status, 404u);
  EXPECT_EQ(call("GET", kDevices, "action=disable&" + q).status, 405u);
}

TEST_F(DeviceRoutesTest, DeleteForgetsLatestValues) {
  auto created = create_device(pk_, "d", "dev-1");
  const std::string asset(created.at("assetId").as_string());
  tsdb::Sample s;
  s.asset_id = asset;
  s.point_id = "temp";
  s.time_ms = 5;
  s.value = tsdb::Value::of_double(1.5);
  append({s});
  ASSERT_EQ(store_->latest(asset, {}).size(), 1u);
  ok(call("POST", kDevices, "action=delete&assetId=" + asset));
  EXPECT_TRUE(store_->latest(asset, {}).empty());
  EXPECT_EQ(get(kDevices, "action=get&assetId=" + asset).status, 404u);
  EXPECT_EQ(call("POST", kDevices, "action=delete&assetId=" + asset).status, 404u);
}

}  // namespace
}  // namespace gridhub::api::testing
