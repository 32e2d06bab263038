// One connection's byte stream: plain TCP or TLS over TCP, behind one small interface, completions on the
// client's strand.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/strand.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace gridhub::device::detail {

using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;
using IoHandler = std::function<void(boost::system::error_code, std::size_t)>;
using Handler = std::function<void(boost::system::error_code)>;

// Not thread-safe: used on the strand only. One read and one write may be in flight at a time.
class Transport {
 public:
  // tls == nullptr: plain TCP.
  Transport(Strand strand, std::shared_ptr<boost::asio::ssl::context> tls);

  void async_connect(const boost::asio::ip::tcp::resolver::results_type& endpoints, Handler done);
  // TLS only (a no-op completing at once for TCP): sends SNI `host` and verifies the hub's chain.
  void async_handshake(const std::string& host, Handler done);
  void async_read_some(boost::asio::mutable_buffer buf, IoHandler done);
  void async_write(boost::asio::const_buffer buf, IoHandler done);
  // Closes the socket (pending operations complete with operation_aborted). No TLS close_notify: the MQTT
  // DISCONNECT already said goodbye, and waiting for the peer's notify would delay shutdown.
  void close();

 private:
  boost::asio::ip::tcp::socket& socket();

  Strand strand_;
  std::shared_ptr<boost::asio::ssl::context> ctx_;
  std::optional<boost::asio::ip::tcp::socket> tcp_;
  std::optional<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> tls_;
};

// A TLS client context from the options' files. Errors: the OpenSSL error of the file that failed.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const std::string& ca_file, const std::string& cert_file,
                                                            const std::string& key_file,
                                                            const std::string& key_password,
                                                            bool verify_hostname, const std::string& host,
                                                            boost::system::error_code& ec);

}  // namespace gridhub::device::detail
