// Exponential backoff with "equal jitter": half the delay is fixed, half random, so a fleet reconnecting
// after a hub restart spreads out instead of arriving in waves.
#include "sdk/backoff.hpp"

namespace gridhub::device::detail {

std::chrono::milliseconds backoff_delay(unsigned attempt, std::chrono::milliseconds min_delay,
                                        std::chrono::milliseconds max_delay, uint64_t random) {
  int64_t d = min_delay.count();
  const int64_t cap = max_delay.count();
  for (unsigned i = 0; i < attempt && d < cap; ++i) d *= 2;  // no overflow: stops once past the cap
  if (d > cap) d = cap;
  const int64_t half = d / 2;
  const int64_t spread = d - half;  // the random part, 0..spread inclusive
  return std::chrono::milliseconds(half + static_cast<int64_t>(random % static_cast<uint64_t>(spread + 1)));
}

}  // namespace gridhub::device::detail
