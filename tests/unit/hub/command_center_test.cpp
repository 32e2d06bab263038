// CommandCenter on its own (a real SQLite registry, a directory in which no device is online, the timer
// io_context running): refusals, the pending queue and its bound, expiry, cancel, records, restarts.
// Delivery to real connections is in command_delivery_test.cpp.
#include "hub/command_center.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <future>
#include <thread>

#include "hub/device_directory.hpp"
#include "hub_fixture.hpp"
#include "registry/errc.hpp"

namespace gridhub::hub {
namespace {

using registry::CommandState;
using namespace std::chrono_literals;

class CommandCenterTest : public HubFixture {
 protected:
  void SetUp() override {
    HubFixture::SetUp();
    thread_ = std::thread([this] { io_.run(); });
    center_ = make_center();
    center_->start(now());
  }
  void TearDown() override {
    center_.reset();
    guard_.reset();
    thread_.join();
    HubFixture::TearDown();
  }

  static int64_t now() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  std::unique_ptr<CommandCenter> make_center(CommandOptions o = {}) {
    return std::make_unique<CommandCenter>(io_, *registry_, directory_, o);
  }

  registry::Command command(int pending_ttl_s, int timeout_s = 30) const {
    registry::Command c;
    c.org_id = device_.org_id;
    c.asset_id = device_.asset_id;
    c.product_key = device_.product_key;
    c.device_key = device_.device_key;
    c.tsl_identifier = "high_frequency_report_service";
    c.command_name = {{"defaultValue", "high_frequency_report_service"}};
    c.input_data = R"({"interval":2})";
    c.pending_ttl_s = pending_ttl_s;
    c.timeout_s = timeout_s;
    return c;
  }
  CommandOutcome submit(CommandCenter& center, registry::Command c) {
    std::promise<CommandOutcome> p;
    auto f = p.get_future();
    center.submit(std::move(c), [&p](CommandOutcome o) { p.set_value(std::move(o)); });
    EXPECT_EQ(f.wait_for(10s), std::future_status::ready);
    return f.get();
  }
  registry::Command stored(CommandCenter& center, int64_t id) {
    center.flush();
    auto c = registry_->get_command(org_, id);
    EXPECT_TRUE(c) << "command " << id << ": " << (c ? "" : c.error().message());
    return c ? *c : registry::Command{};
  }

  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_ =
      boost::asio::make_work_guard(io_);
  std::thread thread_;
  DeviceDirectory directory_;
  std::unique_ptr<CommandCenter> center_;
};

TEST_F(CommandCenterTest, ImmediateCommandToAnOfflineDeviceIs11900AndLeavesNoRecord) {
  auto o = submit(*center_, command(0));
  EXPECT_EQ(o.code, kCommandDeviceOffline);
  EXPECT_EQ(o.command.command_id, 0);
  center_->flush();
  EXPECT_EQ(registry_->search_commands(org_, {}, {1, 10}).total, 0);
  EXPECT_EQ(center_->stats().refused_offline, 1u);
}

TEST_F(CommandCenterTest, SubmitBeforeStartAndAfterStopIs99500) {
  auto fresh = make_center();
  EXPECT_EQ(submit(*fresh, command(60)).code, 99500);
  center_->stop();
  EXPECT_EQ(submit(*center_, command(60)).code, 99500);
  center_->stop();  // idempotent
}

TEST_F(CommandCenterTest, PendingCommandIsAnsweredOnceDurableAndStaysCreated) {
  const int64_t before = now();
  auto o = submit(*center_, command(600));
  ASSERT_EQ(o.code, 0) << o.message;
  ASSERT_GT(o.command.command_id, 0);
  EXPECT_EQ(o.command.state, CommandState::Created);
  // Durable before the answer: readable without flush().
  auto c = registry_->get_command(org_, o.command.command_id);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->state, CommandState::Created);
  EXPECT_EQ(c->input_data, R"({"interval":2})");
  EXPECT_EQ(c->pending_ttl_s, 600);
  EXPECT_GE(c->create_time, before);
  auto next = submit(*center_, command(600));
  EXPECT_EQ(next.command.command_id, o.command.command_id + 1);
}

TEST_F(CommandCenterTest, FiftyPendingCommandsAreQueuedAndTheFiftyFirstIs11902) {
  int64_t first = 0;
  for (int i = 0; i < 50; ++i) {
    auto o = submit(*center_, command(600));
    ASSERT_EQ(o.code, 0) << i;
    if (i == 0) first = o.command.command_id;
  }
  auto refused = submit(*center_, command(600));
  EXPECT_EQ(refused.code, kCommandCacheFull);
  EXPECT_EQ(refused.command.command_id, 0);
  center_->flush();
  EXPECT_EQ(registry_->search_commands(org_, {}, {1, 100}).total, 50);
  // Another device has its own bound.
  registry::Device other;
  other.org_id = org_;
  other.product_key = product_.product_key;
  other.name = {{"defaultValue", "other"}};
  auto d = registry_->create_device(other);
  ASSERT_TRUE(d);
  auto c = command(600);
  c.device_key = d->device_key;
  c.asset_id = d->asset_id;
  EXPECT_EQ(submit(*center_, c).code, 0);
  // Canceling one makes room for exactly one.
  auto canceled = center_->cancel(org_, device_.product_key, device_.device_key, first);
  ASSERT_TRUE(canceled) << canceled.error().message();
  EXPECT_EQ(submit(*center_, command(600)).code, 0);
  EXPECT_EQ(submit(*center_, command(600)).code, kCommandCacheFull);
}

TEST_F(CommandCenterTest, TheBoundIsAnOption) {
  CommandOptions o;
  o.max_pending_per_device = 2;
  center_ = make_center(o);
  center_->start(now());
  EXPECT_EQ(submit(*center_, command(600)).code, 0);
  EXPECT_EQ(submit(*center_, command(600)).code, 0);
  EXPECT_EQ(submit(*center_, command(600)).code, kCommandCacheFull);
}

TEST_F(CommandCenterTest, UndeliveredPendingCommandExpiresAfterItsTtl) {
  auto o = submit(*center_, command(1));
  ASSERT_EQ(o.code, 0);
  EXPECT_EQ(stored(*center_, o.command.command_id).state, CommandState::Created);
  std::this_thread::sleep_for(1300ms);
  auto c = stored(*center_, o.command.command_id);
  EXPECT_EQ(c.state, CommandState::Expired);
  EXPECT_EQ(center_->stats().expired, 1u);
  // An expired command frees its place in the queue and can no longer be canceled.
  auto again = center_->cancel(org_, device_.product_key, device_.device_key, o.command.command_id);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error(), registry::errc::invalid_argument);
}

