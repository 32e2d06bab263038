// Messages of the enos error category and the errc -> EnOS return code mapping.
#include "enos/errc.hpp"

#include <string>

#include "enos/codes.hpp"

namespace gridhub::enos {

namespace {

class Category final : public boost::system::error_category {
 public:
  // A fixed id makes codes from this category compare equal across shared objects (Boost.System rule).
  constexpr Category() noexcept : boost::system::error_category(0x3c81d5e07a94b26fULL) {}
  const char* name() const noexcept override { return "gridhub.enos"; }
  std::string message(int ev) const override { return message(ev, nullptr, 0); }
  const char* message(int ev, char*, std::size_t) const noexcept override {
    switch (static_cast<errc>(ev)) {
      case errc::empty_payload:
        return "payload is empty";
      case errc::bad_json:
        return "payload is not a valid JSON object";
      case errc::too_large:
        return "payload is too large";
      case errc::bad_reply_code:
        return "reply code is missing or not an integer";
      case errc::bad_client_id:
        return "client id is not prefix|key=value,...|";
      case errc::bad_secure_mode:
        return "client id securemode is missing or not an integer";
      case errc::bad_sign_method:
        return "client id signmethod is missing or unsupported";
      case errc::missing_timestamp:
        return "client id timestamp is missing";
      case errc::bad_username:
        return "username is not deviceKey&productKey";
    }
    return "unknown enos error";
  }
};

constexpr Category kCategory;

}  // namespace

const boost::system::error_category& enos_category() noexcept { return kCategory; }

int to_return_code(boost::system::error_code ec) noexcept {
  if (!ec) return kSuccess;
  if (ec.category() != kCategory) return kInternalError;
  switch (static_cast<errc>(ec.value())) {
    case errc::empty_payload:
      return kEmptyPayload;
    case errc::bad_json:
      return kBadJson;
    case errc::too_large:
      return kTooLarge;
    case errc::bad_reply_code:
      return kParamError;
    case errc::bad_client_id:
    case errc::bad_secure_mode:
    case errc::bad_sign_method:
    case errc::missing_timestamp:
    case errc::bad_username:
      return kAuthFailed;
  }
  return kInternalError;
}

}  // namespace gridhub::enos
