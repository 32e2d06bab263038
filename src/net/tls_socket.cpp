// TlsSocket: OpenSSL drives the non-blocking socket; we only wait for readiness when it asks (WANT_READ/WRITE).
#include "net/tls_socket.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <cerrno>
#include <cstdint>

namespace gridhub::net {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// --- the socket BIO ------------------------------------------------------------------------------------------
// OpenSSL's own socket BIO (SSL_set_fd) writes with write(2), which raises SIGPIPE when the peer has reset the
// connection, and the server does not ignore SIGPIPE. This one is the same fd with send(MSG_NOSIGNAL) and recv;
// it buffers nothing.

int fd_of(BIO* bio) { return static_cast<int>(reinterpret_cast<intptr_t>(BIO_get_data(bio))); }

bool would_block(int e) { return e == EAGAIN || e == EWOULDBLOCK || e == EINTR; }

int socket_bio_write(BIO* bio, const char* data, int size) {
  BIO_clear_retry_flags(bio);
  ssize_t n = ::send(fd_of(bio), data, static_cast<std::size_t>(size), MSG_NOSIGNAL);
  if (n < 0 && would_block(errno)) BIO_set_retry_write(bio);
  return static_cast<int>(n);
}

int socket_bio_read(BIO* bio, char* data, int size) {
  BIO_clear_retry_flags(bio);
  ssize_t n = ::recv(fd_of(bio), data, static_cast<std::size_t>(size), 0);
  if (n < 0 && would_block(errno)) BIO_set_retry_read(bio);
  if (n == 0) BIO_set_flags(bio, BIO_FLAGS_IN_EOF);  // what OpenSSL's socket BIO reports as BIO_eof
  return static_cast<int>(n);
}

long socket_bio_ctrl(BIO* bio, int cmd, long, void*) {
  switch (cmd) {
    case BIO_CTRL_FLUSH:  // nothing is buffered here
      return 1;
    case BIO_CTRL_EOF:
      return BIO_test_flags(bio, BIO_FLAGS_IN_EOF) != 0;
    default:
      return 0;
  }
}

int socket_bio_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

const BIO_METHOD* socket_bio_method() {
  static BIO_METHOD* method = [] {  // thread-safe static initialisation; lives as long as the process
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR,
                                 "gridhub socket");
    if (m && (BIO_meth_set_write(m, socket_bio_write) != 1 || BIO_meth_set_read(m, socket_bio_read) != 1 ||
              BIO_meth_set_ctrl(m, socket_bio_ctrl) != 1 || BIO_meth_set_create(m, socket_bio_create) != 1)) {
      BIO_meth_free(m);
      m = nullptr;
    }
    return m;
  }();
  return method;
}

// --- errors --------------------------------------------------------------------------------------------------

error_code ssl_error(unsigned long e) {
  return error_code(static_cast<int>(e), asio::error::get_ssl_category());
}

// The error of a failed SSL call. `saved_errno` is errno right after the call. Leaves the error queue empty: it
// is per thread, and every connection of the thread shares it.
error_code map_error(int ssl_error_kind, int saved_errno) {
  error_code ec;
  const unsigned long e = ERR_get_error();
  if (ssl_error_kind == SSL_ERROR_ZERO_RETURN) {
    ec = asio::error::eof;  // the peer's close_notify
  } else if (e != 0) {
    if (ERR_GET_LIB(e) == ERR_LIB_SSL && ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
      ec = asio::ssl::error::stream_truncated;  // TCP closed without close_notify
    else
      ec = ssl_error(e);
  } else if (ssl_error_kind == SSL_ERROR_SYSCALL && saved_errno != 0) {
    ec = error_code(saved_errno, asio::error::get_system_category());
  } else if (ssl_error_kind == SSL_ERROR_SYSCALL) {
    ec = asio::ssl::error::stream_truncated;
  } else {
    ec = asio::error::fault;  // SSL_ERROR_SSL with an empty queue: should not happen
  }
  ERR_clear_error();
  return ec;
}

enum class Wait : uint8_t { none, readable, writable, posted };

}  // namespace

// --- the connection ------------------------------------------------------------------------------------------
// Each operation is tried when it starts (a write) or in its first turn (a handshake or read: a posted turn when
// OpenSSL already holds data, else the socket's readability). WANT_READ / WANT_WRITE park it on that direction;
// one async_wait per direction serves both operations, and when it fires every operation parked on it is retried.
// Parking on the socket's level-triggered readiness cannot miss progress made by the other operation: only the
// handshake and SSL_read consume the socket's input, and writability is a level the other operation's writes only
// restore.

