// Io threads and the device fleet. Every device object is touched only on its own io thread; the main thread
// talks to them through asio::post and waits on futures.
#include "commands/fleet.hpp"

#include <boost/asio/post.hpp>
#include <condition_variable>
#include <future>
#include <mutex>

namespace gridhub::bench {

namespace asio = boost::asio;

IoThreads::IoThreads(unsigned n) {
  if (n == 0) n = 1;
  for (unsigned i = 0; i < n; ++i) {
    loops_.push_back(std::make_unique<asio::io_context>(1));
    guards_.emplace_back(asio::make_work_guard(*loops_.back()));
  }
  for (auto& loop : loops_) threads_.emplace_back([io = loop.get()] { io->run(); });
}

IoThreads::~IoThreads() { stop(); }

void IoThreads::stop() {
  for (auto& g : guards_) g.reset();
  for (auto& loop : loops_) loop->stop();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

struct DeviceFleet::PerThread {
  explicit PerThread(asio::io_context& io) : pinger(io) {}
  DeviceStats stats;
  std::vector<std::unique_ptr<CommandDevice>> devices;
  asio::steady_timer pinger;
  bool closed = false;

  void schedule_ping(std::chrono::seconds every) {
    pinger.expires_after(every);
    pinger.async_wait([this, every](const boost::system::error_code& ec) {
      if (ec || closed) return;
      for (auto& d : devices) d->ping();
      schedule_ping(every);
    });
  }
};

DeviceFleet::DeviceFleet(IoThreads& threads, asio::ip::tcp::endpoint server,
                         const std::vector<DeviceCredentials>& devices, DeviceBehaviour behaviour)
    : threads_(threads), behaviour_(std::move(behaviour)) {
  for (std::size_t t = 0; t < threads.size(); ++t) per_thread_.push_back(std::make_unique<PerThread>(threads.io(t)));
  for (std::size_t i = 0; i < devices.size(); ++i) {
    auto& pt = *per_thread_[i % threads.size()];
    pt.devices.push_back(std::make_unique<CommandDevice>(threads.io(i), server, devices[i], behaviour_, pt.stats));
  }
}

DeviceFleet::~DeviceFleet() = default;

bool DeviceFleet::connect_all(std::chrono::milliseconds timeout, std::string& error) {
  std::mutex mutex;
  std::condition_variable cv;
  std::size_t done = 0, ok = 0, total = 0;
  for (auto& pt : per_thread_) total += pt->devices.size();
  const auto on_login = [&](bool success) {
    std::lock_guard lock(mutex);
    ++done;
    if (success) ++ok;
    cv.notify_all();
  };
  // Each device is started on its own thread.
  for (std::size_t t = 0; t < per_thread_.size(); ++t) {
    asio::post(threads_.io(t), [this, t, on_login] {
      auto& pt = *per_thread_[t];
      for (auto& d : pt.devices) d->start(on_login);
      pt.schedule_ping(std::chrono::seconds(std::max<int>(1, behaviour_.keepalive_s / 2)));
    });
  }
  std::unique_lock lock(mutex);
  const bool finished = cv.wait_for(lock, timeout, [&] { return done == total; });
  if (finished && ok == total) return true;
  error = std::to_string(ok) + " of " + std::to_string(total) + " devices logged in" +
          (finished ? "" : " before the timeout");
  // Callbacks still to come refer to this frame: close everything before it goes.
  lock.unlock();
  close_all();
  return false;
}

DeviceStats DeviceFleet::close_all() {
  std::vector<std::future<DeviceStats>> parts;
  for (std::size_t t = 0; t < per_thread_.size(); ++t) {
    auto promise = std::make_shared<std::promise<DeviceStats>>();
    parts.push_back(promise->get_future());
    asio::post(threads_.io(t), [this, t, promise] {
      auto& pt = *per_thread_[t];
      if (!pt.closed) {
        pt.closed = true;
        pt.pinger.cancel();
        for (auto& d : pt.devices) d->close();
      }
      promise->set_value(pt.stats);
    });
  }
  DeviceStats all;
  for (auto& f : parts) all.merge(f.get());
  return all;
}

}  // namespace gridhub::bench
