// TlsSocket against real TLS clients on loopback (Asio's ssl::stream and plain OpenSSL): handshakes over TLS 1.2
// and 1.3, full-duplex transfers of 1 byte / 64 KiB / 1 MiB with a read and a write in progress at once, KeyUpdate
// mid-stream, clean close, truncation, reset, failed handshakes (garbage, an untrusted certificate, TLS 1.1), and
// closing the socket while operations wait. Certificates are made here with OpenSSL.
#include "net/tls_socket.hpp"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "net/tls_context.hpp"

namespace gridhub::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using namespace std::chrono_literals;

// --- certificates ----------------------------------------------------------------------------------------------

struct Pem {
  std::string cert, key;
};

// A self-signed EC P-256 certificate for CN=localhost.
Pem make_certificate(const char* cn) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 42);
  X509_gmtime_adj(X509_getm_notBefore(x), -60);
  X509_gmtime_adj(X509_getm_notAfter(x), 86400);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509_set_pubkey(x, key);
  X509_sign(x, key, EVP_sha256());
  auto to_string = [](BIO* bio) {
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    std::string s(data, static_cast<std::size_t>(n));
    BIO_free(bio);
    return s;
  };
  BIO* c = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(c, x);
  BIO* k = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(k, key, nullptr, nullptr, 0, nullptr, nullptr);
  Pem pem{to_string(c), to_string(k)};
  X509_free(x);
  EVP_PKEY_free(key);
  return pem;
}

// --- the fixture: the server is a TlsSocket on io_ (this thread), clients run on threads of their own ---------

class TlsSocketTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                     ("gridhub-tls-socket-" + std::to_string(::getpid())));
    std::filesystem::create_directories(*dir_);
    server_ = new Pem(make_certificate("localhost"));
    other_ = new Pem(make_certificate("localhost"));  // same name, another key: not the server's
    std::ofstream(*dir_ / "server.pem") << server_->cert;
    std::ofstream(*dir_ / "server.key") << server_->key;
    std::ofstream(*dir_ / "other.pem") << other_->cert;
    std::ofstream(*dir_ / "other.key") << other_->key;
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
    delete server_;
    delete other_;
  }
  static std::string path(const char* name) { return (*dir_ / name).string(); }

  void SetUp() override {
    std::string error;
    server_ctx_ = make_tls_server_context(
        {.cert_file = path("server.pem"), .key_file = path("server.key"), .request_client_certificate = true}, error);
    ASSERT_TRUE(server_ctx_) << error;
    acceptor_.open(tcp::v4());
    acceptor_.bind(tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    acceptor_.listen();
  }
  void TearDown() override {
    error_code ec;
    server_socket_.close(ec);  // a client waiting for the server (a blocking TLS shutdown) gets EOF now
    if (client_.joinable()) client_.join();
    EXPECT_EQ(ERR_peek_error(), 0u) << "the OpenSSL error queue of the server thread must be left empty";
  }

  // A client context trusting `ca_file` (the server's own certificate by default), TLS [min, max].
  static std::unique_ptr<asio::ssl::context> client_context(int min_version, int max_version,
                                                            const char* ca_file = "server.pem") {
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(ctx->native_handle(), min_version);
    SSL_CTX_set_max_proto_version(ctx->native_handle(), max_version);
    ctx->load_verify_file(path(ca_file));
    ctx->set_verify_mode(asio::ssl::verify_peer);
    return ctx;
  }

  // Runs `client` on a thread with a socket connected to the acceptor; returns the server side's accepted socket.
  void start_client(std::function<void(tcp::socket&)> client) {
    const auto endpoint = acceptor_.local_endpoint();
    client_ = std::thread([endpoint, client = std::move(client)] {
      asio::io_context io;
      tcp::socket s(io);
      error_code ec;
      s.connect(endpoint, ec);
      if (!ec) client(s);
    });
    acceptor_.accept(server_socket_);
    tls_ = std::make_unique<TlsSocket>(server_socket_, server_ctx_->native_handle());
  }

  // Runs io_ until `done` or the deadline; false when the deadline passed (a hang).
  bool run_until(const std::function<bool()>& done, std::chrono::seconds limit = 30s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      io_.restart();
      io_.run_for(10ms);
    }
    return true;
  }

  error_code handshake() {
    std::optional<error_code> result;
    tls_->async_handshake([&](error_code ec) { result = ec; });
    EXPECT_TRUE(run_until([&] { return result.has_value(); })) << "the handshake hung";
    return result.value_or(asio::error::timed_out);
  }

  static std::string pattern(std::size_t n, char salt) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + i / 7 + salt) & 0xff);
    return s;
  }

  asio::io_context io_;
  tcp::acceptor acceptor_{io_};
  tcp::socket server_socket_{io_};
  std::shared_ptr<asio::ssl::context> server_ctx_;
  std::unique_ptr<TlsSocket> tls_;
  std::thread client_;
  static std::filesystem::path* dir_;
  static Pem* server_;
  static Pem* other_;
};
std::filesystem::path* TlsSocketTest::dir_ = nullptr;
Pem* TlsSocketTest::server_ = nullptr;
Pem* TlsSocketTest::other_ = nullptr;

