// Raw down requests and their in-order replies, each with its own deadline.
#include "hub/raw_exchange.hpp"

#include <boost/asio/steady_timer.hpp>

#include "enos/topic.hpp"
#include "hub/device_directory.hpp"
#include "hub/registry_view.hpp"
#include "hub/session.hpp"

namespace gridhub::hub {

struct RawExchange::Pending {
  explicit Pending(boost::asio::io_context& io) : timer(io) {}
  boost::asio::steady_timer timer;
  Done done;
};

bool RawExchange::send(std::string_view pk, std::string_view dk, std::string bytes, std::chrono::milliseconds timeout,
                       Done done) {
  auto session = directory_.find(pk, dk);
  if (!session) return false;
  const std::string key = device_key_of(pk, dk);
  auto p = std::make_shared<Pending>(timers_);
  p->done = std::move(done);
  {
    std::lock_guard lock(mutex_);
    auto& queue = waiting_[key];
    if (queue.size() >= kMaxPendingRawPerDevice) return false;
    queue.push_back(p);
  }
  p->timer.expires_after(timeout);
  p->timer.async_wait([this, key, p](boost::system::error_code ec) {
    if (!ec) expire(key, p);
  });
  std::string topic;
  enos::append_down_raw_topic(pk, dk, topic);
  session->send_async(std::move(topic), std::move(bytes), 1);
  return true;
}

void RawExchange::on_reply(std::string_view pk, std::string_view dk, std::string_view bytes) {
  std::shared_ptr<Pending> p;
  {
    std::lock_guard lock(mutex_);
    auto it = waiting_.find(device_key_of(pk, dk));
    if (it == waiting_.end() || it->second.empty()) return;  // nobody asked, or it expired
    p = std::move(it->second.front());
    it->second.pop_front();
    if (it->second.empty()) waiting_.erase(it);
  }
  p->timer.cancel();
  p->done(std::string(bytes));
}

void RawExchange::expire(const std::string& key, const std::shared_ptr<Pending>& p) {
  {
    std::lock_guard lock(mutex_);
    auto it = waiting_.find(key);
    if (it == waiting_.end()) return;
    auto& queue = it->second;
    auto pos = std::find(queue.begin(), queue.end(), p);
    if (pos == queue.end()) return;  // answered meanwhile
    queue.erase(pos);
    if (queue.empty()) waiting_.erase(it);
  }
  p->done(std::nullopt);
}

}  // namespace gridhub::hub
