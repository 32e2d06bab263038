// The benchmark's process-wide machinery: a few io threads (each with its own io_context) and the simulated
// devices spread over them, logged in and kept alive until the run ends.
#pragma once
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "commands/command_device.hpp"

namespace gridhub::bench {

class IoThreads {
 public:
  explicit IoThreads(unsigned n);
  ~IoThreads();  // stop()
  IoThreads(const IoThreads&) = delete;
  IoThreads& operator=(const IoThreads&) = delete;

  std::size_t size() const { return loops_.size(); }
  boost::asio::io_context& io(std::size_t i) { return *loops_[i % loops_.size()]; }
  // Stops every loop and joins its thread: afterwards nothing runs, and handler-owned objects may go.
  void stop();

 private:
  using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> loops_;
  std::vector<Guard> guards_;
  std::vector<std::thread> threads_;
};

class DeviceFleet {
 public:
  // `devices` must outlive the fleet; device i runs on io thread i % threads.size().
  DeviceFleet(IoThreads& threads, boost::asio::ip::tcp::endpoint server, const std::vector<DeviceCredentials>& devices,
              DeviceBehaviour behaviour);
  ~DeviceFleet();

  // Connects every device and waits until each has its CONNACK (or failed), at most `timeout`. False with
  // `error` when not all logged in.
  bool connect_all(std::chrono::milliseconds timeout, std::string& error);
  // Closes every connection (idempotent) and returns the merged counters. The io threads must be stopped
  // before the fleet is destroyed.
  DeviceStats close_all();

 private:
  struct PerThread;
  IoThreads& threads_;
  DeviceBehaviour behaviour_;
  std::vector<std::unique_ptr<PerThread>> per_thread_;
};

}  // namespace gridhub::bench
