// A server-side TLS connection in which OpenSSL reads and writes the non-blocking socket itself (docs/tls.md):
// no record buffers of ours, so an idle connection costs little more than its SSL object (Mosquitto's design).
#pragma once
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>

typedef struct ssl_st SSL;          // <openssl/ssl.h>, without pulling it into every includer
typedef struct ssl_ctx_st SSL_CTX;

namespace gridhub::net {

// A move-only, type-erased completion handler (std::move_only_function is C++23).
template <class Signature>
class UniqueHandler;
template <class... Args>
class UniqueHandler<void(Args...)> {
 public:
  UniqueHandler() = default;
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, UniqueHandler>>>
  UniqueHandler(F&& f) : impl_(std::make_unique<Impl<std::decay_t<F>>>(std::forward<F>(f))) {}
  explicit operator bool() const { return impl_ != nullptr; }
  // Calls the handler once; it is empty afterwards (whatever it captured is released before this returns).
  void operator()(Args... args) {
    auto impl = std::move(impl_);
    impl->call(std::forward<Args>(args)...);
  }

 private:
  struct Base {
    virtual ~Base() = default;
    virtual void call(Args... args) = 0;
  };
  template <class F>
  struct Impl final : Base {
    explicit Impl(F&& f) : f(std::move(f)) {}
    explicit Impl(const F& f) : f(f) {}
    void call(Args... args) override { f(std::forward<Args>(args)...); }
    F f;
  };
  std::unique_ptr<Base> impl_;
};

// One TLS server connection over a connected TCP socket, Asio style: completion handlers run on the socket's
// executor, never inside the call that starts the operation.
//
// One handshake or read, and one write, may be in progress at the same time, and either may need either direction
// of the socket (a read answering a TLS 1.3 KeyUpdate writes; OpenSSL tells us with WANT_READ / WANT_WRITE and we
// wait for readiness with socket.async_wait, then retry). No strand: the connection belongs to one io thread and
// every call, and every handler, runs there (the hub gives each session one loop).
//
// Errors: the peer's close_notify is asio::error::eof; a TCP close without it is asio::ssl::error::stream_truncated;
// a TLS alert, handshake or record failure is an error in asio::error::get_ssl_category() whose message() is
// OpenSSL's reason ("wrong version number (SSL routines)"); socket errors are system errors (connection_reset).
// Closing the socket while an operation waits completes it with operation_aborted. Nothing throws.
class TlsSocket {
 public:
  using error_code = boost::system::error_code;
  using ReadHandler = UniqueHandler<void(error_code, std::size_t)>;
  using WriteHandler = UniqueHandler<void(error_code, std::size_t)>;
  using HandshakeHandler = UniqueHandler<void(error_code)>;

  // A server-side SSL from `ctx` bound to `socket` (connected; made non-blocking here). `socket` must outlive
  // every operation in progress. If OpenSSL cannot make the SSL, every operation completes with the error.
  TlsSocket(boost::asio::ip::tcp::socket& socket, SSL_CTX* ctx);
  ~TlsSocket();  // pending handlers are dropped, never called: close the socket first and let them finish
  TlsSocket(const TlsSocket&) = delete;
  TlsSocket& operator=(const TlsSocket&) = delete;

  // The server handshake. handler(error_code).
  template <class Handler>
  void async_handshake(Handler&& handler) {
    start_handshake(HandshakeHandler(std::forward<Handler>(handler)));
  }
  // Reads at least one byte (or fails). handler(error_code, bytes). The bytes are written into `buffer` in the same
  // handler invocation that calls `handler`, right before it: a buffer shared by every connection of the thread
  // is safe to use (an idle TLS connection then holds no read buffer at all).
  template <class Handler>
  void async_read_some(boost::asio::mutable_buffer buffer, Handler&& handler) {
    start_read(buffer, ReadHandler(std::forward<Handler>(handler)));
  }
  // Writes all of `buffer` (which must stay valid until the handler runs). handler(error_code, bytes written).
  template <class Handler>
  void async_write(boost::asio::const_buffer buffer, Handler&& handler) {
    start_write(buffer, WriteHandler(std::forward<Handler>(handler)));
  }

  // The SSL (peer certificate, protocol version). Null when it could not be made.
  SSL* native_handle() const;
  // Best effort: sends close_notify if the socket takes it right now; never waits and never reads the peer's.
  // Call before closing the socket. Nothing after a fatal error or before the handshake completed.
  void shutdown();

 private:
  struct Core;
  void start_handshake(HandshakeHandler handler);
  void start_read(boost::asio::mutable_buffer buffer, ReadHandler handler);
  void start_write(boost::asio::const_buffer buffer, WriteHandler handler);

  std::shared_ptr<Core> core_;  // shared with the readiness waits in flight, which may outlive this object
};

}  // namespace gridhub::net