struct TlsSocket::Core : std::enable_shared_from_this<Core> {
  explicit Core(asio::ip::tcp::socket& s) : socket(s) {}
  ~Core() {
    if (ssl) SSL_free(ssl);
  }

  asio::ip::tcp::socket& socket;
  SSL* ssl = nullptr;
  error_code broken;        // set once reads cannot go on (EOF, fatal error): later reads get it at once
  bool fatal = false;       // a fatal error happened: no close_notify (OpenSSL forbids SSL_shutdown then)
  bool detached = false;    // the TlsSocket is gone: waits still in flight do nothing
  bool waiting_readable = false, waiting_writable = false;

  // The handshake or a read (they never overlap), and a write.
  struct In {
    Wait wait = Wait::none;
    bool handshake = false;
    asio::mutable_buffer buffer;
    HandshakeHandler on_handshake;
    ReadHandler on_read;
    bool active() const { return on_handshake || on_read; }
  } in;
  struct Out {
    Wait wait = Wait::none;
    asio::const_buffer buffer;
    std::size_t written = 0;
    WriteHandler on_write;
    bool active() const { return static_cast<bool>(on_write); }
  } out;

  void park(Wait& slot, Wait direction) {
    slot = direction;
    bool& waiting = direction == Wait::readable ? waiting_readable : waiting_writable;
    if (waiting) return;
    waiting = true;
    socket.async_wait(direction == Wait::readable ? asio::socket_base::wait_read : asio::socket_base::wait_write,
                      [self = shared_from_this(), direction](error_code ec) { self->on_ready(direction, ec); });
  }

  void on_ready(Wait direction, error_code ec) {
    (direction == Wait::readable ? waiting_readable : waiting_writable) = false;
    if (detached) return;
    // The handlers called below may start new operations (and park them on this very direction): each check
    // reads the state afresh.
    if (in.active() && in.wait == direction) {
      in.wait = Wait::none;
      if (ec) finish_in(ec, 0);
      else run_in();
    }
    if (out.active() && out.wait == direction) {
      out.wait = Wait::none;
      if (ec) finish_out(ec);
      else run_out(false);
    }
  }

  void on_posted_in() {
    if (detached || !in.active() || in.wait != Wait::posted) return;
    in.wait = Wait::none;
    run_in();
  }

  // REQUIRES: in a handler of ours (a readiness wait or a posted turn), so the user's handler may run directly.
  void run_in() {
    if (!socket.is_open()) return finish_in(asio::error::operation_aborted, 0);  // the fd may be reused: no SSL
    ERR_clear_error();
    errno = 0;
    std::size_t n = 0;
    const int r = in.handshake ? SSL_do_handshake(ssl)
                               : SSL_read_ex(ssl, in.buffer.data(), in.buffer.size(), &n);
    const int saved_errno = errno;
    if (r == 1) return finish_in({}, n);
    const int kind = SSL_get_error(ssl, r);
    if (kind == SSL_ERROR_WANT_READ) return park(in.wait, Wait::readable);
    if (kind == SSL_ERROR_WANT_WRITE) return park(in.wait, Wait::writable);
    error_code ec = map_error(kind, saved_errno);
    if (kind == SSL_ERROR_SSL || kind == SSL_ERROR_SYSCALL) fatal = true;
    broken = ec;
    finish_in(ec, 0);
  }

  void finish_in(error_code ec, std::size_t n) {
    if (in.handshake) {
      in.handshake = false;
      in.on_handshake(ec);
    } else {
      in.on_read(ec, n);
    }
  }

  // `from_start`: called by async_write itself, so the handler must be posted rather than called.
  void run_out(bool from_start) {
    while (out.written < out.buffer.size()) {
      if (!socket.is_open()) return finish_out(asio::error::operation_aborted, from_start);
      ERR_clear_error();
      errno = 0;
      std::size_t n = 0;
      // The retry after WANT_WRITE passes the same remaining bytes, as OpenSSL requires (the address may move:
      // SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER).
      const int r = SSL_write_ex(ssl, static_cast<const char*>(out.buffer.data()) + out.written,
                                 out.buffer.size() - out.written, &n);
      const int saved_errno = errno;
      if (r == 1) {
        out.written += n;
        continue;
      }
      const int kind = SSL_get_error(ssl, r);
      if (kind == SSL_ERROR_WANT_WRITE) return park(out.wait, Wait::writable);
      if (kind == SSL_ERROR_WANT_READ) return park(out.wait, Wait::readable);
      if (kind == SSL_ERROR_SSL || kind == SSL_ERROR_SYSCALL) fatal = true;
      return finish_out(map_error(kind, saved_errno), from_start);
    }
    finish_out({}, from_start);
  }