// The server's side of a full-duplex exchange: reads `expect` bytes while writing `send` (in one async_write),
// a read and the write in progress at the same time. Reads go to a buffer of `read_size` bytes.
struct ServerDuplex {
  ServerDuplex(TlsSocket& t, std::string s, std::string e) : tls(t), send(std::move(s)), expect(std::move(e)) {}
  TlsSocket& tls;
  std::string send, expect, received;
  std::size_t read_size = 64 * 1024;
  std::vector<char> buffer;
  bool write_done = false, read_done = false;
  error_code write_ec, read_ec;
  std::size_t written = 0;

  void start() {
    buffer.resize(read_size);
    tls.async_write(asio::buffer(send), [this](error_code ec, std::size_t n) {
      write_done = true;
      write_ec = ec;
      written = n;
    });
    read();
  }
  void read() {
    if (received.size() >= expect.size()) {
      read_done = true;
      return;
    }
    tls.async_read_some(asio::buffer(buffer), [this](error_code ec, std::size_t n) {
      if (ec) {
        read_ec = ec;
        read_done = true;
        return;
      }
      EXPECT_GT(n, 0u);
      received.append(buffer.data(), n);
      read();
    });
  }
  bool done() const { return write_done && read_done; }
};

// The client's side: Asio's TLS stream writing `send` while reading `expect.size()` bytes. `key_update_every` > 0:
// the client sends its data in pieces of that size and asks for a KeyUpdate (update_requested) before each.
void client_duplex(tcp::socket& s, asio::ssl::context& ctx, std::string send, std::size_t expect_size,
                   std::string& received, std::string& error, std::size_t key_update_every = 0) {
  asio::ssl::stream<tcp::socket&> tls(s, ctx);
  error_code ec;
  tls.handshake(asio::ssl::stream_base::client, ec);
  if (ec) {
    error = "client handshake: " + ec.message();
    return;
  }
  received.resize(expect_size);
  asio::async_read(tls, asio::buffer(received), [&](error_code e, std::size_t) {
    if (e) error = "client read: " + e.message();
  });
  std::size_t sent = 0;
  std::function<void()> write_next = [&] {
    if (sent == send.size()) return;
    std::size_t piece = key_update_every ? std::min(key_update_every, send.size() - sent) : send.size() - sent;
    if (key_update_every && SSL_key_update(tls.native_handle(), SSL_KEY_UPDATE_REQUESTED) != 1)
      error = "SSL_key_update failed";
    asio::async_write(tls, asio::buffer(send.data() + sent, piece), [&, piece](error_code e, std::size_t) {
      if (e) {
        error = "client write: " + e.message();
        return;
      }
      sent += piece;
      write_next();
    });
  };
  write_next();
  static_cast<asio::io_context&>(s.get_executor().context()).run();
  // Both ways done: close_notify, then read to the server's (which it sends once it has read everything).
  // Closing without reading what the server sent last (its KeyUpdates) would reset the connection.
  tls.shutdown(ec);
}

