// The two flavours' formulas. Sample: linear interpolation between minute rows, rounded to 2 decimals like
// the rows themselves. Random: the lab program's simulate_measure_points() with a counter-based generator,
// so any value can be recomputed without replaying the ones before it.
#include "dataset.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace gridhub::bench {

namespace {

constexpr int kMinutesPerDay = 1440;
constexpr int64_t kStepsPerMinute = 6;
// Phase of a device in steps: a multiplier coprime with 8,640 gives every device below 8,640 its own phase.
constexpr uint64_t kPhaseMultiplier = 7919;

uint64_t phase_steps(uint32_t device) { return (device * kPhaseMultiplier) % kStepsPerDay; }

// SplitMix64's finalizer: a good 64-bit mix, enough for benchmark noise.
uint64_t mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Uniform in [0, 1) like Python's random.random(): 53 random bits.
double uniform(uint64_t seed, uint32_t device, uint64_t n, int draw) {
  const uint64_t h = mix(seed ^ mix((static_cast<uint64_t>(device) << 40) ^ (n << 2) ^ static_cast<uint64_t>(draw)));
  return static_cast<double>(h >> 11) * 0x1.0p-53;
}

double round2(double v) { return std::round(v * 100.0) / 100.0; }

bool split_csv(const std::string& line, std::vector<std::string>& fields) {
  fields.clear();
  std::stringstream in(line);
  std::string f;
  while (std::getline(in, f, ',')) {
    if (!f.empty() && f.back() == '\r') f.pop_back();
    fields.push_back(f);
  }
  return !fields.empty();
}

bool parse_minute(const std::string& hms, int& minute) {
  int h = 0, m = 0, s = 0;
  char tail = 0;
  if (std::sscanf(hms.c_str(), "%d:%d:%d%c", &h, &m, &s, &tail) != 3) return false;
  if (h < 0 || h > 23 || m < 0 || m > 59 || s != 0) return false;
  minute = h * 60 + m;
  return true;
}

bool parse_double(const std::string& text, double& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && std::isfinite(out);
}

bool load_day(const std::string& path, std::array<std::vector<double>, kPointCount>& day, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot open " + path;
    return false;
  }
  std::string line;
  std::vector<std::string> fields;
  if (!std::getline(in, line) || !split_csv(line, fields)) {
    error = path + ": empty file";
    return false;
  }
  // Column of each point, found by name; column 0 must be the time of day.
  std::array<std::size_t, kPointCount> column{};
  if (fields[0] != "timeOfDay") {
    error = path + ": first column is '" + fields[0] + "', expected timeOfDay";
    return false;
  }
  for (int p = 0; p < kPointCount; ++p) {
    column[p] = 0;
    for (std::size_t c = 1; c < fields.size(); ++c)
      if (fields[c] == kPointNames[p]) column[p] = c;
    if (column[p] == 0) {
      error = path + ": no column " + std::string(kPointNames[p]);
      return false;
    }
  }
  std::array<std::vector<double>, kPointCount> rows;
  int line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line == "\r") continue;
    split_csv(line, fields);
    int minute = -1;
    if (fields.empty() || !parse_minute(fields[0], minute) || minute != static_cast<int>(rows[0].size())) {
      error = path + ":" + std::to_string(line_no) + ": expected the row of minute " +
              std::to_string(rows[0].size()) + " (H:MM:00), got '" + (fields.empty() ? "" : fields[0]) + "'";
      return false;
    }
    for (int p = 0; p < kPointCount; ++p) {
      double v = 0;
      if (column[p] >= fields.size() || !parse_double(fields[column[p]], v)) {
        error = path + ":" + std::to_string(line_no) + ": bad " + std::string(kPointNames[p]) + " value";
        return false;
      }
      rows[p].push_back(v);
    }
  }
  if (rows[0].size() != kMinutesPerDay) {
    error = path + ": " + std::to_string(rows[0].size()) + " minute rows, expected 1440";
    return false;
  }
  for (int p = 0; p < kPointCount; ++p) {
    day[p].resize(kStepsPerDay);
    for (int64_t s = 0; s < kStepsPerDay; ++s) {
      const int64_t m = s / kStepsPerMinute;
      const double a = rows[p][m];
      const double b = rows[p][(m + 1) % kMinutesPerDay];  // the day repeats: 23:59 leads to 0:00
      const double f = static_cast<double>(s % kStepsPerMinute) / static_cast<double>(kStepsPerMinute);
      day[p][s] = round2(a + (b - a) * f);
    }
  }
  return true;
}

}  // namespace

std::string_view to_string(Flavour f) { return f == Flavour::Sample ? "sample" : "random"; }

bool parse_flavour(std::string_view name, Flavour& out) {
  if (name == "sample") out = Flavour::Sample;
  else if (name == "random") out = Flavour::Random;
  else return false;
  return true;
}

std::string device_name(uint32_t device) {
  if (device == kExtraDevice) return "extra";
  char buf[16];
  std::snprintf(buf, sizeof buf, "dev%04u", device);
  return buf;
}

bool Dataset::make(Flavour flavour, const std::string& csv_path, uint64_t seed, Dataset& out,
                   std::string& error) {
  out = Dataset();
  out.flavour_ = flavour;
  out.seed_ = seed;
  if (flavour == Flavour::Sample) return load_day(csv_path, out.day_, error);
  return true;
}

double Dataset::value(uint32_t device, int point, int64_t step) const {
  const uint64_t n = static_cast<uint64_t>(step) + phase_steps(device);
  if (flavour_ == Flavour::Sample) return day_[point][n % kStepsPerDay];
  // The lab: SIMULATE_PERIOD 10, temp 45 -> 75 and voltage 4.5 -> 3.8 over each period, current 40..42.
  constexpr double kVolMax = 4.5, kVolMin = 3.8, kCurMax = 42, kCurMin = 40, kTempMin = 45, kTempMax = 75;
  constexpr uint64_t kPeriod = 10;
  const double i = static_cast<double>(n % kPeriod);
  switch (point) {
    case 0:
      return static_cast<double>(n / kPeriod);  // cycle_number
    case 1:
      return kCurMin + (kCurMax - kCurMin) * uniform(seed_, device, n, 1);
    case 2:
      return kVolMax - (kVolMax - kVolMin) * (i + uniform(seed_, device, n, 2)) / kPeriod;
    default:
      return kTempMin + (kTempMax - kTempMin) * (i + uniform(seed_, device, n, 3)) / kPeriod;
  }
}

int64_t default_base_ms(int days_back) {
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  return (now_ms / kDayMs - days_back) * kDayMs;
}

}  // namespace gridhub::bench
