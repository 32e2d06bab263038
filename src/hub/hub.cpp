// Hub start-up and shutdown: one acceptor per io thread on a shared port, sessions, kicks, the command center.
#include "hub/hub.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "hub/session.hpp"
#include "net/listen.hpp"

namespace gridhub::hub {

namespace asio = boost::asio;
using asio::ip::tcp;

struct Hub::Loop {
  explicit Loop(asio::io_context& io) : io(io), acceptor(io), retry(io) {}
  asio::io_context& io;
  tcp::acceptor acceptor;
  asio::steady_timer retry;  // backs off after an accept error such as EMFILE
  Session::LiveSet live;  // touched only on this loop's thread
};

Hub::Hub(std::vector<asio::io_context*> loops, registry::Registry& registry, tsdb::TimeSeriesStore& store,
         registry::EventLog& events, HubOptions options)
    : io_(std::move(loops)), view_(registry) {
  ctx_ = std::make_shared<HubContext>(view_, registry, store, events, std::move(options), *io_.front());
}

Hub::~Hub() = default;

std::error_code Hub::start() {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(ctx_->options.bind, ec);
  if (ec) return std::make_error_code(std::errc::invalid_argument);
  uint16_t port = ctx_->options.mqtt_port;
  for (auto* io : io_) {
    auto loop = std::make_unique<Loop>(*io);
    if (auto e = net::listen_shared(loop->acceptor, tcp::endpoint(address, port))) return e;
    port = loop->acceptor.local_endpoint().port();  // port 0: the others join the port the first one got
    loops_.push_back(std::move(loop));
  }
  port_ = port;
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  ctx_->registry.mark_all_offline(now);
  ctx_->view.current();  // build the first snapshot before devices arrive
  ctx_->commands.start(now);  // open commands back in their queues before their devices log in
  for (auto& loop : loops_) do_accept(*loop);
  spdlog::info("MQTT listening on {}:{} ({} loops)", ctx_->options.bind, port_, loops_.size());
  return {};
}

void Hub::do_accept(Loop& loop) {
  loop.acceptor.async_accept([this, &loop](boost::system::error_code ec, tcp::socket socket) {
    if (stopped_ || ec == asio::error::operation_aborted) return;
    if (ec) {
      // Out of descriptors and the like: retry shortly instead of spinning on the same error.
      spdlog::warn("accept: {}", ec.message());
      loop.retry.expires_after(std::chrono::milliseconds(100));
      loop.retry.async_wait([this, &loop](boost::system::error_code e) {
        if (!e && !stopped_) do_accept(loop);
      });
      return;
    }
    std::make_shared<Session>(std::move(socket), ctx_, loop.live)->start();
    do_accept(loop);
  });
}

void Hub::stop() {
  if (stopped_.exchange(true)) return;
  // Callers waiting on a device are answered, records written and the command timer released, so that the
  // loops can drain.
  ctx_->commands.stop();
  for (auto& loop : loops_) {
    asio::post(loop->io, [l = loop.get()] {
      boost::system::error_code ec;
      l->acceptor.close(ec);
      l->retry.cancel();
      // close() erases from the set, so walk a copy.
      std::vector<Session*> sessions(l->live.begin(), l->live.end());
      for (auto* s : sessions) s->close();
    });
  }
}

bool Hub::is_online(std::string_view pk, std::string_view dk) const {
  return ctx_->directory.find(pk, dk) != nullptr;
}

void Hub::kick(std::string_view pk, std::string_view dk, bool deleted) {
  if (auto s = ctx_->directory.find(pk, dk)) s->kick_async(std::string(pk), std::string(dk), deleted);
}

}  // namespace gridhub::hub