struct Version {
  int version;
  const char* name;
};

class TlsSocketVersions : public TlsSocketTest, public ::testing::WithParamInterface<Version> {};

TEST_P(TlsSocketVersions, HandshakeNegotiatesTheClientsVersion) {
  const Version v = GetParam();
  start_client([v](tcp::socket& s) {
    auto ctx = client_context(v.version, v.version);
    asio::ssl::stream<tcp::socket&> tls(s, *ctx);
    error_code ec;
    tls.handshake(asio::ssl::stream_base::client, ec);
    EXPECT_FALSE(ec) << ec.message();
    tls.shutdown(ec);
  });
  error_code ec = handshake();
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_STREQ(SSL_get_version(tls_->native_handle()), v.name);
  EXPECT_EQ(SSL_get_mode(tls_->native_handle()) &
                (SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER),
            static_cast<long>(SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
                              SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER));
  EXPECT_TRUE(SSL_get_options(tls_->native_handle()) & SSL_OP_NO_RENEGOTIATION);
  EXPECT_EQ(SSL_get0_peer_certificate(tls_->native_handle()), nullptr);  // asked for, none sent
  // The client's close_notify: the next read ends with eof.
  std::optional<error_code> read_ec;
  char byte;
  tls_->async_read_some(asio::buffer(&byte, 1), [&](error_code e, std::size_t n) {
    read_ec = e;
    EXPECT_EQ(n, 0u);
  });
  ASSERT_TRUE(run_until([&] { return read_ec.has_value(); }));
  EXPECT_EQ(*read_ec, asio::error::eof) << read_ec->message();
}

struct DuplexCase {
  int version;
  std::size_t size;
  std::size_t server_read_size;
  std::size_t key_update_every;  // 0: none (TLS 1.3 only otherwise)
};

class TlsSocketDuplex : public TlsSocketTest, public ::testing::WithParamInterface<DuplexCase> {};

TEST_P(TlsSocketDuplex, BothDirectionsAtOnceArriveIntact) {
  const DuplexCase c = GetParam();
  const std::string to_client = pattern(c.size, 1), to_server = pattern(c.size, 2);
  std::string client_received, client_error;
  start_client([&](tcp::socket& s) {
    auto ctx = client_context(c.version, c.version);
    client_duplex(s, *ctx, to_server, to_client.size(), client_received, client_error, c.key_update_every);
  });
  // Count the KeyUpdate messages the server receives and sends (handshake type 24).
  static std::atomic<int> key_updates_in, key_updates_out;
  key_updates_in = key_updates_out = 0;
  SSL_set_msg_callback(tls_->native_handle(), [](int write_p, int, int content_type, const void* buf, size_t len,
                                                  SSL*, void*) {
    if (content_type == SSL3_RT_HANDSHAKE && len > 0 && static_cast<const unsigned char*>(buf)[0] == 24)
      ++(write_p ? key_updates_out : key_updates_in);
  });
  ASSERT_FALSE(handshake());
  ServerDuplex server(*tls_, to_client, to_server);
  server.read_size = c.server_read_size;
  server.start();
  ASSERT_TRUE(run_until([&] { return server.done(); })) << "hung: wrote " << server.write_done << ", read "
                                                        << server.received.size() << " of " << c.size;
  EXPECT_FALSE(server.write_ec) << server.write_ec.message();
  EXPECT_FALSE(server.read_ec) << server.read_ec.message();
  EXPECT_EQ(server.written, c.size);
  EXPECT_TRUE(server.received == to_server) << "the server received other bytes";
  tls_->shutdown();
  client_.join();
  EXPECT_EQ(client_error, "");
  EXPECT_TRUE(client_received == to_client) << "the client received other bytes";
  if (c.key_update_every) {
    const int expected = static_cast<int>((c.size + c.key_update_every - 1) / c.key_update_every);
    EXPECT_EQ(key_updates_in.load(), expected);
  }
}

