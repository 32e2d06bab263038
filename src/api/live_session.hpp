// The console's live stream: one WebSocket connection on GET /console/v1/live (docs/api_live.md). The client
// authenticates with its first message, subscribes to devices of its OU, and gets each device's snapshot, then
// its measure points and presence as the hub acknowledges them (hub::LiveFeed). Lives on one io thread.
#pragma once
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "hub/live_feed.hpp"

namespace gridhub::api {

struct ApiContext;

// What the HTTP session it came from sees of a live session, over TCP or TLS.
class LiveStream {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  virtual ~LiveStream() = default;
  // Completes the upgrade (101) for `req`, a WebSocket upgrade request to kLivePath.
  virtual void start(Request req) = 0;
  // Ends the stream now (server stopping). REQUIRES: on the session's io thread.
  virtual void close() = 0;
};

// `Stream`: boost::beast::tcp_stream (ws://) or TlsLiveStream (wss://, over the HTTP session's TCP stream).
template <class Stream>
class LiveSession final : public LiveStream, public std::enable_shared_from_this<LiveSession<Stream>> {
 public:
  // `owner` is kept alive as long as this session: the HTTP session it was upgraded from, which stays in its
  // server's session set so that the server's stop path reaches close() here (and, over TLS, owns the TCP
  // stream the TLS stream runs on).
  LiveSession(Stream stream, ApiContext& ctx, std::shared_ptr<void> owner);
  ~LiveSession() override;
  LiveSession(const LiveSession&) = delete;
  LiveSession& operator=(const LiveSession&) = delete;

  void start(Request req) override;
  void close() override;

 private:
  struct Watch {
    std::string product_key, device_key;
    hub::LiveSubscription subscription;
  };

  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t n);
  void handle_message(std::string_view text);
  void authenticate(std::string_view token);
  void subscribe(const std::string& pk, const std::string& dk);
  void unsubscribe(const std::string& pk, const std::string& dk);
  void on_update(const hub::LiveUpdate& update);
  // Queues a frame; dropped (and counted) past kMaxLiveQueuedFrames.
  void send(std::string frame);
  void send_error(int code, std::string_view message);
  // Sends the error, then closes the stream once it is written.
  void fail(int code, std::string_view message);
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t n);
  void unsubscribe_all();

  using std::enable_shared_from_this<LiveSession<Stream>>::shared_from_this;
  using std::enable_shared_from_this<LiveSession<Stream>>::weak_from_this;

  std::shared_ptr<void> owner_;  // declared first: destroyed after ws_, which may run on its TCP stream
  boost::beast::websocket::stream<Stream> ws_;
  ApiContext& ctx_;
  boost::asio::steady_timer auth_timer_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::string> out_;  // front() is being written
  std::vector<Watch> watches_;   // at most kMaxLiveDevicesPerConnection
  std::string org_id_;           // the caller's OU once authenticated
  std::size_t dropped_ = 0;      // frames dropped since the last overflow notice
  bool authenticated_ = false, writing_ = false, closing_ = false, closed_ = false;
};

using TlsLiveStream = boost::asio::ssl::stream<boost::beast::tcp_stream&>;
extern template class LiveSession<boost::beast::tcp_stream>;
extern template class LiveSession<TlsLiveStream>;

}  // namespace gridhub::api
