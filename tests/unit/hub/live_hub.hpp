// A running Hub on loopback (one io thread) over HubFixture's registry and store, with a real event log: what
// the session and command tests drive with TestDevice (test_device.hpp).
#pragma once
#include <boost/asio/executor_work_guard.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <future>
#include <optional>
#include <thread>

#include "hub/hub.hpp"
#include "hub_fixture.hpp"
#include "registry/event_log.hpp"
#include "test_device.hpp"

namespace gridhub::hub {

class LiveHub : public HubFixture {
 protected:
  void SetUp() override {
    HubFixture::SetUp();
    if (HasFatalFailure()) return;
    auto events = registry::open_sqlite_event_log((dir_ / "events.db").string());
    ASSERT_TRUE(events) << events.error().message();
    events_ = std::move(*events);
    options_.bind = "127.0.0.1";
    options_.mqtt_port = 0;
    options_.connack_delay = std::chrono::milliseconds(0);
    options_.commands.delivery_delay = std::chrono::milliseconds(100);
    configure(options_);
    start_hub();
  }
  void TearDown() override {
    stop_hub();
    events_.reset();
    HubFixture::TearDown();
  }
  // Tests adjust the options before the hub starts.
  virtual void configure(HubOptions&) {}

  void start_hub() {
    io_.restart();
    guard_.emplace(boost::asio::make_work_guard(io_));
    hub_ = std::make_unique<Hub>(std::vector<boost::asio::io_context*>{&io_}, *registry_, *store_, *events_,
                                 options_);
    ASSERT_FALSE(hub_->start());
    thread_ = std::thread([this] { io_.run(); });
  }
  // Hub::stop() from a foreign thread, then the loop drains (sessions close), as the server does.
  void stop_hub() {
    if (!hub_) return;
    hub_->stop();
    guard_.reset();
    thread_.join();
    hub_.reset();
  }

  std::unique_ptr<TestDevice> device_online() {
    auto d = std::make_unique<TestDevice>(hub_->mqtt_port());
    EXPECT_EQ(d->login(device_.product_key, device_.device_key, device_.device_secret), 0);
    return d;
  }

  // A command for the fixture's device.
  registry::Command service_command(boost::json::object input, int pending_ttl_s = 0,
                                    int timeout_s = 5) const {
    registry::Command c;
    c.org_id = device_.org_id;
    c.asset_id = device_.asset_id;
    c.product_key = device_.product_key;
    c.device_key = device_.device_key;
    c.type = registry::CommandType::InvokeService;
    c.tsl_identifier = "high_frequency_report_service";
    c.command_name = {{"defaultValue", "high_frequency_report_service"}};
    c.input_data = boost::json::serialize(input);
    c.pending_ttl_s = pending_ttl_s;
    c.timeout_s = timeout_s;
    return c;
  }
  std::string service_topic() const {
    return "/sys/" + device_.product_key + "/" + device_.device_key +
           "/thing/service/high_frequency_report_service";
  }

  // Submits and waits for the outcome (up to `wait`).
  CommandOutcome submit(registry::Command c, std::chrono::seconds wait = std::chrono::seconds(10)) {
    auto [future, done] = async_submit();
    hub_->commands().submit(std::move(c), std::move(done));
    EXPECT_EQ(future.wait_for(wait), std::future_status::ready);
    return future.get();
  }
  // A future and the callback that fulfils it.
  std::pair<std::future<CommandOutcome>, CommandDone> async_submit() {
    auto promise = std::make_shared<std::promise<CommandOutcome>>();
    auto future = promise->get_future();
    return {std::move(future), [promise](CommandOutcome o) { promise->set_value(std::move(o)); }};
  }
  registry::Command stored(int64_t id) {
    hub_->commands().flush();
    auto c = registry_->get_command(org_, id);
    EXPECT_TRUE(c) << "command " << id;
    return c ? *c : registry::Command{};
  }

  HubOptions options_;
  std::unique_ptr<registry::EventLog> events_;
  boost::asio::io_context io_{1};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard_;
  std::unique_ptr<Hub> hub_;
  std::thread thread_;
};

}  // namespace gridhub::hub
