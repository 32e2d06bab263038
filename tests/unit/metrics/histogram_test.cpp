// Histogram buckets at their bounds, exact text, odd bound lists.
#include "metrics/histogram.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <limits>

namespace gridhub::metrics {
namespace {

TEST(Histogram, ValueOnABoundFallsInThatBucket) {
  Registry r;
  Histogram h("test_seconds", "Latency.", {0.1, 1}, r);
  h.observe(0.1);                                  // at the first bound: le="0.1"
  h.observe(std::nextafter(0.1, 1.0));             // just above it: le="1"
  h.observe(1.0);                                  // at the last bound: le="1"
  h.observe(std::nextafter(1.0, 2.0));             // just above the last: +Inf only
  EXPECT_EQ(h.cumulative_count(0), 1u);
  EXPECT_EQ(h.cumulative_count(1), 3u);
  EXPECT_EQ(h.cumulative_count(2), 4u);
  EXPECT_EQ(h.cumulative_count(99), 4u);  // past the +Inf bucket: still the total
  EXPECT_EQ(h.count(), 4u);
}

TEST(Histogram, RendersCumulativeBucketsSumAndCount) {
  Registry r;
  Histogram h("test_seconds", "Latency.", {0.005, 0.5, 2.5}, r);
  h.observe(0.001);
  h.observe(0.25);
  h.observe(0.25);
  h.observe(3.5);
  EXPECT_EQ(r.render(),
            "# HELP test_seconds Latency.\n"
            "# TYPE test_seconds histogram\n"
            "test_seconds_bucket{le=\"0.005\"} 1\n"
            "test_seconds_bucket{le=\"0.5\"} 3\n"
            "test_seconds_bucket{le=\"2.5\"} 3\n"
            "test_seconds_bucket{le=\"+Inf\"} 4\n"
            "test_seconds_sum 4.001\n"
            "test_seconds_count 4\n");
}

TEST(Histogram, EmptyHistogram) {
  Registry r;
  Histogram h("test_empty_seconds", "Nothing yet.", {1}, r);
  EXPECT_EQ(r.render(),
            "# HELP test_empty_seconds Nothing yet.\n"
            "# TYPE test_empty_seconds histogram\n"
            "test_empty_seconds_bucket{le=\"1\"} 0\n"
            "test_empty_seconds_bucket{le=\"+Inf\"} 0\n"
            "test_empty_seconds_sum 0\n"
            "test_empty_seconds_count 0\n");
}

TEST(Histogram, BoundsAreCleanedUp) {
  Registry r;
  const double inf = std::numeric_limits<double>::infinity();
  Histogram h("test_h", "H.", {2, std::nan(""), 1, 2, inf, -inf, 0.5}, r);
  EXPECT_EQ(h.upper_bounds(), (std::vector<double>{0.5, 1, 2}));
  Histogram none("test_none", "Only +Inf.", {}, r);
  none.observe(-1);
  none.observe(1e300);
  EXPECT_EQ(none.count(), 2u);
  EXPECT_NE(r.render().find("test_none_bucket{le=\"+Inf\"} 2\n"), std::string::npos);
}

TEST(Histogram, NaNIsIgnoredInfinitiesCount) {
  Registry r;
  Histogram h("test_h", "H.", {1}, r);
  h.observe(std::nan(""));
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.sum(), 0.0);
  h.observe(-std::numeric_limits<double>::infinity());
  EXPECT_EQ(h.cumulative_count(0), 1u);
  h.observe(std::numeric_limits<double>::infinity());
  EXPECT_EQ(h.cumulative_count(0), 1u);
  EXPECT_EQ(h.count(), 2u);
}

TEST(Histogram, DurationsInSeconds) {
  Registry r;
  Histogram h("test_seconds", "S.", {0.001, 0.01}, r);
  h.observe(std::chrono::microseconds(1000));  // exactly 1 ms: le="0.001"
  h.observe(std::chrono::milliseconds(5));
  EXPECT_EQ(h.cumulative_count(0), 1u);
  EXPECT_EQ(h.cumulative_count(1), 2u);
  EXPECT_DOUBLE_EQ(h.sum(), 0.006);
}

TEST(Histogram, StandardBucketsAreIncreasing) {
  for (const auto& b : {fsync_seconds_buckets(), command_seconds_buckets()}) {
    ASSERT_FALSE(b.empty());
    for (std::size_t i = 1; i < b.size(); ++i) EXPECT_LT(b[i - 1], b[i]);
  }
}

}  // namespace
}  // namespace gridhub::metrics
