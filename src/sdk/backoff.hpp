// Reconnect delays: exponential backoff with jitter, as a pure function (the random draw is passed in).
#pragma once
#include <chrono>
#include <cstdint>

namespace gridhub::device::detail {

// Attempt n (0 = first retry) waits a time in [d/2, d], d = min(min_delay * 2^n, max_delay), picked by
// `random` (any 64-bit value, uniformly spread). REQUIRES: 0 < min_delay <= max_delay.
std::chrono::milliseconds backoff_delay(unsigned attempt, std::chrono::milliseconds min_delay,
                                        std::chrono::milliseconds max_delay, uint64_t random);

}  // namespace gridhub::device::detail
