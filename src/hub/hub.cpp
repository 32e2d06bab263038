// Hub start-up and shutdown: one acceptor per io thread on a shared port, sessions, kicks, the command center.
#include "hub/hub.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>

#include "enos/envelope.hpp"
#include "enos/topic.hpp"
#include "hub/session.hpp"
#include "net/listen.hpp"

namespace gridhub::hub {

namespace asio = boost::asio;
using asio::ip::tcp;

struct Hub::Loop {
  explicit Loop(asio::io_context& io) : io(io), acceptor(io), tls_acceptor(io), retry(io), tls_retry(io) {}
  asio::io_context& io;
  tcp::acceptor acceptor, tls_acceptor;  // tls_acceptor stays closed without a TLS context
  asio::steady_timer retry, tls_retry;  // back off after an accept error such as EMFILE
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
  if (ctx_->options.tls_context) {
    uint16_t tls_port = ctx_->options.tls_port;
    for (auto& loop : loops_) {
      if (auto e = net::listen_shared(loop->tls_acceptor, tcp::endpoint(address, tls_port))) return e;
      tls_port = loop->tls_acceptor.local_endpoint().port();
    }
    tls_port_ = tls_port;
  }
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  ctx_->registry.mark_all_offline(now);
  ctx_->view.current();  // build the first snapshot before devices arrive
  ctx_->commands.start(now);  // open commands back in their queues before their devices log in
  for (auto& loop : loops_) do_accept(*loop);
  spdlog::info("MQTT listening on {}:{} ({} loops)", ctx_->options.bind, port_, loops_.size());
  if (tls_port_) {
    for (auto& loop : loops_) do_accept_tls(*loop);
    spdlog::info("MQTT/TLS listening on {}:{}", ctx_->options.bind, tls_port_);
  }
  return {};
}

void Hub::retry_accept(Loop& loop, void (Hub::*again)(Loop&)) {
  auto& timer = again == &Hub::do_accept ? loop.retry : loop.tls_retry;
  timer.expires_after(std::chrono::milliseconds(100));
  timer.async_wait([this, &loop, again](boost::system::error_code e) {
    if (!e && !stopped_) (this->*again)(loop);
  });
}

void Hub::do_accept_tls(Loop& loop) {
  loop.tls_acceptor.async_accept([this, &loop](boost::system::error_code ec, tcp::socket socket) {
    if (stopped_ || ec == asio::error::operation_aborted) return;
    if (ec) {
      spdlog::warn("TLS accept: {}", ec.message());
      return retry_accept(loop, &Hub::do_accept_tls);
    }
    std::make_shared<Session>(std::move(socket), ctx_, loop.live, ctx_->options.tls_context.get())->start();
    do_accept_tls(loop);
  });
}

void Hub::do_accept(Loop& loop) {
  loop.acceptor.async_accept([this, &loop](boost::system::error_code ec, tcp::socket socket) {
    if (stopped_ || ec == asio::error::operation_aborted) return;
    if (ec) {
      // Out of descriptors and the like: retry shortly instead of spinning on the same error.
      spdlog::warn("accept: {}", ec.message());
      return retry_accept(loop, &Hub::do_accept);
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
      l->tls_acceptor.close(ec);
      l->retry.cancel();
      l->tls_retry.cancel();
      // close() erases from the set, so walk a copy.
      std::vector<Session*> sessions(l->live.begin(), l->live.end());
      for (auto* s : sessions) s->close();
    });
  }
}

bool Hub::is_online(std::string_view pk, std::string_view dk) const {
  return ctx_->directory.find(pk, dk) != nullptr;
}

void Hub::kick(std::string_view pk, std::string_view dk) {
  if (auto s = ctx_->directory.find(pk, dk)) s->kick_async(std::string(pk), std::string(dk));
}

void Hub::kick_sub_device(std::string_view gateway_pk, std::string_view gateway_dk, std::string_view pk,
                          std::string_view dk) {
  auto s = ctx_->directory.find(pk, dk);
  if (s && s == ctx_->directory.find(gateway_pk, gateway_dk)) s->kick_async(std::string(pk), std::string(dk));
}

bool Hub::notify_gateway(std::string_view gateway_pk, std::string_view gateway_dk, std::string_view op,
                         std::string_view pk, std::string_view dk) {
  auto s = ctx_->directory.find(gateway_pk, gateway_dk);
  if (!s) return false;
  std::string topic;
  enos::append_sub_device_notice_topic(gateway_pk, gateway_dk, op, topic);
  boost::json::array params{boost::json::object{{"productKey", pk}, {"deviceKey", dk}}};
  const auto id = std::to_string(ctx_->next_notice_id.fetch_add(1, std::memory_order_relaxed));
  s->send_async(std::move(topic), enos::make_command(id, "combine." + std::string(op), params), 1);
  return true;
}

}  // namespace gridhub::hub
