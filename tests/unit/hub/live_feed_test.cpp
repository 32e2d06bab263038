// LiveFeed: subscriptions, delivery on the subscriber's executor, the watched() fast path, the bound at N and N+1.
#include "hub/live_feed.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <thread>

namespace gridhub::hub {
namespace {

tsdb::Sample sample(std::string asset, std::string point, int64_t t, double v) {
  tsdb::Sample s;
  s.asset_id = std::move(asset);
  s.point_id = std::move(point);
  s.time_ms = t;
  s.value = tsdb::Value::of_double(v);
  return s;
}

TEST(LiveFeed, NobodyWatchingCollectsNothing) {
  LiveFeed feed;
  EXPECT_FALSE(feed.watched());
  EXPECT_TRUE(feed.collect({sample("a1", "p", 1, 1.5)}).empty());
}

TEST(LiveFeed, DeliversOnSubscriberExecutorOnly) {
  LiveFeed feed;
  boost::asio::io_context io;
  std::vector<std::shared_ptr<const LiveUpdate>> got;
  std::thread::id called_on;
  auto sub = feed.subscribe("a1", io.get_executor(), [&](const std::shared_ptr<const LiveUpdate>& u) {
    called_on = std::this_thread::get_id();
    got.push_back(u);
  });
  ASSERT_TRUE(sub);
  EXPECT_TRUE(feed.watched());
  EXPECT_EQ(feed.subscriptions(), 1u);
  auto updates = feed.collect({sample("a1", "temp", 10, 0.1), sample("a1", "hum", 10, 2.5),
                               sample("a2", "temp", 10, 9.0), sample("a1", "temp", 20, 0.3)});
  ASSERT_EQ(updates.size(), 2u);  // a2 is not watched; a1 at 10 and at 20
  std::thread publisher([&] {
    for (const auto& u : updates) feed.publish(u);
  });
  publisher.join();
  EXPECT_TRUE(got.empty());  // posted, not called on the publishing thread
  io.run();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(called_on, std::this_thread::get_id());
  const auto& m = std::get<LiveMeasurepoints>(*got[0]);
  EXPECT_EQ(m.asset_id, "a1");
  EXPECT_EQ(m.time_ms, 10);
  ASSERT_EQ(m.points.size(), 2u);
  EXPECT_EQ(m.points[0].first, "temp");
  EXPECT_EQ(m.points[0].second.d, 0.1);
  EXPECT_EQ(m.points[1].first, "hum");
  EXPECT_EQ(std::get<LiveMeasurepoints>(*got[1]).time_ms, 20);
}

TEST(LiveFeed, PresenceOnlyForWatchedDevices) {
  LiveFeed feed;
  boost::asio::io_context io;
  std::vector<std::shared_ptr<const LiveUpdate>> got;
  auto sub = feed.subscribe("a1", io.get_executor(), [&](const auto& u) { got.push_back(u); });
  ASSERT_TRUE(sub);
  feed.presence("a2", "pk", "other", true, 5);
  feed.presence("a1", "pk", "dk", true, 7);
  io.run();
  ASSERT_EQ(got.size(), 1u);
  const auto& p = std::get<LivePresence>(*got[0]);
  EXPECT_EQ(p.device_key, "dk");
  EXPECT_TRUE(p.online);
  EXPECT_EQ(p.time_ms, 7);
}

TEST(LiveFeed, UnsubscribeStopsDeliveryAndCount) {
  LiveFeed feed;
  boost::asio::io_context io;
  int calls = 0;
  auto a = feed.subscribe("a1", io.get_executor(), [&](const auto&) { ++calls; });
  auto b = feed.subscribe("a1", io.get_executor(), [&](const auto&) { calls += 100; });
  ASSERT_TRUE(a && b);
  EXPECT_EQ(feed.subscriptions(), 2u);
  feed.unsubscribe(*b);
  feed.unsubscribe(*b);  // twice: no effect
  EXPECT_EQ(feed.subscriptions(), 1u);
  feed.presence("a1", "pk", "dk", false, 1);
  io.run();
  EXPECT_EQ(calls, 1);
  feed.unsubscribe(*a);
  EXPECT_FALSE(feed.watched());
  EXPECT_TRUE(feed.collect({sample("a1", "p", 1, 1)}).empty());
  feed.unsubscribe(LiveSubscription{});  // id 0: nothing
  EXPECT_EQ(feed.subscriptions(), 0u);
}

TEST(LiveFeed, BoundAtNAndNPlusOne) {
  LiveFeed feed;
  boost::asio::io_context io;
  std::vector<LiveSubscription> subs;
  for (std::size_t i = 0; i < kMaxLiveSubscriptions; ++i) {
    auto s = feed.subscribe("a" + std::to_string(i % 100), io.get_executor(), [](const auto&) {});
    ASSERT_TRUE(s) << i;
    subs.push_back(*s);
  }
  EXPECT_EQ(feed.subscriptions(), kMaxLiveSubscriptions);
  EXPECT_FALSE(feed.subscribe("x", io.get_executor(), [](const auto&) {}));  // N+1
  EXPECT_EQ(feed.subscriptions(), kMaxLiveSubscriptions);
  feed.unsubscribe(subs.back());
  EXPECT_TRUE(feed.subscribe("x", io.get_executor(), [](const auto&) {}));  // room again
}

}  // namespace
}  // namespace gridhub::hub
