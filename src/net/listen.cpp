// SO_REUSEPORT listeners.
#include "net/listen.hpp"

#include <sys/socket.h>

namespace gridhub::net {

boost::system::error_code listen_shared(boost::asio::ip::tcp::acceptor& acceptor,
                                        const boost::asio::ip::tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (ec) return ec;
  acceptor.set_option(boost::asio::socket_base::reuse_address(true), ec);
  if (ec) return ec;
  int one = 1;
  if (::setsockopt(acceptor.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0)
    return {errno, boost::system::system_category()};
  acceptor.bind(endpoint, ec);
  if (ec) return ec;
  acceptor.listen(boost::asio::socket_base::max_listen_connections, ec);
  return ec;
}

}  // namespace gridhub::net
