// The client against real peers: Debian's mosquitto (plain and TLS, on loopback with its own config), a
// listener that never answers, a closed port. The EnOS behaviour against the real hub is covered by
// tests/integration/test_sdk*.py.
#include "gridhub/device/client.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "gridhub/device/errc.hpp"
#include "gridhub/device/requests.hpp"

namespace fs = std::filesystem;
namespace asio = boost::asio;
using namespace gridhub::device;
using namespace std::chrono_literals;

namespace {

unsigned short free_port() {
  asio::io_context io;
  asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

bool port_open(unsigned short port) {
  asio::io_context io;
  asio::ip::tcp::socket s(io);
  boost::system::error_code ec;
  s.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  return !ec;
}

// Debian's mosquitto on loopback: a plain listener and, with certificates, a TLS one.
class Mosquitto {
 public:
  explicit Mosquitto(bool tls, unsigned short port = 0) : dir_(fs::temp_directory_path() / ("gridhub-sdk-mq-" + std::to_string(::getpid()) +
                                                                   "-" + std::to_string(counter_++))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    port_ = port ? port : free_port();
    std::ofstream conf(dir_ / "mosquitto.conf");
    conf << "persistence false\nlog_dest none\nallow_anonymous true\n";
    conf << "listener " << port_ << " 127.0.0.1\n";
    if (tls) {
      tls_port_ = free_port();
      make_certificates();
      conf << "listener " << tls_port_ << " 127.0.0.1\n"
           << "cafile " << (dir_ / "ca.pem").string() << "\ncertfile " << (dir_ / "server.pem").string()
           << "\nkeyfile " << (dir_ / "server.key").string() << "\n";
    }
    conf.close();
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execl("/usr/sbin/mosquitto", "mosquitto", "-c", (dir_ / "mosquitto.conf").c_str(), nullptr);
      ::_exit(127);
    }
    for (int i = 0; i < 200 && !port_open(port_); ++i) std::this_thread::sleep_for(20ms);
  }
  ~Mosquitto() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
    fs::remove_all(dir_);
  }
  static bool available() { return fs::exists("/usr/sbin/mosquitto") && fs::exists("/usr/bin/openssl"); }
  unsigned short port() const { return port_; }
  unsigned short tls_port() const { return tls_port_; }
  std::string path(const char* name) const { return (dir_ / name).string(); }
  // A second CA that did not sign the broker's certificate.
  std::string other_ca() const { return (dir_ / "other.pem").string(); }

 private:
  void run(const std::string& cmd) { ASSERT_EQ(std::system((cmd + " >/dev/null 2>&1").c_str()), 0) << cmd; }
  void make_certificates() {
    const std::string d = dir_.string();
    run("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=test-ca -keyout " + d + "/ca.key -out " + d +
        "/ca.pem");
    run("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other-ca -keyout " + d + "/other.key -out " +
        d + "/other.pem");
    run("openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout " + d + "/server.key -out " + d +
        "/server.csr");
    run("openssl x509 -req -in " + d + "/server.csr -CA " + d + "/ca.pem -CAkey " + d + "/ca.key -CAcreateserial -days 2 -out " +
        d + "/server.pem");
    // Started as root, mosquitto drops to its own user, which must still read the key.
    fs::permissions(dir_ / "server.key", fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  }
  static inline int counter_ = 0;
  fs::path dir_;
  unsigned short port_ = 0, tls_port_ = 0;
  pid_t pid_ = -1;
};

Options options_for(const std::string& url) {
  Options o;
  o.url = url;
  o.product_key = "pk";
  o.device_key = "dk";
  o.device_secret = "secret";
  o.auto_reconnect = false;
  o.connect_timeout = 3s;
  return o;
}

}  // namespace

TEST(Client, InvalidUrlIsReportedAtOnce) {
  Client c(options_for("mqtt://nowhere"));
  EXPECT_EQ(c.connect(), errc::invalid_url);
  EXPECT_FALSE(c.is_connected());
}

