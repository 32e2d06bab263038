// The live stream's session: upgrade, auth, subscriptions, frames out through a bounded queue.
#include "api/live_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "api/api_call.hpp"
#include "api/auth.hpp"
#include "api/context.hpp"
#include "api/limits.hpp"
#include "hub/value_convert.hpp"
#include "json/parse.hpp"
#include "metrics/catalog.hpp"

namespace gridhub::api {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace json = boost::json;


template <class Stream>
LiveSession<Stream>::LiveSession(Stream stream, ApiContext& ctx, std::shared_ptr<void> owner)
    : owner_(std::move(owner)), ws_(std::move(stream)), ctx_(ctx), auth_timer_(ws_.get_executor()) {
  metrics::live_sessions.add();
}

template <class Stream>
LiveSession<Stream>::~LiveSession() {
  unsubscribe_all();
  metrics::live_sessions.sub();
}

template <class Stream>
void LiveSession<Stream>::start(Request req) {
  beast::get_lowest_layer(ws_).expires_never();  // the websocket stream's own timeouts take over
  beast::error_code ec;
  beast::get_lowest_layer(ws_).socket().set_option(
      boost::asio::socket_base::send_buffer_size(kLiveSendBufferBytes), ec);
  websocket::stream_base::timeout t;
  t.handshake_timeout = kRequestTimeout;
  t.idle_timeout = kLiveIdleTimeout;
  t.keep_alive_pings = true;  // a ping at half the idle timeout; a silent peer is closed at the full one
  ws_.set_option(t);
  ws_.read_message_max(kMaxLiveClientMessageBytes);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(beast::http::field::server, "gridhub"); }));
  ws_.async_accept(req, [self = shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
}

template <class Stream>
void LiveSession<Stream>::on_accept(beast::error_code ec) {
  if (ec) {
    spdlog::debug("live stream: upgrade failed: {}", ec.message());
    return close();
  }
  // Browsers cannot set Authorization on a WebSocket, and a token in the URL would end in logs: the first message
  // carries it, within kLiveAuthTimeout.
  auth_timer_.expires_after(kLiveAuthTimeout);
  auth_timer_.async_wait([self = shared_from_this()](beast::error_code tec) {
    if (tec || self->authenticated_ || self->closed_) return;
    self->fail(401, "no auth message within " + std::to_string(kLiveAuthTimeout.count()) + " s");
  });
  do_read();
}

template <class Stream>
void LiveSession<Stream>::close() {
  if (closed_) return;
  closed_ = true;
  auth_timer_.cancel();
  unsubscribe_all();
  beast::error_code ec;
  auto& socket = beast::get_lowest_layer(ws_).socket();
  socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  socket.close(ec);  // pending operations end with operation_aborted; the last handler frees the session
}

template <class Stream>
void LiveSession<Stream>::unsubscribe_all() {
  for (auto& w : watches_) ctx_.hub.live_feed().unsubscribe(w.subscription);
  watches_.clear();
}

// --- reading ------------------------------------------------------------------------------------------------

template <class Stream>
void LiveSession<Stream>::do_read() {
  if (closed_ || closing_) return;
  ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t n) { self->on_read(ec, n); });
}

template <class Stream>
void LiveSession<Stream>::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    if (ec == websocket::error::message_too_big)
      spdlog::debug("live stream: client message over {} bytes", kMaxLiveClientMessageBytes);
    return close();  // closed by the peer, timed out, too big (Beast sent close 1009), or we closed it
  }
  if (!ws_.got_text()) {
    buffer_.consume(buffer_.size());
    send_error(400, "messages are JSON text frames");
    return do_read();
  }
  const std::string text = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  handle_message(text);
  do_read();
}

namespace {
std::string field(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}
}  // namespace

