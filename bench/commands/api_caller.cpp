// The API side of the round trip. One call at a time per connection; a call the server does not answer
// within the deadline is counted and its connection reset, so a stuck server cannot hang the benchmark.
// Asio rule kept throughout: a new operation starts only when the previous one's handler has run (the
// buffer and message are reused), which is why a deadline only closes the socket and lets the aborted
// operation's handler continue.
#include "commands/api_caller.hpp"

#include <boost/asio/connect.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "commands/response_check.hpp"

namespace gridhub::bench {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;

namespace {

constexpr std::size_t kFailureSampleBytes = 300;

}  // namespace

ApiCaller::ApiCaller(asio::io_context& io, const CallerSetup& setup, const CallSchedule& schedule, CallStats& stats,
                     std::size_t first_target, std::function<void()> on_finished)
    : setup_(setup),
      schedule_(schedule),
      stats_(stats),
      on_finished_(std::move(on_finished)),
      socket_(io),
      deadline_(io),
      cursor_(setup.targets.empty() ? 0 : first_target % setup.targets.size()) {
  request_.method(http::verb::post);
  request_.version(11);
  request_.set(http::field::host, setup.host_header);
  request_.set(http::field::authorization, "Bearer " + setup.token);
  request_.set(http::field::content_type, "application/json");
  request_.keep_alive(true);
  request_.body() = setup.body;
  request_.prepare_payload();
}

void ApiCaller::start() {
  if (setup_.targets.empty()) return finish();
  next_call();
}

void ApiCaller::connect() {
  socket_.async_connect(setup_.server, [this](const error_code& ec) {
    if (finished_) return;
    if (ec) {
      error_code ignored;
      socket_.close(ignored);
      record(false, "connect: " + ec.message(), Clock::now(), false);
      // Not a call: nothing was sent. Try again unless the caller gave up (a server that is gone).
      if (gave_up_) return finish();
      deadline_.expires_after(std::chrono::milliseconds(100));
      return deadline_.async_wait([this](const error_code&) { next_call(); });
    }
    error_code ignored;
    socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
    buffer_.clear();
    next_call();
  });
}

void ApiCaller::next_call() {
  if (finished_) return;
  if (gave_up_) return finish();
  if (schedule_.by_count) {
    if (calls_started_ >= schedule_.warmup_calls + schedule_.measured_calls) return finish();
  } else if (Clock::now() >= schedule_.window_end) {
    return finish();
  }
  if (!socket_.is_open()) {
    if (connected_once_) ++stats_.reconnects;
    connected_once_ = true;
    return connect();
  }
  measured_ = schedule_.by_count && calls_started_ >= schedule_.warmup_calls;
  ++calls_started_;
  request_.target(setup_.targets[cursor_]);
  cursor_ = (cursor_ + 1) % setup_.targets.size();
  response_ = {};
  in_call_ = true;
  const uint64_t seq = ++call_seq_;
  deadline_.expires_after(setup_.deadline);
  deadline_.async_wait([this, seq](const error_code& ec) {
    if (ec || seq != call_seq_ || !in_call_) return;
    in_call_ = false;
    record(false, "client deadline", Clock::now(), true);
    error_code ignored;
    socket_.close(ignored);  // the pending write or read completes with an error and goes on from there
  });
  sent_ = Clock::now();
  http::async_write(socket_, request_, [this](const error_code& ec, std::size_t) {
    if (!in_call_) return next_call();  // the deadline took this call
    if (ec) return transport_failure("write: " + ec.message());
    http::async_read(socket_, buffer_, response_, [this](const error_code& e, std::size_t) {
      if (!in_call_) return next_call();
      on_response(e);
    });
  });
}

void ApiCaller::on_response(const error_code& ec) {
  if (ec) return transport_failure("read: " + ec.message());
  const auto done = Clock::now();
  in_call_ = false;
  deadline_.cancel();
  const std::string kind = check_invoke_response(response_.result_int(), response_.body(), setup_.expected_output);
  record(kind.empty(), kind, done, true);
  if (!response_.keep_alive()) {
    error_code ignored;
    socket_.close(ignored);
  }
  next_call();
}

void ApiCaller::record(bool ok, const std::string& kind, Clock::time_point done, bool is_call) {
  const bool measured = is_call && (schedule_.by_count ? measured_
                                                       : done >= schedule_.window_start && done < schedule_.window_end);
  if (ok) {
    ++stats_.ok_total;
    consecutive_failures_ = 0;
    if (measured) {
      ++stats_.ok;
      stats_.latency_ns.push_back(
          static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(done - sent_).count()));
    }
    return;
  }
  ++stats_.failed_total;
  ++stats_.failures[kind];
  if (measured) ++stats_.failed;
  if (stats_.first_failure.empty()) {
    std::string body = is_call ? response_.body().substr(0, kFailureSampleBytes) : std::string();
    stats_.first_failure = kind + (body.empty() ? "" : ": " + body);
  }
  if (++consecutive_failures_ >= setup_.give_up_after) gave_up_ = true;
}

void ApiCaller::transport_failure(const std::string& kind) {
  in_call_ = false;
  deadline_.cancel();
  record(false, kind, Clock::now(), true);
  error_code ignored;
  socket_.close(ignored);
  buffer_.clear();
  next_call();
}

void ApiCaller::finish() {
  if (finished_) return;
  finished_ = true;
  error_code ignored;
  deadline_.cancel();
  socket_.close(ignored);
  if (on_finished_) on_finished_();
}

}  // namespace gridhub::bench
