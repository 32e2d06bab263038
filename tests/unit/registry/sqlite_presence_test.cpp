// Presence in the SQLite registry: queued changes visible at once, written in batches, durable after flush
// or close, mark_all_offline, interplay with disable/delete, and concurrent use from several threads.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "registry/limits.hpp"
#include "registry_fixture.hpp"

namespace gridhub::registry::testing {
namespace {

using DF = DeviceFilter;

class SqlitePresence : public RegistryTest {
 protected:
  void SetUp() override {
    RegistryTest::SetUp();
    org_ = org();
    model(org_, "M");
    pk_ = product(org_, "M", "P").product_key;
  }
  Device get(const std::string& dk) {
    auto d = reg_->get_device(org_, pk_, dk);
    EXPECT_TRUE(d) << d.error().message();
    return d ? *d : Device{};
  }
  // What the file says, read through a separate connection (sees only committed data).
  int64_t on_disk(const std::string& dk, const char* column) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(db_path().c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    std::string sql =
        std::string("SELECT ") + column + " FROM devices WHERE product_key = ?1 AND device_key = ?2";
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK);
    sqlite3_bind_text(st, 1, pk_.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, dk.c_str(), -1, SQLITE_TRANSIENT);
    int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
  }
  std::string org_, pk_;
};

TEST_F(SqlitePresence, OnlineIsVisibleAtOnceAndActivatesTheDevice) {
  device(org_, pk_, "dev1");
  reg_->device_online(pk_, "dev1", 1000);
  Device d = get("dev1");
  EXPECT_EQ(d.status(), DeviceStatus::Online);
  EXPECT_TRUE(d.activated);
  EXPECT_EQ(d.active_time, 1000);
  EXPECT_EQ(d.last_online_time, 1000);
  auto by_asset = reg_->get_device_by_asset(org_, d.asset_id);
  EXPECT_TRUE(by_asset->online);
  reg_->device_offline(pk_, "dev1", 2000);
  d = get("dev1");
  EXPECT_EQ(d.status(), DeviceStatus::Offline);
  EXPECT_EQ(d.last_offline_time, 2000);
}

TEST_F(SqlitePresence, FlushPutsChangesOnDiskAndReopenKeepsThem) {
  device(org_, pk_, "dev1");
  reg_->device_online(pk_, "dev1", 1000);
  reg_->flush();
  EXPECT_EQ(on_disk("dev1", "online"), 1);
  EXPECT_EQ(on_disk("dev1", "last_online_time"), 1000);
  reopen();
  Device d = get("dev1");
  EXPECT_TRUE(d.online);
  EXPECT_TRUE(d.activated);
  EXPECT_EQ(d.active_time, 1000);
  EXPECT_EQ(d.last_online_time, 1000);
}

TEST_F(SqlitePresence, ClosingWritesWhatIsStillQueued) {
  device(org_, pk_, "dev1");
  reg_->device_online(pk_, "dev1", 1000);
  reg_->device_offline(pk_, "dev1", 1500);
  reopen();
  Device d = get("dev1");
  EXPECT_FALSE(d.online);
  EXPECT_EQ(d.last_online_time, 1000);
  EXPECT_EQ(d.last_offline_time, 1500);
}

TEST_F(SqlitePresence, WriterThreadWritesWithoutFlush) {
  device(org_, pk_, "dev1");
  reg_->device_online(pk_, "dev1", 1000);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (on_disk("dev1", "online") != 1 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(on_disk("dev1", "online"), 1);
}

TEST_F(SqlitePresence, ActiveTimeIsTheFirstLoginOnly) {
  device(org_, pk_, "dev1");
  reg_->device_online(pk_, "dev1", 100);
  reg_->device_offline(pk_, "dev1", 200);
  reg_->flush();
  reg_->device_online(pk_, "dev1", 300);
  EXPECT_EQ(get("dev1").active_time, 100);
  reg_->flush();
  Device d = get("dev1");
  EXPECT_EQ(d.active_time, 100);
  EXPECT_EQ(d.last_online_time, 300);
  EXPECT_EQ(d.last_offline_time, 200);
}

TEST_F(SqlitePresence, ManyChangesLandAfterOneFlush) {
  for (int i = 0; i < 3000; ++i) device(org_, pk_, "dev" + std::to_string(i));
  for (int i = 0; i < 3000; ++i) reg_->device_online(pk_, "dev" + std::to_string(i), 10 + i);
  reg_->flush();
  for (int i : {0, 1234, 2048, 2999})
    EXPECT_EQ(on_disk("dev" + std::to_string(i), "last_online_time"), 10 + i);
  EXPECT_EQ(reg_->search_devices(org_, filter<DF>({{&DF::status, "online"}}), {1, 1}).total, 3000);
}

TEST_F(SqlitePresence, PresenceNeverWaitsForTheDatabase) {
  for (int i = 0; i < 100; ++i) device(org_, pk_, "dev" + std::to_string(i));
  // Another process holds the write lock: the registry cannot write, yet logins must not stall.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(db_path().c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto t0 = std::chrono::steady_clock::now();
  for (int round = 0; round < 20; ++round)
    for (int i = 0; i < 100; ++i) reg_->device_online(pk_, "dev" + std::to_string(i), 1000 + round);
  auto elapsed = std::chrono::steady_clock::now() - t0;
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the writer is now blocked on the lock
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 500);
  ASSERT_EQ(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  reg_->flush();
  EXPECT_EQ(on_disk("dev42", "last_online_time"), 1019);
}

TEST_F(SqlitePresence, MarkAllOfflineAtStartup) {
  device(org_, pk_, "dev-a");
  device(org_, pk_, "dev-b");
  device(org_, pk_, "dev-c");
  reg_->device_online(pk_, "dev-a", 100);
  reg_->flush();
  reg_->device_online(pk_, "dev-b", 200);  // still queued
  reg_->mark_all_offline(500);
  for (const char* dk : {"dev-a", "dev-b"}) {
    Device d = get(dk);
    EXPECT_FALSE(d.online) << dk;
    EXPECT_TRUE(d.activated) << dk;
    EXPECT_EQ(d.last_offline_time, 500) << dk;
    EXPECT_EQ(on_disk(dk, "online"), 0) << dk;
  }
  EXPECT_EQ(get("dev-c").status(), DeviceStatus::Inactive);
  EXPECT_EQ(get("dev-c").last_offline_time, 0) << "a device that was not online keeps its times";
  reg_->device_online(pk_, "dev-c", 600);  // after start-up, logins count again
  EXPECT_TRUE(get("dev-c").online);
}

TEST_F(SqlitePresence, DisablingAnOnlineDeviceMarksItOffline) {
  device(org_, pk_, "dev1");
  reg_->device_online(pk_, "dev1", 100);  // queued, not yet written
  ASSERT_TRUE(reg_->set_device_enabled(org_, pk_, "dev1", false, 150));
  Device d = get("dev1");
  EXPECT_EQ(d.status(), DeviceStatus::Disabled);
  EXPECT_FALSE(d.online);
  EXPECT_TRUE(d.activated);
  EXPECT_EQ(d.active_time, 100);
  EXPECT_EQ(d.last_offline_time, 150);
  reg_->flush();
  EXPECT_EQ(on_disk("dev1", "online"), 0);
  ASSERT_TRUE(reg_->set_device_enabled(org_, pk_, "dev1", true, 200));
  EXPECT_EQ(get("dev1").status(), DeviceStatus::Offline);
}

TEST_F(SqlitePresence, DeletedDeviceLeavesNoQueuedPresenceForItsSuccessor) {
  device(org_, pk_, "dev1");
  reg_->device_online(pk_, "dev1", 100);
  ASSERT_TRUE(reg_->delete_device(org_, pk_, "dev1"));
  device(org_, pk_, "dev1");
  reg_->flush();
  Device d = get("dev1");
  EXPECT_EQ(d.status(), DeviceStatus::Inactive);
  EXPECT_EQ(d.last_online_time, 0);
}

TEST_F(SqlitePresence, UnknownDevicesAreIgnored) {
  reg_->device_online("nope", "nobody", 1);
  reg_->device_offline("nope", "nobody", 2);
  reg_->flush();
  EXPECT_TRUE(reg_->all_devices().empty());
}

TEST_F(SqlitePresence, ListingsShowQueuedPresence) {
  device(org_, pk_, "dev-a");
  device(org_, pk_, "dev-b");
  reg_->device_online(pk_, "dev-b", 100);
  for (const auto& d : reg_->all_devices()) EXPECT_EQ(d.online, d.device_key == "dev-b") << d.device_key;
  for (const auto& d : reg_->search_devices(org_, {}, {1, 10}).items)
    EXPECT_EQ(d.online, d.device_key == "dev-b");
}

// Four threads at once: two create devices while two drive logins/logouts and read them back.
TEST_F(SqlitePresence, ConcurrentCreatesPresenceAndReadsFromFourThreads) {
  constexpr int kPerCreator = 250;
  for (int i = 0; i < 50; ++i) device(org_, pk_, "base" + std::to_string(i));
  std::atomic<int> errors{0};
  std::atomic<bool> creating{true};
  std::atomic<int> creators_left{2};
  auto creator = [&](int id) {
    for (int i = 0; i < kPerCreator; ++i) {
      auto r =
          reg_->create_device(device_record(org_, pk_, "t" + std::to_string(id) + "-" + std::to_string(i)));
      if (!r) ++errors;
    }
    if (--creators_left == 0) creating = false;
  };
  auto presence = [&](int id) {
    int64_t now = 1000;
    do {
      for (int i = 0; i < 50; ++i) {
        std::string dk = "base" + std::to_string(i);
        if ((i + id) % 2)
          reg_->device_online(pk_, dk, ++now);
        else
          reg_->device_offline(pk_, dk, ++now);
        if (i % 10 == 0 && !reg_->get_device(org_, pk_, dk)) ++errors;
      }
      if (reg_->search_devices(org_, {}, {1, 20}).items.size() != 20) ++errors;
      reg_->all_devices();
    } while (creating);
  };
  std::vector<std::thread> threads;
  threads.emplace_back(creator, 0);
  threads.emplace_back(creator, 1);
  threads.emplace_back(presence, 0);
  threads.emplace_back(presence, 1);
  for (auto& t : threads) t.join();
  reg_->flush();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(reg_->all_devices().size(), 50u + 2 * kPerCreator);
  EXPECT_TRUE(get("base7").activated);
}

}  // namespace
}  // namespace gridhub::registry::testing
