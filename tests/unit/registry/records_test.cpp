// Derived device status and its EnOS spelling.
#include "registry/records.hpp"

#include <gtest/gtest.h>

namespace gridhub::registry {
namespace {

TEST(Records, StatusIsInactiveUntilFirstLogin) {
  Device d;
  EXPECT_EQ(d.status(), DeviceStatus::Inactive);
  d.activated = true;
  EXPECT_EQ(d.status(), DeviceStatus::Offline);
  d.online = true;
  EXPECT_EQ(d.status(), DeviceStatus::Online);
}

TEST(Records, DisabledWinsOverPresence) {
  Device d;
  d.activated = d.online = true;
  d.enabled = false;
  EXPECT_EQ(d.status(), DeviceStatus::Disabled);
}

TEST(Records, StatusNamesAreTheEnOSSearchValues) {
  EXPECT_EQ(to_string(DeviceStatus::Inactive), "inactive");
  EXPECT_EQ(to_string(DeviceStatus::Online), "online");
  EXPECT_EQ(to_string(DeviceStatus::Offline), "offline");
  EXPECT_EQ(to_string(DeviceStatus::Disabled), "disable");
}

}  // namespace
}  // namespace gridhub::registry
