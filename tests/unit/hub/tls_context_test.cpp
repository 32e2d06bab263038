// net::make_tls_server_context: files that load or not (clear errors, never key material), and the protocol
// policy on a real loopback handshake: 1.2 and 1.3 accepted, 1.1 refused, a client certificate requested.
#include "net/tls_context.hpp"

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "pki/pki.hpp"

namespace gridhub::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

class TlsContextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("gridhub-tls-ctx-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    std::string error;
    auto files = pki::ensure_local_tls(dir_, {"localhost", "127.0.0.1"}, error);
    ASSERT_TRUE(files) << error;
    files_ = *files;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    auto p = (dir_ / name).string();
    std::ofstream(p) << text;
    return p;
  }

  // One handshake: the server accepts on loopback in a thread, the client connects with [min, max] versions.
  // Returns the client's error ("" on success) and the protocol and whether the server asked for a certificate.
  struct Outcome {
    std::string client_error, version;
    bool server_ok = false;
  };
  Outcome handshake(asio::ssl::context& server_ctx, int min_version, int max_version) {
    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    Outcome out;
    std::thread server([&] {
      tcp::socket s(io);
      acceptor.accept(s);
      asio::ssl::stream<tcp::socket&> tls(s, server_ctx);
      boost::system::error_code ec;
      tls.handshake(asio::ssl::stream_base::server, ec);
      out.server_ok = !ec;
    });
    asio::ssl::context client_ctx(asio::ssl::context::tls_client);
    SSL_CTX_set_security_level(client_ctx.native_handle(), 0);  // let the client offer TLS 1.1 at all
    SSL_CTX_set_cipher_list(client_ctx.native_handle(), "DEFAULT:@SECLEVEL=0");
    SSL_CTX_set_min_proto_version(client_ctx.native_handle(), min_version);
    SSL_CTX_set_max_proto_version(client_ctx.native_handle(), max_version);
    client_ctx.load_verify_file(files_.ca_cert.string());
    client_ctx.set_verify_mode(asio::ssl::verify_peer);
    tcp::socket c(io);
    c.connect(acceptor.local_endpoint());
    asio::ssl::stream<tcp::socket&> tls(c, client_ctx);
    boost::system::error_code ec;
    tls.handshake(asio::ssl::stream_base::client, ec);
    if (ec) out.client_error = ec.message();
    else out.version = SSL_get_version(tls.native_handle());
    c.close();
    server.join();
    return out;
  }

  std::filesystem::path dir_;
  pki::LocalTlsFiles files_;
};

TEST_F(TlsContextTest, MissingFilesAreNamedInTheError) {
  std::string error;
  EXPECT_EQ(make_tls_server_context({"", files_.server_key.string()}, error), nullptr);
  EXPECT_NE(error.find("both"), std::string::npos) << error;
  EXPECT_EQ(make_tls_server_context({(dir_ / "nope.pem").string(), files_.server_key.string()}, error), nullptr);
  EXPECT_NE(error.find("nope.pem"), std::string::npos) << error;
  EXPECT_EQ(make_tls_server_context({files_.server_cert.string(), (dir_ / "nokey.pem").string()}, error), nullptr);
  EXPECT_NE(error.find("nokey.pem"), std::string::npos) << error;
}

TEST_F(TlsContextTest, KeyOfAnotherCertificateIsRefusedWithoutShowingIt) {
  std::string error;
  // The CA's key does not belong to the server certificate.
  EXPECT_EQ(make_tls_server_context({files_.server_cert.string(), files_.ca_key.string()}, error), nullptr);
  EXPECT_FALSE(error.empty());
  EXPECT_EQ(error.find("PRIVATE"), std::string::npos) << error;
}

TEST_F(TlsContextTest, GarbageFilesAreRefused) {
  std::string error;
  const auto junk = write("junk.pem", "not a certificate\n");
  EXPECT_EQ(make_tls_server_context({junk, files_.server_key.string()}, error), nullptr);
  EXPECT_EQ(make_tls_server_context({files_.server_cert.string(), junk}, error), nullptr);
}

TEST_F(TlsContextTest, Tls12AndTls13AreAcceptedAndTls11IsNot) {
  std::string error;
  auto ctx = make_tls_server_context({files_.server_cert.string(), files_.server_key.string(), true}, error);
  ASSERT_TRUE(ctx) << error;
  auto v13 = handshake(*ctx, TLS1_3_VERSION, TLS1_3_VERSION);
  EXPECT_EQ(v13.client_error, "");
  EXPECT_EQ(v13.version, "TLSv1.3");
  EXPECT_TRUE(v13.server_ok);
  auto v12 = handshake(*ctx, TLS1_2_VERSION, TLS1_2_VERSION);
  EXPECT_EQ(v12.client_error, "");
  EXPECT_EQ(v12.version, "TLSv1.2");
  auto v11 = handshake(*ctx, TLS1_1_VERSION, TLS1_1_VERSION);
  EXPECT_NE(v11.client_error, "");
  EXPECT_FALSE(v11.server_ok);
}

TEST_F(TlsContextTest, ClientCertificateIsRequestedButNotRequired) {
  std::string error;
  auto ctx = make_tls_server_context({files_.server_cert.string(), files_.server_key.string(), true}, error);
  ASSERT_TRUE(ctx) << error;
  EXPECT_EQ(SSL_CTX_get_verify_mode(ctx->native_handle()), SSL_VERIFY_PEER);
  EXPECT_TRUE(handshake(*ctx, TLS1_2_VERSION, TLS1_3_VERSION).server_ok);  // no client certificate: fine
  auto plain = make_tls_server_context({files_.server_cert.string(), files_.server_key.string(), false}, error);
  ASSERT_TRUE(plain) << error;
  EXPECT_EQ(SSL_CTX_get_verify_mode(plain->native_handle()), SSL_VERIFY_NONE);
  EXPECT_TRUE(SSL_CTX_get_mode(plain->native_handle()) & SSL_MODE_RELEASE_BUFFERS);
}

}  // namespace
}  // namespace gridhub::net