// update_requested obliges the server to send a KeyUpdate of its own before its next application data
// (RFC 8446 §4.6.3; OpenSSL sends it with the next write).
TEST_F(TlsSocketTest, KeyUpdateRequestedIsAnsweredBeforeTheNextWrite) {
  std::string client_got, client_error;
  start_client([&](tcp::socket& s) {
    auto ctx = client_context(TLS1_3_VERSION, TLS1_3_VERSION);
    asio::ssl::stream<tcp::socket&> tls(s, *ctx);
    error_code ec;
    tls.handshake(asio::ssl::stream_base::client, ec);
    if (SSL_key_update(tls.native_handle(), SSL_KEY_UPDATE_REQUESTED) != 1) client_error = "SSL_key_update";
    asio::write(tls, asio::buffer("a", 1), ec);
    char b[1];
    asio::read(tls, asio::buffer(b), ec);
    if (ec) client_error = ec.message();
    else client_got.assign(b, 1);
    tls.shutdown(ec);
  });
  static std::atomic<int> in, out;
  in = out = 0;
  SSL_set_msg_callback(tls_->native_handle(), [](int write_p, int, int content_type, const void* buf, size_t len,
                                                  SSL*, void*) {
    if (content_type == SSL3_RT_HANDSHAKE && len > 0 && static_cast<const unsigned char*>(buf)[0] == 24)
      ++(write_p ? out : in);
  });
  ASSERT_FALSE(handshake());
  char b[1];
  std::optional<error_code> read_ec, write_ec;
  tls_->async_read_some(asio::buffer(b), [&](error_code ec, std::size_t) { read_ec = ec; });
  ASSERT_TRUE(run_until([&] { return read_ec.has_value(); }));
  ASSERT_FALSE(*read_ec) << read_ec->message();
  EXPECT_EQ(b[0], 'a');
  EXPECT_EQ(in.load(), 1);
  tls_->async_write(asio::buffer("b", 1), [&](error_code ec, std::size_t) { write_ec = ec; });
  ASSERT_TRUE(run_until([&] { return write_ec.has_value(); }));
  EXPECT_FALSE(*write_ec);
  EXPECT_EQ(out.load(), 1) << "no KeyUpdate of the server's own";
  // The client reads the server's byte under the server's new keys.
  std::optional<error_code> eof;
  tls_->async_read_some(asio::buffer(b), [&](error_code ec, std::size_t) { eof = ec; });
  ASSERT_TRUE(run_until([&] { return eof.has_value(); }));
  EXPECT_EQ(*eof, asio::error::eof);
  tls_->shutdown();  // the client's blocking shutdown waits for our close_notify
  client_.join();
  EXPECT_EQ(client_error, "");
  EXPECT_EQ(client_got, "b");
}

INSTANTIATE_TEST_SUITE_P(Versions, TlsSocketVersions,
                         ::testing::Values(Version{TLS1_2_VERSION, "TLSv1.2"}, Version{TLS1_3_VERSION, "TLSv1.3"}),
                         [](const auto& info) { return std::string(info.param.version == TLS1_2_VERSION ? "Tls12" : "Tls13"); });

INSTANTIATE_TEST_SUITE_P(
    Sizes, TlsSocketDuplex,
    ::testing::Values(DuplexCase{TLS1_2_VERSION, 1, 64 * 1024, 0}, DuplexCase{TLS1_3_VERSION, 1, 64 * 1024, 0},
                      DuplexCase{TLS1_2_VERSION, 64 * 1024, 64 * 1024, 0},
                      DuplexCase{TLS1_3_VERSION, 64 * 1024, 64 * 1024, 0},
                      DuplexCase{TLS1_2_VERSION, 1 << 20, 64 * 1024, 0},
                      DuplexCase{TLS1_3_VERSION, 1 << 20, 64 * 1024, 0},
                      // A read buffer smaller than a record: the rest waits inside OpenSSL (a posted retry).
                      DuplexCase{TLS1_3_VERSION, 1 << 20, 1000, 0}, DuplexCase{TLS1_2_VERSION, 64 * 1024, 1, 0},
                      // KeyUpdate (update_requested) before every 64 KiB, and once before a single byte.
                      DuplexCase{TLS1_3_VERSION, 1 << 20, 64 * 1024, 64 * 1024},
                      DuplexCase{TLS1_3_VERSION, 1, 64 * 1024, 1}),
    [](const auto& info) {
      const DuplexCase& c = info.param;
      return std::string(c.version == TLS1_2_VERSION ? "Tls12_" : "Tls13_") + std::to_string(c.size) + "B_read" +
             std::to_string(c.server_read_size) + (c.key_update_every ? "_KeyUpdate" : "");
    });

