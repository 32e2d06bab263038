#include "sdk/backoff.hpp"

#include <gtest/gtest.h>

#include <random>

using gridhub::device::detail::backoff_delay;
using ms = std::chrono::milliseconds;

TEST(Backoff, DoublesFromTheMinimumWithinHalfToFull) {
  std::mt19937_64 rng(7);
  for (unsigned attempt = 0; attempt < 6; ++attempt) {
    const int64_t d = 1000LL << attempt;
    for (int k = 0; k < 200; ++k) {
      auto v = backoff_delay(attempt, ms(1000), ms(60'000), rng()).count();
      EXPECT_GE(v, d / 2);
      EXPECT_LE(v, d);
    }
  }
}

TEST(Backoff, ExtremesOfTheRandomDrawReachBothEnds) {
  EXPECT_EQ(backoff_delay(0, ms(1000), ms(60'000), 0).count(), 500);
  EXPECT_EQ(backoff_delay(0, ms(1000), ms(60'000), 500).count(), 1000);  // 500 % 501 = 500: the top
  EXPECT_EQ(backoff_delay(0, ms(1000), ms(60'000), 501).count(), 500);
}

TEST(Backoff, CappedAtTheMaximumEvenForHugeAttempts) {
  for (unsigned attempt : {6u, 7u, 63u, 64u, 1000u, ~0u}) {
    auto v = backoff_delay(attempt, ms(1000), ms(60'000), ~0ULL).count();
    EXPECT_GE(v, 30'000);
    EXPECT_LE(v, 60'000);
  }
}

TEST(Backoff, JitterSpreadsAFleet) {
  std::mt19937_64 rng(1);
  std::set<int64_t> seen;
  for (int k = 0; k < 100; ++k) seen.insert(backoff_delay(3, ms(1000), ms(60'000), rng()).count());
  EXPECT_GT(seen.size(), 50u);
}
