// FailureLimiter: free failures at N and N+1, doubling blocks up to the bound, the window, success
// forgetting, the key bound at N and N+1 and its sweep, and concurrent use. Time is passed in, never slept.
#include "net/failure_limiter.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace gridhub::net {
namespace {

using namespace std::chrono_literals;
using Clock = FailureLimiter::Clock;

const Clock::time_point t0 = Clock::time_point{} + 1000h;

TEST(FailureLimiter, FreeFailuresAtNPassAndNPlusOneBlocks) {
  FailureLimiter l({.free_failures = 5});
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(l.allowed("k", t0));
    EXPECT_FALSE(l.failed("k", t0)) << i;
  }
  EXPECT_TRUE(l.allowed("k", t0));
  EXPECT_TRUE(l.failed("k", t0));  // the 6th failure starts a block
  EXPECT_FALSE(l.allowed("k", t0));
  EXPECT_TRUE(l.allowed("other", t0));
}

TEST(FailureLimiter, BlockEndsExactlyAfterFirstBlock) {
  FailureLimiter l({.free_failures = 0, .first_block = 1000ms});
  EXPECT_TRUE(l.failed("k", t0));
  EXPECT_FALSE(l.allowed("k", t0 + 999ms));
  EXPECT_TRUE(l.allowed("k", t0 + 1000ms));
}

TEST(FailureLimiter, BlocksDoubleUpToMaxBlock) {
  FailureLimiter l({.free_failures = 0, .window = 3600s, .first_block = 1s, .max_block = 5s});
  auto now = t0;
  std::vector<std::chrono::milliseconds> blocks;
  for (int i = 0; i < 6; ++i) {
    EXPECT_TRUE(l.failed("k", now));
    auto end = now;
    while (!l.allowed("k", end)) end += 100ms;
    blocks.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(end - now));
    now = end;
  }
  EXPECT_EQ(blocks, (std::vector<std::chrono::milliseconds>{1s, 2s, 4s, 5s, 5s, 5s}));
}

TEST(FailureLimiter, HugeDurationsAreClampedToAYearWithoutOverflow) {
  // Found by UBSan: a block of milliseconds::max() / 8 overflowed when added to a steady_clock time.
  FailureLimiter l({.free_failures = 0,
                    .window = std::chrono::milliseconds::max(),
                    .first_block = std::chrono::milliseconds::max(),
                    .max_block = std::chrono::milliseconds::max()});
  for (int i = 0; i < 200; ++i) l.failed("k", t0);
  EXPECT_FALSE(l.allowed("k", t0 + 24h * 365 - 1ms));
  EXPECT_TRUE(l.allowed("k", t0 + 24h * 365));
}

TEST(FailureLimiter, CountRestartsAfterAQuietWindow) {
  FailureLimiter l({.free_failures = 2, .window = 60s});
  EXPECT_FALSE(l.failed("k", t0));
  EXPECT_FALSE(l.failed("k", t0 + 1s));
  // At exactly `window` after the last failure the count still holds...
  EXPECT_TRUE(l.failed("k", t0 + 61s));
  // ...but one step past it (and no block running) starts over.
  auto later = t0 + 61s + 60s + 1ms + 1s;
  EXPECT_TRUE(l.allowed("k", later));
  EXPECT_FALSE(l.failed("k", later));
  EXPECT_FALSE(l.failed("k", later));
  EXPECT_TRUE(l.failed("k", later));
}

TEST(FailureLimiter, SuccessForgetsTheKey) {
  FailureLimiter l({.free_failures = 1});
  l.failed("k", t0);
  EXPECT_TRUE(l.failed("k", t0));
  EXPECT_EQ(l.size(), 1u);
  l.succeeded("k");
  EXPECT_EQ(l.size(), 0u);
  EXPECT_TRUE(l.allowed("k", t0));
  EXPECT_FALSE(l.failed("k", t0));
  l.succeeded("never-seen");  // harmless
  EXPECT_EQ(l.size(), 1u);
}

TEST(FailureLimiter, KeyBoundAtNTracksAndNPlusOnePassesUntracked) {
  // max_keys below the shard count used to leave every shard with room for zero keys: nothing was ever
  // tracked.
  FailureLimiter l({.free_failures = 0, .window = 60s, .first_block = 10s, .max_keys = 3});
  EXPECT_TRUE(l.failed("a", t0));
  EXPECT_TRUE(l.failed("b", t0));
  EXPECT_TRUE(l.failed("c", t0));
  EXPECT_EQ(l.size(), 3u);
  EXPECT_FALSE(l.failed("d", t0));  // the 4th key is not tracked
  EXPECT_TRUE(l.allowed("d", t0));
  EXPECT_EQ(l.size(), 3u);
  // The tracked keys stay blocked meanwhile.
  EXPECT_FALSE(l.allowed("a", t0 + 1s));
  // Once they are stale, a sweep makes room.
  const auto later = t0 + 10s + 60s + 1ms;
  EXPECT_TRUE(l.failed("d", later));
  EXPECT_EQ(l.size(), 1u);
  EXPECT_FALSE(l.allowed("d", later));
}

TEST(FailureLimiter, FullTableIsSweptAtMostOncePerInterval) {
  // Interval = min(1 s, window) = 500 ms here.
  FailureLimiter l({.free_failures = 0, .window = 500ms, .first_block = 100ms, .max_keys = 1});
  EXPECT_TRUE(l.failed("a", t0));
  EXPECT_FALSE(l.failed("b", t0 + 400ms));  // full: sweeps, nothing is stale yet
  // "a" is stale from t0 + 501 ms, but the last sweep was at t0 + 400 ms: no new sweep before t0 + 900 ms.
  EXPECT_FALSE(l.failed("b", t0 + 899ms));
  EXPECT_EQ(l.size(), 1u);
  EXPECT_TRUE(l.failed("b", t0 + 900ms));
  EXPECT_EQ(l.size(), 1u);
  EXPECT_FALSE(l.allowed("b", t0 + 900ms));
}

TEST(FailureLimiter, ConcurrentFailuresNeverExceedTheBound) {
  FailureLimiter l({.free_failures = 0, .max_keys = 1000});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&l, t] {
      for (int i = 0; i < 5000; ++i) l.failed("t" + std::to_string(t) + "-" + std::to_string(i), t0);
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(l.size(), 1000u);
}

TEST(FailureLimiter, ConcurrentFailuresOfOneKeyAllCount) {
  FailureLimiter l({.free_failures = 4000, .window = 3600s});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&l] {
      for (int i = 0; i < 1000; ++i) l.failed("k", t0);
    });
  for (auto& th : threads) th.join();
  EXPECT_TRUE(l.allowed("k", t0));  // exactly 4000 failures: all free
  EXPECT_TRUE(l.failed("k", t0));   // the 4001st blocks
  EXPECT_FALSE(l.allowed("k", t0));
}

}  // namespace
}  // namespace gridhub::net
