#include "smart_battery/battery_model.hpp"

#include <gtest/gtest.h>

using namespace smart_battery;

TEST(BatteryModel, FollowsTheLabsCycleOfTenSteps) {
  BatteryModel m(42);
  double power = 0;
  for (int64_t n = 0; n < 35; ++n) {
    const auto s = m.next(n);
    const double i = static_cast<double>(n % 10);
    EXPECT_EQ(s.cycle_number, n / 10);
    EXPECT_GE(s.temp, 45 + 3 * i);  // rises 45 -> 75 within the cycle
    EXPECT_LE(s.temp, 45 + 3 * (i + 1));
    EXPECT_LE(s.voltage, 4.5 - 0.07 * i + 1e-12);  // falls 4.5 -> 3.8
    EXPECT_GE(s.voltage, 4.5 - 0.07 * (i + 1) - 1e-12);
    EXPECT_GE(s.current, 40);
    EXPECT_LE(s.current, 42);
    if (n % 10 == 0) power = 0;  // accumulating power restarts each cycle
    power += s.voltage * s.current;
    EXPECT_DOUBLE_EQ(s.accumulating_power, power);
  }
}
