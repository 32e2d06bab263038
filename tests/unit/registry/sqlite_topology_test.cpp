// Gateway topology in the SQLite registry: links all or nothing, one gateway per sub-device, gateways only, the
// limit, cascades on delete, paging, and the version the hub's snapshot follows.
#include "registry/limits.hpp"
#include "registry_fixture.hpp"

namespace gridhub::registry::testing {
namespace {

class TopologyTest : public RegistryTest {
 protected:
  void SetUp() override {
    RegistryTest::SetUp();
    o = org();
    model(o, "M");
    Product g = product_record(o, "M", "gateways");
    g.node_type = "Gateway";
    auto gp = reg_->create_product(g);
    ASSERT_TRUE(gp);
    gpk = gp->product_key;
    spk = product(o, "M", "subs").product_key;
    gw = device(o, gpk, "gateway-1").device_key;
    gw2 = device(o, gpk, "gateway-2").device_key;
    for (int i = 0; i < 3; ++i) subs.emplace_back(spk, device(o, spk, "sub-" + std::to_string(i)).device_key);
  }
  std::string o, gpk, spk, gw, gw2;
  std::vector<std::pair<std::string, std::string>> subs;
};

TEST_F(TopologyTest, AddListGetRemove) {
  const auto v0 = reg_->version();
  ASSERT_TRUE(reg_->add_sub_devices(o, gpk, gw, subs, 5000));
  EXPECT_GT(reg_->version(), v0);
  auto list = reg_->list_sub_devices(o, gpk, gw, Page{1, 2});
  ASSERT_TRUE(list);
  EXPECT_EQ(list->total, 3);
  ASSERT_EQ(list->items.size(), 2u);
  EXPECT_EQ(list->items[0].gateway_device_key, gw);
  EXPECT_EQ(list->items[0].create_time, 5000);
  auto link = reg_->get_gateway(o, spk, subs[1].second);
  ASSERT_TRUE(link);
  EXPECT_EQ(link->gateway_product_key, gpk);
  EXPECT_EQ(reg_->all_topology().size(), 3u);
  // Adding again is not an error and changes nothing.
  const auto v1 = reg_->version();
  ASSERT_TRUE(reg_->add_sub_devices(o, gpk, gw, {subs[0]}, 6000));
  EXPECT_EQ(reg_->version(), v1);
  ASSERT_TRUE(reg_->remove_sub_devices(o, gpk, gw, {subs[0], {spk, "not-a-device"}}));
  EXPECT_GT(reg_->version(), v1);
  EXPECT_EQ(reg_->get_gateway(o, spk, subs[0].second).error(), errc::not_found);
  EXPECT_EQ(reg_->list_sub_devices(o, gpk, gw, Page{})->total, 2);
}

TEST_F(TopologyTest, OneGatewayPerSubDeviceAndAllOrNothing) {
  ASSERT_TRUE(reg_->add_sub_devices(o, gpk, gw, {subs[0]}, 0));
  // subs[0] belongs to gw: the whole call fails and subs[1] is not linked to gw2.
  EXPECT_EQ(reg_->add_sub_devices(o, gpk, gw2, {subs[1], subs[0]}, 0).error(), errc::in_use);
  EXPECT_EQ(reg_->get_gateway(o, spk, subs[1].second).error(), errc::not_found);
  EXPECT_EQ(reg_->add_sub_devices(o, gpk, gw2, {{spk, "missing"}}, 0).error(), errc::not_found);
  EXPECT_EQ(reg_->add_sub_devices(o, gpk, gw2, {{gpk, gw2}}, 0).error(), errc::invalid_argument);  // itself
  // A device whose product is not a gateway has no sub-devices.
  EXPECT_EQ(reg_->add_sub_devices(o, spk, subs[2].second, {subs[1]}, 0).error(), errc::invalid_argument);
  // Another OU sees none of it.
  auto other = org("other");
  EXPECT_EQ(reg_->add_sub_devices(other, gpk, gw, {subs[1]}, 0).error(), errc::not_found);
  EXPECT_EQ(reg_->get_gateway(other, spk, subs[0].second).error(), errc::not_found);
}

TEST_F(TopologyTest, DeletingEitherEndDropsTheLink) {
  ASSERT_TRUE(reg_->add_sub_devices(o, gpk, gw, subs, 0));
  ASSERT_TRUE(reg_->delete_device(o, spk, subs[0].second));
  EXPECT_EQ(reg_->list_sub_devices(o, gpk, gw, Page{})->total, 2);
  ASSERT_TRUE(reg_->delete_device(o, gpk, gw));
  EXPECT_TRUE(reg_->all_topology().empty());
  // The sub-devices are free for another gateway.
  EXPECT_TRUE(reg_->add_sub_devices(o, gpk, gw2, {subs[1]}, 0));
}

TEST_F(TopologyTest, LimitPerGateway) {
  std::vector<std::pair<std::string, std::string>> many;
  for (int64_t i = 0; i < kMaxSubDevicesPerGateway; ++i)
    many.emplace_back(spk, device(o, spk, "many-" + std::to_string(i)).device_key);
  ASSERT_TRUE(reg_->add_sub_devices(o, gpk, gw, many, 0));  // exactly the limit
  EXPECT_EQ(reg_->add_sub_devices(o, gpk, gw, {subs[0]}, 0).error(), errc::limit_exceeded);  // one more
  EXPECT_EQ(reg_->get_gateway(o, spk, subs[0].second).error(), errc::not_found);
}

}  // namespace
}  // namespace gridhub::registry::testing