TEST(Client, MissingKeysAreReported) {
  auto o = options_for("tcp://127.0.0.1:1");
  o.device_key.clear();
  Client c(o);
  EXPECT_EQ(c.connect(), errc::invalid_argument);
}

TEST(Client, ClosedPortIsReportedQuickly) {
  Client c(options_for("tcp://127.0.0.1:" + std::to_string(free_port())));
  auto t0 = std::chrono::steady_clock::now();
  auto ec = c.connect();
  EXPECT_EQ(ec, boost::asio::error::connection_refused) << ec.message();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
}

TEST(Client, SilentPeerGivesConnectTimeout) {
  asio::io_context io;
  asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
  auto o = options_for("tcp://127.0.0.1:" + std::to_string(a.local_endpoint().port()));
  o.connect_timeout = 300ms;
  Client c(o);
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(c.connect(), errc::connect_timeout);  // the kernel accepted; nobody answers the CONNECT
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  EXPECT_EQ(c.stats().connect_failures, 1u);
}

TEST(Client, PostsWhileOfflineGoToTheBoundedBuffer) {
  auto o = options_for("tcp://127.0.0.1:1");
  o.offline_buffer.max_messages = 3;
  Client c(o);
  for (int i = 0; i < 3; ++i) {
    auto r = c.publish(MeasurepointPost().add_measurepoint("temp", i).build());
    EXPECT_EQ(r.error(), errc::buffered_offline);
  }
  EXPECT_EQ(c.stats().buffer_size, 3u);
  EXPECT_EQ(c.stats().buffer_dropped, 0u);
  (void)c.publish(MeasurepointPost().add_measurepoint("temp", 3).build());  // N+1
  EXPECT_EQ(c.stats().buffer_size, 3u);
  EXPECT_EQ(c.stats().buffer_dropped, 1u);
  // Other requests are not buffered.
  EXPECT_EQ(c.publish(EventPost("e").build()).error(), errc::not_connected);
  EXPECT_EQ(c.fast_publish(AttributeQuery().build()), errc::not_connected);
}

TEST(Client, OfflineBufferCanBeTurnedOff) {
  auto o = options_for("tcp://127.0.0.1:1");
  o.offline_buffer.enabled = false;
  Client c(o);
  EXPECT_EQ(c.publish(MeasurepointPost().add_measurepoint("temp", 1).build()).error(), errc::not_connected);
  EXPECT_EQ(c.stats().buffer_size, 0u);
}

TEST(Client, SynchronousCallsInsideACallbackReturnWouldDeadlock) {
  if (!Mosquitto::available()) GTEST_SKIP() << "mosquitto not installed";
  Mosquitto broker(false);
  Client c(options_for("tcp://127.0.0.1:" + std::to_string(broker.port())));
  std::promise<std::pair<boost::system::error_code, boost::system::error_code>> seen;
  c.on_connect([&] {
    auto r = c.publish(MeasurepointPost().add_measurepoint("temp", 1).build());
    seen.set_value({r.error(), c.connect()});
  });
  ASSERT_FALSE(c.connect());
  auto f = seen.get_future();
  ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
  auto [publish_ec, connect_ec] = f.get();
  EXPECT_EQ(publish_ec, errc::would_deadlock);
  EXPECT_EQ(connect_ec, errc::would_deadlock);
  EXPECT_TRUE(c.is_connected());
  EXPECT_EQ(c.connect(), errc::already_connected);
  c.close();
  EXPECT_FALSE(c.is_connected());
}