  void finish_out(error_code ec, bool post = false) {
    WriteHandler handler = std::move(out.on_write);
    const std::size_t written = out.written;
    out = Out{};
    if (!post) return handler(ec, written);
    asio::post(socket.get_executor(),
               [handler = std::move(handler), ec, written]() mutable { handler(ec, written); });
  }

  // Completes an operation that never started (bad state, empty buffer) from a posted turn.
  template <class Handler, class... Args>
  void post_now(Handler handler, Args... args) {
    asio::post(socket.get_executor(), [handler = std::move(handler), args...]() mutable { handler(args...); });
  }
};

TlsSocket::TlsSocket(asio::ip::tcp::socket& socket, SSL_CTX* ctx) : core_(std::make_shared<Core>(socket)) {
  error_code ec;
  socket.non_blocking(true, ec);
  ERR_clear_error();
  const BIO_METHOD* method = socket_bio_method();
  SSL* ssl = ctx && method && !ec ? SSL_new(ctx) : nullptr;
  BIO* bio = ssl ? BIO_new(method) : nullptr;
  if (!bio) {
    if (ssl) SSL_free(ssl);
    core_->broken = ec ? ec : asio::error::no_memory;
    core_->fatal = true;
    ERR_clear_error();
    return;
  }
  BIO_set_data(bio, reinterpret_cast<void*>(static_cast<intptr_t>(socket.native_handle())));
  SSL_set_bio(ssl, bio, bio);  // the SSL owns the BIO (one reference serves both directions)
  // Idle connections give their record buffers back; writes finish record by record; the write buffer may move
  // between retries (the session swaps strings). No renegotiation (TLS 1.2): a read never has to write a
  // handshake, nor a write read one, except TLS 1.3's KeyUpdate, which the parking above handles.
  SSL_set_mode(ssl, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_set_options(ssl, SSL_OP_NO_RENEGOTIATION);
  // Read ahead: one recv takes whatever has arrived (several records) instead of a header and a body per record;
  // what is left stays in OpenSSL, where SSL_has_pending sees it, and the buffer is still released once empty.
  SSL_set_read_ahead(ssl, 1);
  SSL_set_accept_state(ssl);
  core_->ssl = ssl;
}

TlsSocket::~TlsSocket() {
  core_->detached = true;
  core_->in = Core::In{};
  core_->out = Core::Out{};
}

SSL* TlsSocket::native_handle() const { return core_->ssl; }

void TlsSocket::shutdown() {
  Core& c = *core_;
  if (!c.ssl || c.fatal || !SSL_is_init_finished(c.ssl) || !c.socket.is_open()) return;
  ERR_clear_error();
  SSL_shutdown(c.ssl);  // WANT_WRITE (a full socket, a record half sent) just means no close_notify
  ERR_clear_error();
}

void TlsSocket::start_handshake(HandshakeHandler handler) {
  Core& c = *core_;
  if (!c.ssl || c.in.active()) {
    return c.post_now(std::move(handler), error_code(c.ssl ? asio::error::in_progress : c.broken));
  }
  c.in.handshake = true;
  c.in.on_handshake = std::move(handler);
  // The client speaks first (ClientHello): nothing to do before the socket is readable.
  c.park(c.in.wait, Wait::readable);
}

void TlsSocket::start_read(asio::mutable_buffer buffer, ReadHandler handler) {
  Core& c = *core_;
  if (!c.ssl || c.broken) return c.post_now(std::move(handler), c.broken, std::size_t{0});
  if (c.in.active()) return c.post_now(std::move(handler), error_code(asio::error::in_progress), std::size_t{0});
  if (buffer.size() == 0) return c.post_now(std::move(handler), error_code(), std::size_t{0});
  c.in.buffer = buffer;
  c.in.on_read = std::move(handler);
  // OpenSSL may already hold decrypted bytes or a whole record (a large record read in several calls): then the
  // socket may never become readable again, so the first try is a posted turn. Otherwise wait for readability.
  if (SSL_has_pending(c.ssl)) {
    c.in.wait = Wait::posted;
    asio::post(c.socket.get_executor(), [self = core_] { self->on_posted_in(); });
    return;
  }
  c.park(c.in.wait, Wait::readable);
}

void TlsSocket::start_write(asio::const_buffer buffer, WriteHandler handler) {
  Core& c = *core_;
  if (!c.ssl) return c.post_now(std::move(handler), c.broken, std::size_t{0});
  if (c.out.active()) return c.post_now(std::move(handler), error_code(asio::error::in_progress), std::size_t{0});
  c.out.buffer = buffer;
  c.out.written = 0;
  c.out.on_write = std::move(handler);
  c.run_out(true);
}

}  // namespace gridhub::net