// One record, read 100 bytes at a time, and nothing more arrives until the server answers: the rest of the record
// waits inside OpenSSL, where socket readiness cannot announce it.
TEST_F(TlsSocketTest, ARecordLargerThanTheReadBufferIsReadWithoutMoreInput) {
  const std::string record = pattern(16000, 7);
  std::string client_error;
  start_client([&](tcp::socket& s) {
    auto ctx = client_context(TLS1_3_VERSION, TLS1_3_VERSION);
    asio::ssl::stream<tcp::socket&> tls(s, *ctx);
    error_code ec;
    tls.handshake(asio::ssl::stream_base::client, ec);
    asio::write(tls, asio::buffer(record), ec);  // one record (< 16 KiB), then silence
    char ack[1];
    asio::read(tls, asio::buffer(ack), ec);
    if (ec) client_error = ec.message();
  });
  ASSERT_FALSE(handshake());
  std::string got;
  char buffer[100];
  std::function<void()> read = [&] {
    tls_->async_read_some(asio::buffer(buffer), [&](error_code ec, std::size_t n) {
      ASSERT_FALSE(ec) << ec.message();
      got.append(buffer, n);
      if (got.size() < record.size()) read();
    });
  };
  read();
  ASSERT_TRUE(run_until([&] { return got.size() >= record.size(); }, 5s)) << "stuck at " << got.size();
  EXPECT_TRUE(got == record);
  std::optional<error_code> acked;
  tls_->async_write(asio::buffer("k", 1), [&](error_code ec, std::size_t) { acked = ec; });
  ASSERT_TRUE(run_until([&] { return acked.has_value(); }));
  client_.join();
  EXPECT_EQ(client_error, "");
}

TEST_F(TlsSocketTest, EchoWithTheNextReadAlreadyWaiting) {
  // The server echoes each piece while its next read is already in progress; the client checks the echo.
  const std::string data = pattern(300 * 1024, 5);
  std::string echoed, client_error;
  start_client([&](tcp::socket& s) {
    auto ctx = client_context(TLS1_3_VERSION, TLS1_3_VERSION);
    client_duplex(s, *ctx, data, data.size(), echoed, client_error);
  });
  ASSERT_FALSE(handshake());
  std::vector<char> buffer(4096);
  std::string queue, writing;
  std::size_t total = 0;
  bool writing_now = false, failed = false;
  std::function<void()> write_more = [&] {
    if (writing_now || queue.empty()) return;
    writing_now = true;
    writing.swap(queue);
    tls_->async_write(asio::buffer(writing), [&](error_code ec, std::size_t n) {
      writing_now = false;
      failed |= static_cast<bool>(ec);
      total += n;
      writing.clear();
      write_more();
    });
  };
  std::function<void()> read = [&] {
    tls_->async_read_some(asio::buffer(buffer), [&](error_code ec, std::size_t n) {
      if (ec) return;
      queue.append(buffer.data(), n);
      read();        // the next read first, then the write: both in progress together
      write_more();
    });
  };
  read();
  ASSERT_TRUE(run_until([&] { return total == data.size() || failed; }));
  EXPECT_FALSE(failed);
  tls_->shutdown();
  client_.join();
  EXPECT_EQ(client_error, "");
  EXPECT_TRUE(echoed == data);
}