template <class Stream>
void LiveSession<Stream>::handle_message(std::string_view text) {
  boost::system::error_code ec;
  json::parse_options opt;
  opt.max_depth = 8;
  const json::value v = gridhub::json::parse(text, ec, opt);
  if (ec || !v.is_object()) {
    if (!authenticated_) return fail(401, "the first message must be {\"type\":\"auth\",\"token\":...}");
    return send_error(400, ec ? "bad JSON: " + ec.message() : "a message is a JSON object");
  }
  const auto& o = v.get_object();
  const std::string type = field(o, "type");
  if (!authenticated_) {
    if (type != "auth") return fail(401, "the first message must be {\"type\":\"auth\",\"token\":...}");
    return authenticate(field(o, "token"));
  }
  if (type == "subscribe" || type == "unsubscribe") {
    const std::string pk = field(o, "productKey"), dk = field(o, "deviceKey");
    if (pk.empty() || dk.empty()) return send_error(400, type + " needs productKey and deviceKey (strings)");
    return type == "subscribe" ? subscribe(pk, dk) : unsubscribe(pk, dk);
  }
  if (type == "auth") return send_error(400, "already authenticated");
  send_error(400, "unknown message type '" + type + "' (auth, subscribe, unsubscribe)");
}

template <class Stream>
void LiveSession<Stream>::authenticate(std::string_view token) {
  // The REST API's own check, as if the token came in `Authorization: Bearer`.
  ApiRequest req;
  req.method = "GET";
  req.target = kLivePath;
  req.authorization = "Bearer " + std::string(token);
  beast::error_code ec;
  const auto peer = beast::get_lowest_layer(ws_).socket().remote_endpoint(ec);
  if (!ec) req.remote_address = peer.address().to_string();
  Query query;
  registry::ApiCredential caller;
  if (auto refusal = api::authenticate(ctx_, req, query, caller)) {
    std::string message = "invalid token";
    boost::system::error_code pec;
    const auto body = gridhub::json::parse(refusal->body, pec);
    if (!pec && body.is_object())
      if (const auto* m = body.get_object().if_contains("msg"); m && m->is_string()) message = m->get_string();
    return fail(401, message);
  }
  auto org = resolve_org(caller, query);
  if (!org) return fail(403, "no OU for this credential");
  authenticated_ = true;
  org_id_ = std::move(*org);
  auth_timer_.cancel();
  send(json::serialize(json::object{{"type", "authenticated"}, {"orgId", org_id_}}));
}

template <class Stream>
void LiveSession<Stream>::subscribe(const std::string& pk, const std::string& dk) {
  auto snapshot = ctx_.hub.view().current();
  const hub::DeviceEntry* d = snapshot->find_device(pk, dk);
  if (!d || d->org_id != org_id_) return send_error(404, "no device " + pk + "/" + dk + " in your OU");
  bool watching = false;
  for (const auto& w : watches_) watching = watching || (w.product_key == pk && w.device_key == dk);
  if (!watching) {
    if (watches_.size() >= kMaxLiveDevicesPerConnection)
      return send_error(429, "at most " + std::to_string(kMaxLiveDevicesPerConnection) +
                                 " devices per connection");
    // Subscribed before the snapshot is read: an update acknowledged meanwhile arrives after the snapshot (it is
    // posted to this thread), never lost between the two.
    std::weak_ptr<LiveSession<Stream>> weak = weak_from_this();
    auto sub = ctx_.hub.live_feed().subscribe(d->asset_id, ws_.get_executor(),
                                              [weak](const std::shared_ptr<const hub::LiveUpdate>& u) {
                                                if (auto self = weak.lock()) self->on_update(*u);
                                              });
    if (!sub) return send_error(503, "the server watches too many devices; try later");
    watches_.push_back(Watch{pk, dk, std::move(*sub)});
  }
  json::object points;
  for (const auto& s : ctx_.store.latest(d->asset_id, {})) {
    json::object p;
    p.emplace("value", hub::to_json(s.value));
    p.emplace("time", s.time_ms);
    if (s.quality) p.emplace("quality", *s.quality);
    points.emplace(s.point_id, std::move(p));
  }
  send(json::serialize(json::object{{"type", "snapshot"},
                                    {"productKey", pk},
                                    {"deviceKey", dk},
                                    {"online", ctx_.hub.is_online(pk, dk)},
                                    {"points", std::move(points)}}));
}

