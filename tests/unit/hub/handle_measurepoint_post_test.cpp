#include "hub_fixture.hpp"

namespace gridhub::hub {
namespace {

using MeasurepointPost = HubFixture;

TEST_F(MeasurepointPost, LabPointsBecomeTypedSamples) {
  auto out = run(handle_measurepoint_post, "thing/measurepoint/post",
                 R"({"id":"1","params":{"measurepoints":{"cycle_number":3,"temp":45,"voltage":4.47},"time":1700}})");
  ASSERT_EQ(out.code, 200) << out.message;
  ASSERT_EQ(out.samples.size(), 3u);
  for (const auto& s : out.samples) {
    EXPECT_EQ(s.time_ms, 1700);
    EXPECT_EQ(s.asset_id, device_.asset_id);
    if (s.point_id == "cycle_number") EXPECT_EQ(s.value.kind, tsdb::ValueKind::Int);
    if (s.point_id == "temp") {  // a DOUBLE point keeps a double even when the device sent 45
      EXPECT_EQ(s.value.kind, tsdb::ValueKind::Double);
      EXPECT_EQ(s.value.d, 45.0);
    }
  }
}

TEST_F(MeasurepointPost, NoStoragePolicyKeepsOnlyTheLatestValue) {
  auto out = run(handle_measurepoint_post, "thing/measurepoint/post", R"({"id":"1","params":{"measurepoints":{"temp":1.5}}})");
  ASSERT_EQ(out.samples.size(), 1u);
  EXPECT_EQ(out.samples[0].history, 0);
}

TEST_F(MeasurepointPost, StoragePolicyMarksEachPointWithItsStorageTypesAndGroup) {
  registry::StorageGroup g;
  g.org_id = org_;
  g.name = "lab";
  g.model_ids = {product_.model_id};
  g.policies.push_back({"AI_NORMALIZED", "1Y", {{product_.model_id, {"temp"}}}});
  g.policies.push_back({"AI_RAW", "3M", {{product_.model_id, {"temp", "voltage"}}}});
  auto created = registry_->create_storage_group(g);
  ASSERT_TRUE(created) << created.error().message();
  auto out = run(handle_measurepoint_post, "thing/measurepoint/post",
                 R"({"id":"1","params":{"measurepoints":{"cycle_number":3,"temp":45,"voltage":4.47}}})");
  ASSERT_EQ(out.code, 200) << out.message;
  ASSERT_EQ(out.samples.size(), 3u);
  for (const auto& s : out.samples) {
    if (s.point_id == "temp") {
      EXPECT_EQ(s.history, tsdb::category_bit(tsdb::Category::AiRaw) | tsdb::category_bit(tsdb::Category::AiNormalized));
      EXPECT_EQ(s.group, created->id);
    } else if (s.point_id == "voltage") {
      EXPECT_EQ(s.history, tsdb::category_bit(tsdb::Category::AiRaw));
    } else {
      EXPECT_EQ(s.history, 0) << s.point_id;  // not selected: latest only
    }
  }
  // Policy changes apply to what arrives afterwards: the hub's snapshot follows the registry.
  ASSERT_TRUE(registry_->delete_storage_group(org_, created->id));
  out = run(handle_measurepoint_post, "thing/measurepoint/post", R"({"id":"2","params":{"measurepoints":{"temp":46}}})");
  ASSERT_EQ(out.samples.size(), 1u);
  EXPECT_EQ(out.samples[0].history, 0);
}

TEST_F(MeasurepointPost, MissingTimeMeansNow) {
  auto out = run(handle_measurepoint_post, "thing/measurepoint/post", R"({"id":"1","params":{"measurepoints":{"temp":1.5}}})");
  ASSERT_EQ(out.samples.size(), 1u);
  EXPECT_EQ(out.samples[0].time_ms, 1000);
}

TEST_F(MeasurepointPost, UnknownPointIs1204NamingIt) {
  auto out = run(handle_measurepoint_post, "thing/measurepoint/post",
                 R"({"id":"1","params":{"measurepoints":{"temp":1.5,"ghost":2}}})");
  EXPECT_EQ(out.code, 1204);
  EXPECT_NE(out.message.find("ghost"), std::string::npos);
  EXPECT_TRUE(out.samples.empty());
}

TEST_F(MeasurepointPost, SkipInvalidDropsOnlyTheBadPoints) {
  auto out = run(handle_measurepoint_post, "thing/measurepoint/post",
                 R"({"id":"1","params":{"measurepoints":{"temp":1.5,"ghost":2}},"skipInvalidMeasurepoints":true})");
  EXPECT_EQ(out.code, 200);
  ASSERT_EQ(out.samples.size(), 1u);
  EXPECT_EQ(out.samples[0].point_id, "temp");
}

TEST_F(MeasurepointPost, ParamsMustBeAnObject) {
  auto out = run(handle_measurepoint_post, "thing/measurepoint/post", R"({"id":"1","params":[1]})");
  EXPECT_EQ(out.code, enos::kParamError);
}

TEST_F(MeasurepointPost, QualityFormKeepsTheQuality) {
  auto out = run(handle_measurepoint_post, "thing/measurepoint/post",
                 R"({"id":"1","params":{"measurepoints":{"voltage":{"value":4.2,"quality":9}}}})");
  ASSERT_EQ(out.samples.size(), 1u);
  EXPECT_EQ(out.samples[0].quality, 9);
  EXPECT_EQ(out.samples[0].value.d, 4.2);
}

TEST_F(MeasurepointPost, BatchForAnotherDeviceIsRefusedWith1009) {
  auto out = run(handle_measurepoint_batch, "thing/measurepoint/post/batch",
                 R"({"id":"1","params":[{"productKey":"x","deviceKey":"y","measurepoints":{"temp":1}}]})");
  EXPECT_EQ(out.code, enos::kTopicNotAllowed);
  EXPECT_TRUE(out.samples.empty());
}

TEST_F(MeasurepointPost, BatchEntriesForTheTopicDeviceAreAllKept) {
  auto out = run(handle_measurepoint_batch, "thing/measurepoint/post/batch",
                 R"({"id":"1","params":[{"measurepoints":{"temp":1},"time":5},{"measurepoints":{"temp":2},"time":6}]})");
  EXPECT_EQ(out.code, 200);
  EXPECT_EQ(out.samples.size(), 2u);
}

TEST_F(MeasurepointPost, ValidationSwitchOffAcceptsUnknownPoints) {
  auto record = registry_->get_model(org_, product_.model_id);
  ASSERT_TRUE(record);
  record->validation_enabled = false;
  record->update_time = 2;
  ASSERT_TRUE(registry_->update_model(*record));
  auto out = run(handle_measurepoint_post, "thing/measurepoint/post",
                 R"({"id":"1","params":{"measurepoints":{"anything":"goes"}}})");
  EXPECT_EQ(out.code, 200);
  EXPECT_EQ(out.samples.size(), 1u);
}

TEST_F(MeasurepointPost, AttributesRoundTripThroughTheRegistry) {
  auto out = run(handle_attribute_update, "thing/attribute/update", R"({"id":"1","params":{"attributes":{"Capacity":12.5}}})");
  ASSERT_EQ(out.code, 200) << out.message;
  out = run(handle_attribute_query, "thing/attribute/query", R"({"id":"2","params":{"attributes":[]}})");
  EXPECT_EQ(out.data, R"({"Capacity":1.25E1})");
  out = run(handle_attribute_update, "thing/attribute/update", R"({"id":"3","params":{"attributes":{"Capacity":"big"}}})");
  EXPECT_EQ(out.code, 1204);
}

}  // namespace
}  // namespace gridhub::hub