TEST_F(TlsSocketTest, TruncationAndResetAreErrorsNotEof) {
  for (bool reset : {false, true}) {
    SCOPED_TRACE(reset ? "reset" : "FIN without close_notify");
    start_client([reset](tcp::socket& s) {
      // TLS 1.2: a TLS 1.3 client that never reads leaves the server's session tickets unread, and closing a
      // socket with unread data sends RST rather than FIN.
      auto ctx = client_context(TLS1_2_VERSION, TLS1_2_VERSION);
      asio::ssl::stream<tcp::socket&> tls(s, *ctx);
      error_code ec;
      tls.handshake(asio::ssl::stream_base::client, ec);
      asio::write(tls, asio::buffer("hello", 5), ec);
      std::this_thread::sleep_for(100ms);
      if (reset) s.set_option(asio::socket_base::linger(true, 0), ec);  // close sends RST
      s.close(ec);
    });
    ASSERT_FALSE(handshake());
    std::string got;
    std::optional<error_code> end;
    char buffer[64];
    std::function<void()> read = [&] {
      tls_->async_read_some(asio::buffer(buffer), [&](error_code ec, std::size_t n) {
        if (ec) return void(end = ec);
        got.append(buffer, n);
        read();
      });
    };
    read();
    ASSERT_TRUE(run_until([&] { return end.has_value(); }));
    EXPECT_EQ(got, "hello");
    if (reset) EXPECT_EQ(*end, asio::error::connection_reset) << end->message();
    else EXPECT_EQ(*end, asio::ssl::error::stream_truncated) << end->message();
    // Later reads fail at once with the same error, never touching the socket again.
    std::optional<error_code> again;
    tls_->async_read_some(asio::buffer(buffer), [&](error_code ec, std::size_t) { again = ec; });
    ASSERT_TRUE(run_until([&] { return again.has_value(); }));
    EXPECT_EQ(*again, *end);
    client_.join();
    tls_.reset();
    server_socket_.close();
  }
}

TEST_F(TlsSocketTest, WriteToAResetPeerFailsWithoutSigpipe) {
  start_client([](tcp::socket& s) {
    auto ctx = client_context(TLS1_3_VERSION, TLS1_3_VERSION);
    asio::ssl::stream<tcp::socket&> tls(s, *ctx);
    error_code ec;
    tls.handshake(asio::ssl::stream_base::client, ec);
    std::this_thread::sleep_for(200ms);
    s.set_option(asio::socket_base::linger(true, 0), ec);
    s.close(ec);
  });
  ASSERT_FALSE(handshake());
  const std::string data = pattern(8 << 20, 3);  // more than the socket buffers hold
  std::optional<error_code> result;
  tls_->async_write(asio::buffer(data), [&](error_code ec, std::size_t) { result = ec; });
  ASSERT_TRUE(run_until([&] { return result.has_value(); }));
  EXPECT_TRUE(*result == asio::error::connection_reset || *result == asio::error::broken_pipe) << result->message();
}

TEST_F(TlsSocketTest, GarbageInsteadOfAHandshakeFailsWithTheReason) {
  start_client([](tcp::socket& s) {
    error_code ec;
    asio::write(s, asio::buffer(std::string(64, '\xab')), ec);
    char b[256];
    s.read_some(asio::buffer(b), ec);  // the alert, then the server closes
  });
  error_code ec = handshake();
  ASSERT_TRUE(ec);
  EXPECT_EQ(ec.category(), asio::error::get_ssl_category());
  EXPECT_NE(ec.message().find("(SSL routines)"), std::string::npos) << "OpenSSL's reason: " << ec.message();
}

TEST_F(TlsSocketTest, UntrustedServerCertificateFailsBothSides) {
  std::string client_error;
  start_client([&](tcp::socket& s) {
    auto ctx = client_context(TLS1_3_VERSION, TLS1_3_VERSION, "other.pem");  // trusts another certificate
    asio::ssl::stream<tcp::socket&> tls(s, *ctx);
    error_code ec;
    tls.handshake(asio::ssl::stream_base::client, ec);
    client_error = ec.message();
  });
  error_code ec = handshake();
  ASSERT_TRUE(ec);
  EXPECT_EQ(ec.category(), asio::error::get_ssl_category());
  EXPECT_NE(ec.message().find("unknown ca"), std::string::npos) << ec.message();
  client_.join();
  EXPECT_NE(client_error.find("certificate verify failed"), std::string::npos) << client_error;
}

