// The lab's formulas, line for line (simulate_measure_points in the Python program).
#include "battery_model.hpp"

namespace smart_battery {

Sample BatteryModel::next(int64_t n) {
  Sample s;
  s.cycle_number = n / kSimulatePeriod;
  const double i = static_cast<double>(n % kSimulatePeriod);
  s.temp = kTempMin + (kTempMax - kTempMin) * (i + random01()) / kSimulatePeriod;
  s.voltage = kVolMax - (kVolMax - kVolMin) * (i + random01()) / kSimulatePeriod;
  s.current = kCurMin + (kCurMax - kCurMin) * random01();
  if (n % kSimulatePeriod == 0) accumulating_power_ = 0;
  accumulating_power_ += s.voltage * s.current;
  s.accumulating_power = accumulating_power_;
  return s;
}

}  // namespace smart_battery
