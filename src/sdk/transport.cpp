// Plain and TLS streams for the client (Boost.Asio + asio::ssl on OpenSSL).
#include "sdk/transport.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/write.hpp>

namespace gridhub::device::detail {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;

Transport::Transport(Strand strand, std::shared_ptr<ssl::context> tls) : strand_(strand), ctx_(std::move(tls)) {
  if (ctx_)
    tls_.emplace(strand_, *ctx_);
  else
    tcp_.emplace(strand_);
}

tcp::socket& Transport::socket() { return tls_ ? tls_->next_layer() : *tcp_; }

void Transport::async_connect(const tcp::resolver::results_type& endpoints, Handler done) {
  asio::async_connect(socket(), endpoints,
                      asio::bind_executor(strand_, [done = std::move(done)](boost::system::error_code ec,
                                                                            const tcp::endpoint&) { done(ec); }));
}

void Transport::async_handshake(const std::string& host, Handler done) {
  if (!tls_) {
    asio::post(strand_, [done = std::move(done)] { done({}); });
    return;
  }
  // SNI, as the Python SDK sends it (a hub serving several names picks its certificate from it).
  SSL_set_tlsext_host_name(tls_->native_handle(), host.c_str());
  tls_->async_handshake(ssl::stream_base::client, asio::bind_executor(strand_, std::move(done)));
}

void Transport::async_read_some(asio::mutable_buffer buf, IoHandler done) {
  if (tls_)
    tls_->async_read_some(buf, asio::bind_executor(strand_, std::move(done)));
  else
    tcp_->async_read_some(buf, asio::bind_executor(strand_, std::move(done)));
}

void Transport::async_write(asio::const_buffer buf, IoHandler done) {
  if (tls_)
    asio::async_write(*tls_, buf, asio::bind_executor(strand_, std::move(done)));
  else
    asio::async_write(*tcp_, buf, asio::bind_executor(strand_, std::move(done)));
}

void Transport::close() {
  boost::system::error_code ignored;
  socket().shutdown(tcp::socket::shutdown_both, ignored);
  socket().close(ignored);
}

std::shared_ptr<ssl::context> make_tls_context(const std::string& ca_file, const std::string& cert_file,
                                               const std::string& key_file, const std::string& key_password,
                                               bool verify_hostname, const std::string& host,
                                               boost::system::error_code& ec) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                   ec);
  if (ec) return nullptr;
  ctx->set_verify_mode(ssl::verify_peer, ec);
  if (ec) return nullptr;
  if (ca_file.empty())
    ctx->set_default_verify_paths(ec);
  else
    ctx->load_verify_file(ca_file, ec);
  if (ec) return nullptr;
  if (!key_password.empty())
    ctx->set_password_callback([key_password](std::size_t, ssl::context::password_purpose) { return key_password; },
                               ec);
  if (ec) return nullptr;
  if (!cert_file.empty()) {
    ctx->use_certificate_chain_file(cert_file, ec);
    if (ec) return nullptr;
    ctx->use_private_key_file(key_file.empty() ? cert_file : key_file, ssl::context::pem, ec);
    if (ec) return nullptr;
  }
  if (verify_hostname) ctx->set_verify_callback(ssl::host_name_verification(host), ec);
  if (ec) return nullptr;
  return ctx;
}

}  // namespace gridhub::device::detail