TEST_F(TlsSocketTest, Tls11IsRefused) {
  start_client([](tcp::socket& s) {
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    SSL_CTX_set_security_level(ctx.native_handle(), 0);
    SSL_CTX_set_cipher_list(ctx.native_handle(), "DEFAULT:@SECLEVEL=0");
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_1_VERSION);
    SSL_CTX_set_max_proto_version(ctx.native_handle(), TLS1_1_VERSION);
    asio::ssl::stream<tcp::socket&> tls(s, ctx);
    error_code ec;
    tls.handshake(asio::ssl::stream_base::client, ec);
    EXPECT_TRUE(ec);
  });
  error_code ec = handshake();
  ASSERT_TRUE(ec);
  EXPECT_EQ(ec.category(), asio::error::get_ssl_category()) << ec.message();
}

TEST_F(TlsSocketTest, PeerGoneBeforeTheHandshakeIsAnError) {
  start_client([](tcp::socket& s) { s.close(); });
  error_code ec = handshake();
  EXPECT_TRUE(ec == asio::ssl::error::stream_truncated || ec == asio::error::eof) << ec.message();
}

TEST_F(TlsSocketTest, ClientCertificateIsVisibleThroughNativeHandle) {
  start_client([](tcp::socket& s) {
    auto ctx = client_context(TLS1_3_VERSION, TLS1_3_VERSION);
    ctx->use_certificate_file(path("other.pem"), asio::ssl::context::pem);
    ctx->use_private_key_file(path("other.key"), asio::ssl::context::pem);
    asio::ssl::stream<tcp::socket&> tls(s, *ctx);
    error_code ec;
    tls.handshake(asio::ssl::stream_base::client, ec);
    EXPECT_FALSE(ec) << ec.message();
    tls.shutdown(ec);
  });
  ASSERT_FALSE(handshake());
  X509* peer = SSL_get0_peer_certificate(tls_->native_handle());
  ASSERT_NE(peer, nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, peer);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  EXPECT_EQ(std::string(data, static_cast<std::size_t>(n)), other_->cert);
  BIO_free(bio);
}

