// One keep-alive HTTP/1.1 connection (Boost.Beast, asynchronous) that calls invokeService in a closed loop:
// the next call is written when the previous answer has been read, cycling over its devices. Each call is
// timed from the request's write to the full response's read and its answer checked (response_check.hpp).
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "commands/call_stats.hpp"

namespace gridhub::bench {

// When calls are made and which of them are measured. Count mode (sequential phase): the first warmup_calls
// are not measured, the next measured_calls are, then the caller stops. Time mode: calls answered inside
// [window_start, window_end) are measured, and none is started at or after window_end.
struct CallSchedule {
  bool by_count = true;
  std::size_t warmup_calls = 0, measured_calls = 0;
  Clock::time_point window_start{}, window_end{};
};

struct CallerSetup {
  boost::asio::ip::tcp::endpoint server;
  std::string host_header;
  std::string token;                 // Authorization: Bearer <token>
  std::vector<std::string> targets;  // one request target per device, used round-robin
  std::string body;                  // {"inputData":{...}}
  boost::json::value expected_output;
  Clock::duration deadline{std::chrono::seconds(15)};
  unsigned give_up_after = 50;       // consecutive failures after which the caller stops (a broken server)
};

class ApiCaller {
 public:
  // `setup`, `schedule` and `stats` must outlive the caller; `stats` belongs to the caller's io thread.
  // `on_finished` runs once on that thread when the caller stops.
  ApiCaller(boost::asio::io_context& io, const CallerSetup& setup, const CallSchedule& schedule, CallStats& stats,
            std::size_t first_target, std::function<void()> on_finished);
  ApiCaller(const ApiCaller&) = delete;
  ApiCaller& operator=(const ApiCaller&) = delete;

  void start();
  bool gave_up() const { return gave_up_; }

 private:
  void connect();
  void next_call();
  void on_response(const boost::system::error_code& ec);
  // is_call: false for a failed connect (nothing was sent; never measured).
  void record(bool ok, const std::string& kind, Clock::time_point done, bool is_call);
  void transport_failure(const std::string& kind);
  void finish();

  const CallerSetup& setup_;
  const CallSchedule& schedule_;
  CallStats& stats_;
  std::function<void()> on_finished_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer deadline_;
  boost::beast::flat_buffer buffer_;
  boost::beast::http::request<boost::beast::http::string_body> request_;
  boost::beast::http::response<boost::beast::http::string_body> response_;
  std::size_t cursor_;
  std::size_t calls_started_ = 0;
  uint64_t call_seq_ = 0;  // the deadline timer only acts on the call it was armed for
  bool in_call_ = false;
  bool measured_ = false;  // count mode: whether the call in flight is measured
  bool finished_ = false, gave_up_ = false;
  bool connected_once_ = false;  // the first connect is not a reconnect
  unsigned consecutive_failures_ = 0;
  Clock::time_point sent_{};
};

}  // namespace gridhub::bench
