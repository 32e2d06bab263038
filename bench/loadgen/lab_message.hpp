// The smart-battery lab's measure-point post (shared/seed/smart-battery-lab.zh.md, step 8): the same formulas and
// the same envelope the lab's Python program sends, written into a reused buffer.
#pragma once
#include <cstdint>
#include <string>

namespace gridhub::bench {

// splitmix64: tiny, fast, good enough to make every device's values differ.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t next();
  double uniform();  // [0, 1), like Python's random.random()

 private:
  uint64_t state_;
};

// The lab's constants (VOL_MAX ... SIMULATE_PERIOD).
struct LabConstants {
  static constexpr double kVolMax = 4.5, kVolMin = 3.8, kCurMax = 42, kCurMin = 40, kTempMin = 45, kTempMax = 75;
  static constexpr int kSimulatePeriod = 10;
};

// One simulated battery: keeps the lab's running `number` and `accumulating_power`.
class LabSimulator {
 public:
  explicit LabSimulator(uint64_t seed) : random_(seed) {}

  // Replaces `out` with {"id":"<id>","version":"1.0","method":"thing.measurepoint.post","params":{"measurepoints":
  // {cycle_number, temp, voltage, current, accumulating_power},"time":<time_ms>}}. Doubles are printed shortest
  // round-trip, as Python's json does.
  void next_post(uint32_t id, int64_t time_ms, std::string& out);

 private:
  Random random_;
  uint64_t number_ = 0;
  double accumulating_power_ = 0;
};

}  // namespace gridhub::bench
