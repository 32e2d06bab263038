// A tiny HdrHistogram-like recorder: log2 buckets split into 32 linear sub-buckets (about 3% precision), fixed
// memory, O(1) record, mergeable across threads after the run.
#pragma once
#include <array>
#include <cstdint>

namespace gridhub::bench {

class LatencyHistogram {
 public:
  // Sub-buckets per power of two: 2^5 = 32 gives a relative error below 1/32.
  static constexpr int kSubBits = 5;
  static constexpr uint64_t kSub = uint64_t{1} << kSubBits;
  // Enough buckets for any uint64_t value.
  static constexpr std::size_t kBuckets = (64 - kSubBits + 1) * kSub;

  void record(uint64_t value);
  void merge(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  uint64_t min() const { return count_ ? min_ : 0; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0.0; }
  // The highest value of the bucket that holds the q-quantile (0 < q <= 1), capped at max(): like HdrHistogram,
  // never under-reports. 0 when empty.
  uint64_t percentile(double q) const;

  // Exposed for tests of the bucket arithmetic.
  static std::size_t bucket_of(uint64_t value);
  static uint64_t bucket_high(std::size_t index);

 private:
  std::array<uint64_t, kBuckets> counts_{};
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
};

}  // namespace gridhub::bench