template <class Stream>
void LiveSession<Stream>::unsubscribe(const std::string& pk, const std::string& dk) {
  for (auto it = watches_.begin(); it != watches_.end(); ++it) {
    if (it->product_key != pk || it->device_key != dk) continue;
    ctx_.hub.live_feed().unsubscribe(it->subscription);
    watches_.erase(it);
    return send(json::serialize(json::object{{"type", "unsubscribed"}, {"productKey", pk}, {"deviceKey", dk}}));
  }
  send_error(404, "not subscribed to " + pk + "/" + dk);
}

template <class Stream>
void LiveSession<Stream>::on_update(const hub::LiveUpdate& update) {
  if (closed_ || closing_) return;
  const std::string& asset_id = std::visit([](const auto& u) -> const std::string& { return u.asset_id; }, update);
  const Watch* w = nullptr;
  for (const auto& x : watches_)
    if (x.subscription.asset_id == asset_id) w = &x;
  if (!w) return;  // unsubscribed meanwhile
  if (const auto* m = std::get_if<hub::LiveMeasurepoints>(&update)) {
    json::object points;
    for (const auto& [id, value] : m->points) points[id] = hub::to_json(value);  // a repeated id: the last wins
    send(json::serialize(json::object{{"type", "measurepoints"},
                                      {"productKey", w->product_key},
                                      {"deviceKey", w->device_key},
                                      {"time", m->time_ms},
                                      {"points", std::move(points)}}));
  } else if (const auto* p = std::get_if<hub::LivePresence>(&update)) {
    send(json::serialize(json::object{{"type", "presence"},
                                      {"productKey", w->product_key},
                                      {"deviceKey", w->device_key},
                                      {"online", p->online},
                                      {"time", p->time_ms}}));
  }
}

// --- writing ------------------------------------------------------------------------------------------------

template <class Stream>
void LiveSession<Stream>::send(std::string frame) {
  if (closed_ || closing_) return;
  if (out_.size() >= kMaxLiveQueuedFrames) {
    ++dropped_;  // a client that does not read: memory stays bounded, it learns what it missed
    return;
  }
  out_.push_back(std::move(frame));
  if (!writing_) do_write();
}

template <class Stream>
void LiveSession<Stream>::send_error(int code, std::string_view message) {
  send(json::serialize(json::object{{"type", "error"}, {"code", code}, {"message", message}}));
}

template <class Stream>
void LiveSession<Stream>::fail(int code, std::string_view message) {
  send_error(code, message);
  closing_ = true;
  unsubscribe_all();
  if (!writing_) do_write();
}

template <class Stream>
void LiveSession<Stream>::do_write() {
  if (closed_) return;
  if (out_.empty()) {
    if (!closing_) return;
    writing_ = true;
    ws_.async_close(websocket::close_code::policy_error, [self = shared_from_this()](beast::error_code) {
      self->writing_ = false;
      self->close();
    });
    return;
  }
  writing_ = true;
  ws_.text(true);
  ws_.async_write(boost::asio::buffer(out_.front()),
                  [self = shared_from_this()](beast::error_code ec, std::size_t n) { self->on_write(ec, n); });
}

template <class Stream>
void LiveSession<Stream>::on_write(beast::error_code ec, std::size_t) {
  writing_ = false;
  if (ec) return close();
  out_.pop_front();
  if (dropped_ > 0 && !closing_) {
    out_.push_back(json::serialize(json::object{{"type", "overflow"}, {"dropped", dropped_}}));
    dropped_ = 0;
  }
  do_write();
}

template class LiveSession<beast::tcp_stream>;
template class LiveSession<TlsLiveStream>;

}  // namespace gridhub::api
