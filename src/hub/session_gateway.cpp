// A gateway's sub-devices on its connection (spec enos-device-protocol.md §4.6): login, logout, presence, kicks.
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "hub/session.hpp"

namespace gridhub::hub {

namespace asio = boost::asio;

void Session::kick_async(std::string pk, std::string dk, bool deleted) {
  asio::post(socket_.get_executor(), [self = shared_from_this(), pk = std::move(pk), dk = std::move(dk), deleted] {
    self->kick(pk, dk, deleted);
  });
}

void Session::kick(const std::string& pk, const std::string& dk, bool deleted) {
  if (closed_) return;
  if (login_.device.product_key == pk && login_.device.device_key == dk) return close();
  // PLACEHOLDER not implemented yet: sub-device logout + combine notice
}

void Session::logout_all_sub_devices() {
  // PLACEHOLDER not implemented yet
  sub_devices_.clear();
}

}  // namespace gridhub::hub
