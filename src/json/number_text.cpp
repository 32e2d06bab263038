// exact_double: std::from_chars is correctly rounded (libstdc++ 12), unlike Boost 1.81's dec_to_float.
#include "json/number_text.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

namespace gridhub::json {

double exact_double(std::string_view text, double approx) noexcept {
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec == std::errc() && ptr == end) return value;
  if (ec == std::errc::result_out_of_range) {
    // from_chars leaves `value` alone here. Boost's reading is inf or near DBL_MAX for an overflow and 0 or a
    // subnormal for an underflow, so its magnitude tells which one this is.
    const bool negative = !text.empty() && text.front() == '-';
    const double magnitude = std::fabs(approx) >= 1 ? std::numeric_limits<double>::infinity() : 0.0;
    return negative ? -magnitude : magnitude;
  }
  // Unreachable: every JSON number is in from_chars' general format. Keep Boost's reading rather than fail.
  return approx;
}

}  // namespace gridhub::json
