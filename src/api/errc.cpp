// Messages of the api error category.
#include "api/errc.hpp"

#include <string>

namespace gridhub::api {

namespace {

class Category final : public boost::system::error_category {
 public:
  // A fixed id makes codes from this category compare equal across shared objects (Boost.System rule).
  constexpr Category() noexcept : boost::system::error_category(0x3a91f05c6e2d7b44ULL) {}
  const char* name() const noexcept override { return "gridhub.api"; }
  std::string message(int ev) const override { return message(ev, nullptr, 0); }
  const char* message(int ev, char*, std::size_t) const noexcept override {
    switch (static_cast<errc>(ev)) {
      case errc::unauthorized: return "missing or invalid token";
      case errc::forbidden: return "no permission for this OU";
      case errc::no_permission: return "no permission for this action";
      case errc::too_many_attempts: return "too many failed attempts, try again later";
      case errc::not_found: return "not found";
      case errc::invalid_param: return "invalid parameter";
      case errc::unknown_action: return "unknown action";
      case errc::method_not_allowed: return "method not allowed";
      case errc::body_too_large: return "request body too large";
      case errc::header_too_large: return "request header too large";
      case errc::model_in_use: return "model in use";
      case errc::internal: return "internal error";
    }
    return "unknown api error";
  }
};

constexpr Category kCategory;

}  // namespace

const boost::system::error_category& api_category() noexcept { return kCategory; }

}  // namespace gridhub::api