TEST(Client, RequestWithoutReplyTimesOutAndPendingIsBounded) {
  if (!Mosquitto::available()) GTEST_SKIP() << "mosquitto not installed";
  Mosquitto broker(false);  // a plain broker: nobody answers EnOS requests
  auto o = options_for("tcp://127.0.0.1:" + std::to_string(broker.port()));
  o.operation_timeout = 300ms;
  o.max_pending_requests = 2;
  Client c(o);
  ASSERT_FALSE(c.connect());
  auto f1 = c.publish_future(AttributeQuery().build());
  auto f2 = c.publish_future(AttributeQuery().build());
  auto f3 = c.publish_future(AttributeQuery().build());  // N+1 pending
  EXPECT_EQ(f3.get().error(), errc::queue_full);
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(f1.get().error(), errc::timeout);
  EXPECT_EQ(f2.get().error(), errc::timeout);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  EXPECT_EQ(c.stats().timeouts, 2u);
  EXPECT_FALSE(c.fast_publish(AttributeQuery().build()));  // fire and forget needs no reply slot
}

TEST(Client, CloseFailsPendingRequestsAndConnectWorksAgain) {
  if (!Mosquitto::available()) GTEST_SKIP() << "mosquitto not installed";
  Mosquitto broker(false);
  auto o = options_for("tcp://127.0.0.1:" + std::to_string(broker.port()));
  Client c(o);
  ASSERT_FALSE(c.connect());
  auto f = c.publish_future(AttributeQuery().build());
  c.close();
  EXPECT_EQ(f.get().error(), errc::closed);
  ASSERT_FALSE(c.connect());
  EXPECT_TRUE(c.is_connected());
}

TEST(Client, LostConnectionIsNoticedAndReconnectsWithBackoff) {
  if (!Mosquitto::available()) GTEST_SKIP() << "mosquitto not installed";
  auto broker = std::make_unique<Mosquitto>(false);
  const auto port = broker->port();
  auto o = options_for("tcp://127.0.0.1:" + std::to_string(port));
  o.auto_reconnect = true;
  o.reconnect_min = 100ms;
  o.reconnect_max = 400ms;
  Client c(o);
  std::atomic<int> disconnects{0};
  c.on_disconnect([&](boost::system::error_code) { ++disconnects; });
  ASSERT_FALSE(c.connect());
  broker.reset();  // the broker goes away
  for (int i = 0; i < 100 && c.is_connected(); ++i) std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(c.is_connected());
  EXPECT_EQ(disconnects.load(), 1);
  auto post = c.publish(MeasurepointPost().add_measurepoint("temp", 1).build());
  EXPECT_EQ(post.error(), errc::buffered_offline);
  std::this_thread::sleep_for(600ms);  // some attempts fail meanwhile (backoff from 100 ms)
  // A broker on the same port again: the client comes back by itself.
  Mosquitto restarted(false, port);
  for (int i = 0; i < 200 && !c.is_connected(); ++i) std::this_thread::sleep_for(20ms);
  EXPECT_TRUE(c.is_connected());
  EXPECT_EQ(c.stats().connects, 2u);
  EXPECT_GE(c.stats().connect_failures, 1u);  // attempts while the broker was down
}

TEST(Client, TlsConnectsWithTheRightCaAndRefusesAnUnknownOne) {
  if (!Mosquitto::available()) GTEST_SKIP() << "mosquitto not installed";
  Mosquitto broker(true);
  auto o = options_for("ssl://127.0.0.1:" + std::to_string(broker.tls_port()));
  o.tls.ca_file = broker.path("ca.pem");
  for (int i = 0; i < 100 && !port_open(broker.tls_port()); ++i) std::this_thread::sleep_for(20ms);
  {
    Client c(o);
    auto ec = c.connect();
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_TRUE(c.is_connected());
    EXPECT_FALSE(c.fast_publish(MeasurepointPost().add_measurepoint("temp", 1).build()));
  }
  o.tls.ca_file = broker.other_ca();
  Client bad(o);
  auto t0 = std::chrono::steady_clock::now();
  auto ec = bad.connect();
  EXPECT_TRUE(ec);
  EXPECT_NE(ec, errc::connect_timeout) << "a certificate the CA did not sign fails the handshake at once";
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  o.tls.ca_file = broker.path("missing.pem");
  Client missing(o);
  EXPECT_TRUE(missing.connect());
}
