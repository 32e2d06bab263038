// The benchmark's data set (/work/shared/BENCHMARKS.md): devices x 4 measure points x one sample every 10 s,
// in two flavours, as a pure function of (device, point, step) so every engine gets the same values and
// any of them can be recomputed to check what an engine reads back.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gridhub::bench {

enum class Flavour : uint8_t {
  Sample,  // the simulator CSV's day (minute rows, 2 decimals) interpolated to 10 s, repeated every day
  Random,  // the smart-battery lab's random signal, full doubles
};
std::string_view to_string(Flavour f);
bool parse_flavour(std::string_view name, Flavour& out);

inline constexpr int kPointCount = 4;
// The order is the series number's low part in SQLite (device * 4 + point) and the CSV's column order.
inline constexpr std::array<std::string_view, kPointCount> kPointNames = {"cycle_number", "current", "voltage",
                                                                          "temp"};
inline constexpr int kTempPoint = 3;
inline constexpr int64_t kStepMs = 10'000;
inline constexpr int64_t kStepsPerDay = 86'400'000 / kStepMs;
inline constexpr int64_t kDayMs = 86'400'000;
// The extra 90-day series of the aggregate query is this device's temp: a device number no run reaches, so
// its values (and its phase) are the same whatever the number of devices an engine was given.
inline constexpr uint32_t kExtraDevice = 1'000'000;

// One series: a device's measure point.
struct SeriesRef {
  uint32_t device = 0;
  int point = 0;
};

// "dev0007" (or "extra" for kExtraDevice): the asset id, the VictoriaMetrics label.
std::string device_name(uint32_t device);

class Dataset {
 public:
  // Sample needs the simulator CSV (header timeOfDay,cycle_number,current,voltage,temp; one row per minute
  // of the day, in order). `seed` picks the random flavour's draws. False with a message on bad input.
  static bool make(Flavour flavour, const std::string& csv_path, uint64_t seed, Dataset& out,
                   std::string& error);

  Flavour flavour() const { return flavour_; }

  // The value of `point` of `device` at `step` (10 s steps from the start of its series). Devices start at
  // different phases of the day (sample) or of the lab's 10-step cycle (random), so no two are identical.
  double value(uint32_t device, int point, int64_t step) const;

 private:
  Flavour flavour_ = Flavour::Sample;
  uint64_t seed_ = 0;
  // Sample: the day at 10 s resolution, per point, already rounded to 2 decimals.
  std::array<std::vector<double>, kPointCount> day_;
};

// Where the series sit in time: all engines of one run get the same base (run.sh passes it), a UTC midnight
// far enough in the past for VictoriaMetrics' retention window and never in the future.
struct Timeline {
  uint32_t devices = 1000;
  int days = 7;
  int extra_days = 90;
  int64_t base_ms = 0;  // a multiple of kDayMs

  // The main data ends where the extra series ends.
  int64_t extra_start_ms() const { return base_ms; }
  int64_t main_start_ms() const {
    return base_ms + (extra_days > days ? static_cast<int64_t>(extra_days - days) * kDayMs : 0);
  }
  int64_t main_steps() const { return static_cast<int64_t>(days) * kStepsPerDay; }
  int64_t extra_steps() const { return static_cast<int64_t>(extra_days) * kStepsPerDay; }
  uint64_t main_points() const { return static_cast<uint64_t>(main_steps()) * devices * kPointCount; }
  uint64_t total_points() const { return main_points() + static_cast<uint64_t>(extra_steps()); }
  // Start of a series' step 0.
  int64_t start_ms(const SeriesRef& s) const {
    return s.device == kExtraDevice ? extra_start_ms() : main_start_ms();
  }
};

// Today's UTC midnight minus `days_back` days.
int64_t default_base_ms(int days_back);

}  // namespace gridhub::bench
