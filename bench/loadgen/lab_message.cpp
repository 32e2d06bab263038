// The lab's simulate_measure_points() and post_measure_points(), without allocating once `out` has grown.
#include "loadgen/lab_message.hpp"

#include <charconv>

namespace gridhub::bench {

uint64_t Random::next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double Random::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

namespace {

template <typename T>
void append_number(std::string& out, T value) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, ec == std::errc() ? end : buf);
}

// Python's json prints a float with a fraction or exponent ("45.0", not "45"); keep that shape.
void append_double(std::string& out, double value) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  if (ec != std::errc()) return out.append("0.0"), void();
  std::string_view text(buf, end - buf);
  out.append(text);
  if (text.find_first_of(".eEn") == std::string_view::npos) out.append(".0");
}

}  // namespace

void LabSimulator::next_post(uint32_t id, int64_t time_ms, std::string& out) {
  using C = LabConstants;
  const uint64_t number = number_++;
  const auto cycle_number = static_cast<int64_t>(number / C::kSimulatePeriod);
  const double i = static_cast<double>(number % C::kSimulatePeriod);
  const double temp = C::kTempMin + (C::kTempMax - C::kTempMin) * (i + random_.uniform()) / C::kSimulatePeriod;
  const double voltage = C::kVolMax - (C::kVolMax - C::kVolMin) * (i + random_.uniform()) / C::kSimulatePeriod;
  const double current = C::kCurMin + (C::kCurMax - C::kCurMin) * random_.uniform();
  if (number % C::kSimulatePeriod == 0) accumulating_power_ = 0;
  accumulating_power_ += voltage * current;

  out.clear();
  out.append(R"({"id":")");
  append_number(out, id);
  out.append(R"(","version":"1.0","method":"thing.measurepoint.post","params":{"measurepoints":{"cycle_number":)");
  append_number(out, cycle_number);
  out.append(R"(,"temp":)");
  append_double(out, temp);
  out.append(R"(,"voltage":)");
  append_double(out, voltage);
  out.append(R"(,"current":)");
  append_double(out, current);
  out.append(R"(,"accumulating_power":)");
  append_double(out, accumulating_power_);
  out.append(R"(},"time":)");
  append_number(out, time_ms);
  out.append("}}");
}

}  // namespace gridhub::bench
