// The presence queue: merging per device, overlaying reads, batching and putting back failed batches.
#include "registry/presence_queue.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace gridhub::registry {
namespace {

Device stored(const std::string& pk, const std::string& dk) {
  Device d;
  d.product_key = pk;
  d.device_key = dk;
  return d;
}

TEST(PresenceQueue, FirstLoginActivatesAndLaterEventsMerge) {
  PresenceQueue q;
  q.online("pk", "dk", 100);
  q.offline("pk", "dk", 150);
  q.online("pk", "dk", 200);
  Device d = stored("pk", "dk");
  q.apply(d);
  EXPECT_TRUE(d.online);
  EXPECT_TRUE(d.activated);
  EXPECT_EQ(d.active_time, 100);
  EXPECT_EQ(d.last_online_time, 200);
  EXPECT_EQ(d.last_offline_time, 150);
}

TEST(PresenceQueue, AlreadyActivatedDeviceKeepsItsActiveTime) {
  PresenceQueue q;
  q.online("pk", "dk", 500);
  Device d = stored("pk", "dk");
  d.activated = true;
  d.active_time = 7;
  q.apply(d);
  EXPECT_EQ(d.active_time, 7);
  EXPECT_EQ(d.last_online_time, 500);
}

TEST(PresenceQueue, KeysOfDifferentSplitsDoNotCollide) {
  PresenceQueue q;
  q.online("ab", "cdef", 1);
  Device other = stored("abc", "def");
  q.apply(other);
  EXPECT_FALSE(other.online);
  Device same = stored("ab", "cdef");
  q.apply(same);
  EXPECT_TRUE(same.online);
}

TEST(PresenceQueue, TakeRemovesAtMostMaxAndSplitsKeys) {
  PresenceQueue q;
  for (int i = 0; i < 5; ++i) q.online("pk", "dev" + std::to_string(i), i + 1);
  auto first = q.take(3);
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first[0].product_key(), "pk");
  EXPECT_EQ(first[0].device_key().substr(0, 3), "dev");
  EXPECT_EQ(q.take(10).size(), 2u);
  EXPECT_TRUE(q.empty());
}

TEST(PresenceQueue, PutBackKeepsNewerChanges) {
  PresenceQueue q;
  q.online("pk", "dk", 100);
  auto batch = q.take(10);
  q.offline("pk", "dk", 300);  // queued while the batch was being written
  q.put_back(std::move(batch));
  Device d = stored("pk", "dk");
  q.apply(d);
  EXPECT_FALSE(d.online);
  EXPECT_TRUE(d.activated);
  EXPECT_EQ(d.active_time, 100);
  EXPECT_EQ(d.last_online_time, 100);
  EXPECT_EQ(d.last_offline_time, 300);
}

TEST(PresenceQueue, TakeOneRemovesOnlyThatDevice) {
  PresenceQueue q;
  q.online("pk", "a", 1);
  q.online("pk", "b", 2);
  PresenceDelta delta;
  EXPECT_TRUE(q.take_one("pk", "a", delta));
  EXPECT_EQ(delta.first_online, 1);
  EXPECT_FALSE(q.take_one("pk", "a", delta));
  EXPECT_EQ(q.take(10).size(), 1u);
}

TEST(PresenceQueue, WaitForBatchWakesOnWorkAndStop) {
  PresenceQueue q;
  std::thread producer([&] { q.online("pk", "dk", 1); });
  EXPECT_TRUE(q.wait_for_batch(std::chrono::milliseconds(1)));
  producer.join();
  std::thread stopper([&] { q.stop(); });
  q.take(10);
  EXPECT_FALSE(q.wait_for_batch(std::chrono::milliseconds(1)));
  stopper.join();
  EXPECT_FALSE(q.pause(std::chrono::milliseconds(1000)));
}

}  // namespace
}  // namespace gridhub::registry
