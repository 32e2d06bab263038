#include "hub/handle_login.hpp"

#include "enos/login.hpp"
#include "hub_fixture.hpp"

namespace gridhub::hub {
namespace {

class LoginTest : public HubFixture {
 protected:
  mqtt::Connect connect(int mode, std::string_view dk, std::string_view secret, std::string method = "hmacsha256") {
    const std::string ts = "1795462851055.6995";
    mqtt::Connect c;
    c.protocol_name = "MQTT";
    c.protocol_level = 4;
    c.client_id = std::string(dk) + "|securemode=" + std::to_string(mode) + ",signmethod=" + method +
                  ",timestamp=" + ts + "|";
    c.username = std::string(dk) + "&" + product_.product_key;
    c.password = enos::sign(*enos::parse_sign_method(method), dk, dk, product_.product_key, ts, secret);
    return c;
  }
};

TEST_F(LoginTest, DeviceSecretLogsInAsTheDevice) {
  auto d = decide_login(connect(2, device_.device_key, device_.device_secret), *view_->current());
  EXPECT_EQ(d.connack, mqtt::kConnackAccepted);
  EXPECT_EQ(d.kind, LoginKind::Device);
  EXPECT_EQ(d.device.asset_id, device_.asset_id);
}

TEST_F(LoginTest, WrongSecretGetsConnack4) {
  auto d = decide_login(connect(2, device_.device_key, "wrong"), *view_->current());
  EXPECT_EQ(d.connack, mqtt::kConnackBadCredentials);
}

TEST_F(LoginTest, UnknownDeviceGetsConnack5) {
  auto d = decide_login(connect(2, "nobody", device_.device_secret), *view_->current());
  EXPECT_EQ(d.connack, mqtt::kConnackNotAuthorized);
}

TEST_F(LoginTest, DisabledDeviceGetsConnack5AsSoonAsTheSnapshotMoves) {
  ASSERT_TRUE(registry_->set_device_enabled(org_, device_.product_key, device_.device_key, false, 2));
  auto d = decide_login(connect(2, device_.device_key, device_.device_secret), *view_->current());
  EXPECT_EQ(d.connack, mqtt::kConnackNotAuthorized);
}

TEST_F(LoginTest, DynamicActivationNeedsTheProductSwitch) {
  auto d = decide_login(connect(3, device_.device_key, product_.product_secret), *view_->current());
  EXPECT_EQ(d.connack, mqtt::kConnackNotAuthorized);
  product_.dynamic_activate_enabled = true;
  ASSERT_TRUE(registry_->update_product(product_));
  d = decide_login(connect(3, device_.device_key, product_.product_secret), *view_->current());
  EXPECT_EQ(d.connack, mqtt::kConnackAccepted);
  EXPECT_EQ(d.kind, LoginKind::DynamicActivation);
  EXPECT_EQ(d.device_secret, device_.device_secret);
}

TEST_F(LoginTest, IntegrationChannelSignsWithTheProductSecret) {
  auto c = connect(4, "%channel%", product_.product_secret);
  auto d = decide_login(c, *view_->current());
  EXPECT_EQ(d.connack, mqtt::kConnackAccepted);
  EXPECT_EQ(d.kind, LoginKind::Integration);
}

TEST_F(LoginTest, ClientIdNotInEnosFormIsRejected) {
  auto c = connect(2, device_.device_key, device_.device_secret);
  c.client_id = "plain-client";
  EXPECT_EQ(decide_login(c, *view_->current()).connack, mqtt::kConnackIdRejected);
}

TEST_F(LoginTest, MissingPasswordGetsConnack4) {
  auto c = connect(2, device_.device_key, device_.device_secret);
  c.password.reset();
  EXPECT_EQ(decide_login(c, *view_->current()).connack, mqtt::kConnackBadCredentials);
}

}  // namespace
}  // namespace gridhub::hub
