// Messages of the device SDK's error category.
#include "gridhub/device/errc.hpp"

#include <string>

namespace gridhub::device {

namespace {

class Category final : public boost::system::error_category {
 public:
  constexpr Category() noexcept : boost::system::error_category(0x5be2c47a90d13f61ULL) {}
  const char* name() const noexcept override { return "gridhub.device"; }
  std::string message(int ev) const override { return message(ev, nullptr, 0); }
  const char* message(int ev, char*, std::size_t) const noexcept override {
    switch (static_cast<errc>(ev)) {
      case errc::invalid_url:
        return "URL is not tcp://host:port or ssl://host:port";
      case errc::invalid_argument:
        return "invalid argument";
      case errc::bad_credentials:
        return "login refused: bad username or password (CONNACK 4: check the keys and the secret)";
      case errc::not_authorized:
        return "login refused: not authorized (CONNACK 5: unknown or disabled device)";
      case errc::connection_refused_by_hub:
        return "login refused by the hub";
      case errc::connect_timeout:
        return "no answer to the login within the connect timeout";
      case errc::not_connected:
        return "not connected";
      case errc::timeout:
        return "no reply within the operation timeout";
      case errc::connection_lost:
        return "connection lost before the reply";
      case errc::closed:
        return "client closed";
      case errc::queue_full:
        return "too many requests in flight or bytes queued";
      case errc::would_deadlock:
        return "synchronous call on the client's io thread (use the async form in callbacks)";
      case errc::protocol_error:
        return "the hub sent an invalid MQTT packet or envelope";
      case errc::buffered_offline:
        return "offline: kept in the offline buffer, to be resumed after reconnecting";
      case errc::message_too_large:
        return "message larger than 512 KiB";
      case errc::already_connected:
        return "already connected";
      case errc::buffer_io_error:
        return "offline buffer file could not be read or written";
    }
    return "unknown device SDK error";
  }
};

constexpr Category kCategory;

}  // namespace

const boost::system::error_category& device_category() noexcept { return kCategory; }

}  // namespace gridhub::device