TEST_F(CommandCenterTest, CancelOneThenAllOfTheDevice) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(submit(*center_, command(600)).command.command_id);
  auto one = center_->cancel(org_, device_.product_key, device_.device_key, ids[1]);
  ASSERT_TRUE(one);
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].command_id, ids[1]);
  EXPECT_EQ((*one)[0].state, CommandState::Canceled);
  EXPECT_EQ(stored(*center_, ids[1]).state, CommandState::Canceled);
  auto twice = center_->cancel(org_, device_.product_key, device_.device_key, ids[1]);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error(), registry::errc::invalid_argument);

  auto all = center_->cancel(org_, device_.product_key, device_.device_key, 0);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].command_id, ids[0]);  // oldest first
  EXPECT_EQ((*all)[1].command_id, ids[2]);
  EXPECT_EQ(stored(*center_, ids[0]).state, CommandState::Canceled);
  auto none = center_->cancel(org_, device_.product_key, device_.device_key, 0);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST_F(CommandCenterTest, CancelOfAnotherDevicesOrOusCommandIsNotFound) {
  auto id = submit(*center_, command(600)).command.command_id;
  auto wrong_device = center_->cancel(org_, device_.product_key, "nobody", id);
  ASSERT_FALSE(wrong_device);
  EXPECT_EQ(wrong_device.error(), registry::errc::not_found);
  auto wrong_org = center_->cancel("o00000000000000", device_.product_key, device_.device_key, id);
  ASSERT_FALSE(wrong_org);
  EXPECT_EQ(wrong_org.error(), registry::errc::not_found);
  auto unknown = center_->cancel(org_, device_.product_key, device_.device_key, id + 1000);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error(), registry::errc::not_found);
  EXPECT_EQ(stored(*center_, id).state, CommandState::Created);  // untouched
}

TEST_F(CommandCenterTest, RepliesThatMatchNothingAreIgnored) {
  auto id = submit(*center_, command(600)).command.command_id;
  const std::string text = std::to_string(id);
  // Not released yet, wrong ids, junk: nothing changes and nothing crashes.
  for (std::string_view bad :
       {std::string_view(text), std::string_view("0"), std::string_view("-1"), std::string_view("abc"),
        std::string_view(""), std::string_view("99999999999999999999")})
    center_->on_reply(device_.product_key, device_.device_key, enos::TopicKind::ServiceInvocationReply, bad,
                      200, "", "{}");
  EXPECT_EQ(stored(*center_, id).state, CommandState::Created);
  EXPECT_EQ(center_->stats().replied, 0u);
}

