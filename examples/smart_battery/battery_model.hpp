// The smart-battery lab's simulation (shared/seed/smart-battery-lab): a cycle of 10 steps in which the
// temperature rises 45 -> 75 °C, the voltage falls 4.5 -> 3.8 V, the current wanders in 40..42 A, and the
// accumulating power (voltage x current summed) starts again at each cycle.
#pragma once
#include <cstdint>
#include <random>

namespace smart_battery {

inline constexpr double kVolMax = 4.5, kVolMin = 3.8;
inline constexpr double kCurMax = 42, kCurMin = 40;
inline constexpr double kTempMin = 45, kTempMax = 75;
inline constexpr int kSimulatePeriod = 10;

struct Sample {
  int64_t cycle_number = 0;
  double temp = 0, voltage = 0, current = 0, accumulating_power = 0;
};

// Not thread-safe. The lab's `simulate_measure_points(number)`, with the random draws from a seeded engine
// so that tests can check the formulas.
class BatteryModel {
 public:
  explicit BatteryModel(uint64_t seed = std::random_device{}()) : rng_(seed) {}
  // Sample number `n` (0, 1, 2, ...: the lab's loop counter).
  Sample next(int64_t n);

 private:
  double random01() { return dist_(rng_); }
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> dist_{0.0, 1.0};
  double accumulating_power_ = 0;
};

}  // namespace smart_battery
