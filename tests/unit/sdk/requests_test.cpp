#include "gridhub/device/requests.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "enos/login.hpp"

namespace json = boost::json;
using namespace gridhub::device;

TEST(Requests, MeasurepointPostHasTheSpecShape) {
  const int64_t before = now_ms();
  auto r = MeasurepointPost().add_measurepoint("temp", 61.2).add_measurepoint_with_quality("Power", 1.5, 9).build();
  EXPECT_EQ(r.kind, RequestKind::measurepoint_post);
  EXPECT_EQ(r.topic_suffix, "thing/measurepoint/post");
  EXPECT_EQ(r.qos, 1);
  EXPECT_EQ(r.params.at("measurepoints").at("temp"), 61.2);
  EXPECT_EQ(r.params.at("measurepoints").at("Power"), (json::object{{"value", 1.5}, {"quality", 9}}));
  EXPECT_GE(r.params.at("time").as_int64(), before);  // defaults to now, so a buffered post keeps its time
  auto resume = MeasurepointResume().add_measurepoint("temp", 1).set_timestamp(42).build();
  EXPECT_EQ(resume.topic_suffix, "thing/measurepoint/resume");
  EXPECT_EQ(resume.method, "thing.measurepoint.resume");
  EXPECT_EQ(resume.params.at("time"), 42);
}

TEST(Requests, EventPostIsQos0WithItsIdInTheTopic) {
  auto r = EventPost("overheat").add_value("temp", 80).set_timestamp(7).build();
  EXPECT_EQ(r.topic_suffix, "thing/event/overheat/post");
  EXPECT_EQ(r.qos, 0);
  EXPECT_EQ(r.params, (json::object{{"events", json::object{{"temp", 80}}}, {"time", 7}}));
}

TEST(Requests, AttributeAndTagShapes) {
  EXPECT_EQ(AttributeQuery().build().params, (json::object{{"attributes", json::array{}}}));
  EXPECT_EQ(AttributeUpdate().add_attribute("Capacity", 3.5).build().params,
            (json::object{{"attributes", json::object{{"Capacity", 3.5}}}}));
  EXPECT_EQ(AttributeDelete().add_attribute("a").build().topic_suffix, "thing/attribute/delete");
  EXPECT_EQ(TagUpdate().add_tag("site", "north").build().params,
            (json::array{json::object{{"tagKey", "site"}, {"tagValue", "north"}}}));
  EXPECT_EQ(TagQuery().add_tag("k").build().params, (json::object{{"tags", json::array{"k"}}}));
  EXPECT_EQ(TagDelete().add_tag("k").build().topic_suffix, "thing/tag/delete");
  EXPECT_EQ(tsl_template_get().topic_suffix, "thing/tsltemplate/get");
}

TEST(Requests, SubDeviceSignsVerifyWithTheHubsCheck) {
  SubDevice sub{"spk", "sdk", "s3cret", SignMethod::sha1};
  auto login = SubDeviceLogin(sub).set_timestamp(1795462851057).build();
  EXPECT_TRUE(login.session_topic);
  EXPECT_EQ(login.topic_suffix, "combine/login");
  const auto& p = login.params.as_object();
  EXPECT_EQ(p.at("clientId"), "spksdk1795462851057");
  EXPECT_EQ(p.at("timestamp"), "1795462851057");
  EXPECT_EQ(p.at("signMethod"), "sha1");
  EXPECT_EQ(p.at("secureMode"), "2");
  // The hub checks a sub-device sign exactly like a device password (spec §1.3 / §4.6).
  EXPECT_TRUE(gridhub::enos::verify_sign(gridhub::enos::SignMethod::Sha1, "spksdk1795462851057", "sdk", "spk",
                                         "1795462851057", "s3cret", std::string(p.at("sign").as_string())));
  EXPECT_FALSE(gridhub::enos::verify_sign(gridhub::enos::SignMethod::Sha1, "spksdk1795462851057", "sdk", "spk",
                                          "1795462851057", "other", std::string(p.at("sign").as_string())));

  auto topo = TopoAdd().add_sub_device(sub).set_timestamp(5).build();
  const auto& item = topo.params.at(0).as_object();
  EXPECT_EQ(item.at("clientId"), "spk.sdk.5");
  EXPECT_TRUE(gridhub::enos::verify_sign(gridhub::enos::SignMethod::Sha1, "spk.sdk.5", "sdk", "spk", "5", "s3cret",
                                         std::string(item.at("sign").as_string())));

  auto batch = SubDeviceLoginBatch().add_sub_device(sub).add_sub_device({"p2", "d2", "x"}).set_timestamp(9).build();
  EXPECT_EQ(batch.topic_suffix, "combine/login/batch");
  EXPECT_EQ(batch.params.at("clientId"), "login.batch");
  EXPECT_EQ(batch.params.at("subDevices").as_array().size(), 2u);
  EXPECT_TRUE(gridhub::enos::verify_sign(gridhub::enos::SignMethod::Sha1, "login.batch", "d2", "p2", "9", "x",
                                         std::string(batch.params.at("subDevices").at(1).at("sign").as_string())));
}

TEST(Requests, TopologyAndRegisterShapes) {
  EXPECT_EQ(TopoDelete().add_sub_device("a", "b").build().params,
            (json::array{json::object{{"productKey", "a"}, {"deviceKey", "b"}}}));
  EXPECT_EQ(topo_get().topic_suffix, "thing/topo/get");
  auto reg = DeviceRegister().add("spk", "meter 1", "+08:00", "m1").build();
  EXPECT_EQ(reg.params.at(0).at("deviceName").at("defaultValue"), "meter 1");
  EXPECT_EQ(reg.params.at(0).at("deviceKey"), "m1");
  EXPECT_EQ(sub_device_logout("a", "b").params, (json::object{{"productKey", "a"}, {"deviceKey", "b"}}));
}
