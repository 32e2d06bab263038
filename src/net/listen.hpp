// Listening sockets shared by the MQTT hub and the HTTP API: one acceptor per io_context on the same port.
#pragma once
#include <boost/asio/ip/tcp.hpp>
#include <system_error>

namespace gridhub::net {

// Opens, binds (SO_REUSEADDR + SO_REUSEPORT, so that every loop can accept on the same port and the kernel
// spreads connections across them) and listens. Returns the error of the first step that failed.
boost::system::error_code listen_shared(boost::asio::ip::tcp::acceptor& acceptor,
                                        const boost::asio::ip::tcp::endpoint& endpoint);

}  // namespace gridhub::net