TEST_F(CommandCenterTest, RestartQueuesCreatedCommandsAgainAndIdsKeepGrowing) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(submit(*center_, command(600)).command.command_id);
  center_.reset();  // stop(): records written
  auto restarted = make_center();
  restarted->start(now());
  // Still queued: they count against the bound (47 more fit, not 50).
  for (int i = 0; i < 47; ++i) ASSERT_EQ(submit(*restarted, command(600)).code, 0) << i;
  auto full = submit(*restarted, command(600));
  EXPECT_EQ(full.code, kCommandCacheFull);
  auto more = restarted->cancel(org_, device_.product_key, device_.device_key, 0);
  ASSERT_TRUE(more);
  ASSERT_EQ(more->size(), 50u);
  EXPECT_EQ((*more)[0].command_id, ids[0]);  // the reloaded ones first, in their order
  EXPECT_EQ((*more)[2].command_id, ids[2]);
  EXPECT_GT((*more)[3].command_id, ids[2]);
}

TEST_F(CommandCenterTest, RestartClosesWhatCannotGoOn) {
  center_.reset();
  const int64_t t = now();
  auto record = [&](int64_t id, CommandState state, int ttl, int64_t created, int64_t released, int timeout) {
    auto c = command(ttl, timeout);
    c.command_id = id;
    c.state = state;
    c.create_time = created;
    c.release_time = released;
    return c;
  };
  ASSERT_TRUE(registry_->save_commands({
      record(101, CommandState::Created, 10, t - 20'000, 0, 30),           // pending TTL passed while down
      record(102, CommandState::Created, 0, t - 1'000, 0, 30),             // immediate: its caller is gone
      record(103, CommandState::Released, 0, t - 40'000, t - 40'000, 30),  // reply window over
      record(104, CommandState::Released, 600, t - 100, t - 100, 1),       // may still be answered, for ~1 s
      record(105, CommandState::Created, 600, t - 100, 0, 30),             // queued again
  }));
  auto restarted = make_center();
  restarted->start(t);
  EXPECT_EQ(stored(*restarted, 101).state, CommandState::Expired);
  auto immediate = stored(*restarted, 102);
  EXPECT_EQ(immediate.state, CommandState::Failed);
  EXPECT_EQ(immediate.error_code, kCommandNotSentTimedOut);
  auto late = stored(*restarted, 103);
  EXPECT_EQ(late.state, CommandState::ResponseTimeout);
  EXPECT_EQ(late.error_code, kCommandNoReply);
  EXPECT_EQ(stored(*restarted, 104).state, CommandState::Released);
  EXPECT_EQ(stored(*restarted, 105).state, CommandState::Created);
  std::this_thread::sleep_for(1300ms);
  EXPECT_EQ(stored(*restarted, 104).state, CommandState::ResponseTimeout);
  // New ids start above every stored one.
  auto o = submit(*restarted, command(600));
  EXPECT_GT(o.command.command_id, 105);
}

TEST_F(CommandCenterTest, StopWritesEveryRecordChange) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(submit(*center_, command(600)).command.command_id);
  ASSERT_TRUE(center_->cancel(org_, device_.product_key, device_.device_key, 0));
  center_->stop();
  for (int64_t id : ids) {
    auto c = registry_->get_command(org_, id);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->state, CommandState::Canceled);
  }
}

TEST_F(CommandCenterTest, ARecordTheRegistryRefusesDoesNotHoldBackTheOthers) {
  // The registry refuses a negative timeout (the API never sends one). Submitted together, the bad record and
  // the good ones may share a batch: the good ones must still be written and answered.
  std::vector<std::future<CommandOutcome>> futures;
  std::vector<std::shared_ptr<std::promise<CommandOutcome>>> promises;
  for (int i = 0; i < 6; ++i) {
    auto p = std::make_shared<std::promise<CommandOutcome>>();
    futures.push_back(p->get_future());
    auto c = command(600);
    if (i == 2) c.timeout_s = -1;
    center_->submit(c, [p](CommandOutcome o) { p->set_value(std::move(o)); });
  }
  for (int i = 0; i < 6; ++i) {
    ASSERT_EQ(futures[i].wait_for(10s), std::future_status::ready) << i;
    auto o = futures[i].get();
    if (i == 2) {
      EXPECT_EQ(o.code, 99500);
      continue;
    }
    EXPECT_EQ(o.code, 0) << i << ": " << o.message;
    EXPECT_EQ(stored(*center_, o.command.command_id).state, CommandState::Created);
  }
  // The refused command left its queue: 46 more pending fit (5 + 45 = 50), not 45.
  for (int i = 0; i < 45; ++i) ASSERT_EQ(submit(*center_, command(600)).code, 0) << i;
  EXPECT_EQ(submit(*center_, command(600)).code, kCommandCacheFull);
}

}  // namespace
}  // namespace gridhub::hub
