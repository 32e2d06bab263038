// Bucket arithmetic of LatencyHistogram: values below 2*kSub are exact, above they share a bucket with
// neighbours within 1/kSub of them.
#include "loadgen/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace gridhub::bench {

std::size_t LatencyHistogram::bucket_of(uint64_t value) {
  if (value < kSub) return static_cast<std::size_t>(value);
  const int exponent = std::bit_width(value) - 1;  // >= kSubBits
  const int shift = exponent - kSubBits;
  return static_cast<std::size_t>((static_cast<uint64_t>(shift) + 1) * kSub + ((value >> shift) - kSub));
}

uint64_t LatencyHistogram::bucket_high(std::size_t index) {
  if (index < kSub) return index;
  const uint64_t shift = index / kSub - 1;
  const uint64_t mantissa = index % kSub + kSub;
  if (shift + kSubBits + 1 >= 64 && mantissa == 2 * kSub - 1) return UINT64_MAX;
  return ((mantissa + 1) << shift) - 1;
}

void LatencyHistogram::record(uint64_t value) {
  ++counts_[bucket_of(value)];
  ++count_;
  sum_ += value;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

uint64_t LatencyHistogram::percentile(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  const uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_))));
  uint64_t seen = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(bucket_high(i), max_);
  }
  return max_;
}

}  // namespace gridhub::bench
