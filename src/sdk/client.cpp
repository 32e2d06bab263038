// Client's public methods: each posts its work to the client's strand; synchronous ones wait for it unless
// they run on the strand already (where waiting would deadlock).
#include "gridhub/device/client.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include "gridhub/device/errc.hpp"
#include "sdk/client_impl.hpp"

namespace gridhub::device {

namespace {

// Runs `f` on the strand and waits for its result (REQUIRES: not on the strand).
template <class T, class F>
T run_and_wait(detail::Strand& strand, F f) {
  auto promise = std::make_shared<std::promise<T>>();
  auto future = promise->get_future();
  asio::post(strand, [promise, f = std::move(f)]() mutable { promise->set_value(f()); });
  return future.get();
}

}  // namespace

Client::Client(Options options)
    : own_runtime_(std::make_unique<Runtime>(1)),
      impl_(std::make_shared<Impl>(own_runtime_->context(), std::move(options))) {}

Client::Client(Runtime& runtime, Options options)
    : impl_(std::make_shared<Impl>(runtime.context(), std::move(options))) {}

Client::~Client() {
  {
    auto impl = impl_;
    auto detach = [impl] {
      impl->on_connect_cb = nullptr;
      impl->on_disconnect_cb = nullptr;
      impl->on_connect_failed_cb = nullptr;
      impl->on_activated_cb = nullptr;
      impl->handlers = {};
    };
    if (impl->on_strand()) {
      detach();
      impl->begin_close();
    } else {
      auto promise = std::make_shared<std::promise<void>>();
      auto done = promise->get_future();
      asio::post(impl->strand, [impl, promise, detach] {
        detach();
        impl->close_waiters.push_back([promise] { promise->set_value(); });
        impl->begin_close();
      });
      done.wait();
    }
  }
  // Every reference of this thread to the Impl is gone before its Runtime: the io_context must outlive the
  // timers and sockets the Impl owns (handlers still holding it are destroyed with the io_context).
  impl_.reset();
  own_runtime_.reset();
}

void Client::on_connect(std::function<void()> cb) {
  asio::dispatch(impl_->strand, [impl = impl_, cb = std::move(cb)]() mutable { impl->on_connect_cb = std::move(cb); });
}
void Client::on_disconnect(std::function<void(boost::system::error_code)> cb) {
  asio::dispatch(impl_->strand,
                 [impl = impl_, cb = std::move(cb)]() mutable { impl->on_disconnect_cb = std::move(cb); });
}
void Client::on_connect_failed(std::function<void(boost::system::error_code)> cb) {
  asio::dispatch(impl_->strand,
                 [impl = impl_, cb = std::move(cb)]() mutable { impl->on_connect_failed_cb = std::move(cb); });
}
void Client::on_device_activated(std::function<void(const std::string&)> cb) {
  asio::dispatch(impl_->strand,
                 [impl = impl_, cb = std::move(cb)]() mutable { impl->on_activated_cb = std::move(cb); });
}

void Client::connect_async(std::function<void(boost::system::error_code)> done) {
  asio::post(impl_->strand, [impl = impl_, done = std::move(done)]() mutable {
    using State = Impl::State;
    if (!done) done = [](boost::system::error_code) {};
    switch (impl->state) {
      case State::connected:
        return done(make_error_code(errc::already_connected));
      case State::closing:
        return done(make_error_code(errc::closed));
      case State::connecting:
        impl->connect_waiters.push_back(std::move(done));
        return;
      case State::idle:
        impl->want_connection = true;
        impl->reconnect_timer.cancel();
        impl->connect_waiters.push_back(std::move(done));
        impl->start_connect();
        return;
    }
  });
}

boost::system::error_code Client::connect() {
  if (impl_->on_strand()) return make_error_code(errc::would_deadlock);
  auto promise = std::make_shared<std::promise<boost::system::error_code>>();
  auto future = promise->get_future();
  connect_async([promise](boost::system::error_code ec) { promise->set_value(ec); });
  // The attempt has its own timer (connect_timeout); the margin only guards against a stalled io thread.
  if (future.wait_for(impl_->opts.connect_timeout + std::chrono::seconds(5)) != std::future_status::ready)
    return make_error_code(errc::connect_timeout);
  return future.get();
}

bool Client::is_connected() const { return impl_->stats_snapshot().connected; }

void Client::publish_async(const Request& request, ResponseCallback done) {
  asio::post(impl_->strand, [impl = impl_, request, done = std::move(done)]() mutable {
    auto ec = impl->publish(request, done, false);
    if (ec && done) done(ec);
  });
}

std::future<boost::system::result<Response>> Client::publish_future(const Request& request) {
  auto promise = std::make_shared<std::promise<boost::system::result<Response>>>();
  auto future = promise->get_future();
  publish_async(request, [promise](boost::system::result<Response> r) { promise->set_value(std::move(r)); });
  return future;
}

boost::system::result<Response> Client::publish(const Request& request) {
  if (impl_->on_strand()) return make_error_code(errc::would_deadlock);
  auto future = publish_future(request);
  if (future.wait_for(impl_->opts.operation_timeout + std::chrono::seconds(5)) != std::future_status::ready)
    return make_error_code(errc::timeout);
  return future.get();
}

boost::system::error_code Client::fast_publish(const Request& request) {
  if (impl_->on_strand()) return impl_->publish(request, nullptr, true);
  return run_and_wait<boost::system::error_code>(
      impl_->strand, [impl = impl_, request] { return impl->publish(request, nullptr, true); });
}

void Client::set_command_handler(CommandClass c, CommandHandler handler) {
  const auto i = static_cast<std::size_t>(c);
  if (i >= kCommandClassCount) return;
  asio::dispatch(impl_->strand,
                 [impl = impl_, i, h = std::move(handler)]() mutable { impl->handlers[i] = std::move(h); });
}

boost::system::error_code Client::reply(const Command& command, const Reply& reply) {
  if (impl_->on_strand()) return impl_->send_reply(command, reply);
  return run_and_wait<boost::system::error_code>(
      impl_->strand, [impl = impl_, command, reply] { return impl->send_reply(command, reply); });
}

void Client::close() {
  auto impl = impl_;
  if (impl->on_strand()) return impl->begin_close();
  auto promise = std::make_shared<std::promise<void>>();
  auto done = promise->get_future();
  asio::post(impl->strand, [impl, promise] {
    impl->close_waiters.push_back([promise] { promise->set_value(); });
    impl->begin_close();
  });
  done.wait();
}

ClientStats Client::stats() const { return impl_->stats_snapshot(); }

const Options& Client::options() const { return impl_->opts; }

}  // namespace gridhub::device