// The client connects (and, past the handshake, neither reads nor writes) until told to go, 20 s at most.
struct IdleClient {
  std::atomic<bool> go{false};
  bool handshake = true;
  void operator()(tcp::socket& s) {
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.set_verify_mode(asio::ssl::verify_none);
    asio::ssl::stream<tcp::socket&> tls(s, ctx);
    error_code ec;
    if (handshake) tls.handshake(asio::ssl::stream_base::client, ec);
    const auto until = std::chrono::steady_clock::now() + 20s;
    while (!go && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(5ms);
  }
};

TEST_F(TlsSocketTest, ClosingTheSocketAbortsWaitingOperations) {
  IdleClient idle;
  start_client([&](tcp::socket& s) { idle(s); });
  ASSERT_FALSE(handshake());
  // A read waits (the client sends nothing); a write parks once the client's receive buffer is full.
  const std::string data = pattern(32 << 20, 9);
  std::optional<error_code> read_ec, write_ec;
  std::size_t written = 0;
  char buffer[16];
  tls_->async_read_some(asio::buffer(buffer), [&](error_code ec, std::size_t) { read_ec = ec; });
  tls_->async_write(asio::buffer(data), [&](error_code ec, std::size_t n) {
    write_ec = ec;
    written = n;
  });
  run_until([] { return false; }, 1s);  // long enough to fill the socket buffers
  ASSERT_FALSE(read_ec.has_value());
  ASSERT_FALSE(write_ec.has_value()) << "the client reads nothing: 32 MiB cannot have gone";
  tls_->shutdown();  // best effort, must not block with a full socket
  server_socket_.close();
  ASSERT_TRUE(run_until([&] { return read_ec && write_ec; }));
  EXPECT_EQ(*read_ec, asio::error::operation_aborted);
  EXPECT_EQ(*write_ec, asio::error::operation_aborted);
  EXPECT_LT(written, data.size());
  idle.go = true;
  client_.join();  // before `idle` goes out of scope
}

TEST_F(TlsSocketTest, ClosingTheSocketAbortsAWaitingHandshake) {
  IdleClient idle;
  idle.handshake = false;  // connects and says nothing
  start_client([&](tcp::socket& s) { idle(s); });
  std::optional<error_code> result;
  tls_->async_handshake([&](error_code ec) { result = ec; });
  run_until([] { return false; }, 1s);
  ASSERT_FALSE(result.has_value());
  server_socket_.close();
  ASSERT_TRUE(run_until([&] { return result.has_value(); }));
  EXPECT_EQ(*result, asio::error::operation_aborted);
  idle.go = true;
  client_.join();  // before `idle` goes out of scope
}

TEST_F(TlsSocketTest, HandlersNeverRunInsideTheCallThatStartsThem) {
  start_client([](tcp::socket& s) {
    auto ctx = client_context(TLS1_3_VERSION, TLS1_3_VERSION);
    asio::ssl::stream<tcp::socket&> tls(s, *ctx);
    error_code ec;
    tls.handshake(asio::ssl::stream_base::client, ec);
    char b[8];
    asio::read(tls, asio::buffer(b), ec);
    asio::write(tls, asio::buffer("x", 1), ec);
    tls.shutdown(ec);
  });
  ASSERT_FALSE(handshake());
  bool starting = true, write_called_inside = false, empty_read_inside = false;
  std::optional<error_code> write_ec, empty_ec, busy_ec;
  tls_->async_write(asio::buffer("12345678", 8), [&](error_code ec, std::size_t n) {
    write_called_inside = starting;
    write_ec = ec;
    EXPECT_EQ(n, 8u);
  });
  char b[1];
  tls_->async_read_some(asio::buffer(b, 0), [&](error_code ec, std::size_t n) {
    empty_read_inside = starting;
    empty_ec = ec;
    EXPECT_EQ(n, 0u);
  });
  starting = false;
  ASSERT_TRUE(run_until([&] { return write_ec && empty_ec; }));
  EXPECT_FALSE(write_called_inside);
  EXPECT_FALSE(empty_read_inside);
  EXPECT_FALSE(*write_ec);
  EXPECT_FALSE(*empty_ec);
  // A second read while one is in progress is refused (in_progress), the first goes on.
  std::optional<error_code> first;
  tls_->async_read_some(asio::buffer(b), [&](error_code ec, std::size_t n) {
    first = ec;
    EXPECT_EQ(n, 1u);
    EXPECT_EQ(b[0], 'x');
  });
  tls_->async_read_some(asio::buffer(b), [&](error_code ec, std::size_t) { busy_ec = ec; });
  ASSERT_TRUE(run_until([&] { return first && busy_ec; }));
  EXPECT_EQ(*busy_ec, asio::error::in_progress);
  EXPECT_FALSE(*first) << first->message();
}

TEST_F(TlsSocketTest, NoContextFailsEveryOperation) {
  start_client([](tcp::socket&) {});
  TlsSocket broken(server_socket_, nullptr);
  EXPECT_EQ(broken.native_handle(), nullptr);
  std::optional<error_code> hs, rd, wr;
  broken.async_handshake([&](error_code ec) { hs = ec; });
  char b[4];
  broken.async_read_some(asio::buffer(b), [&](error_code ec, std::size_t) { rd = ec; });
  broken.async_write(asio::buffer(b), [&](error_code ec, std::size_t) { wr = ec; });
  broken.shutdown();
  ASSERT_TRUE(run_until([&] { return hs && rd && wr; }));
  EXPECT_TRUE(*hs);
  EXPECT_TRUE(*rd);
  EXPECT_TRUE(*wr);
}

}  // namespace
}  // namespace gridhub::net
