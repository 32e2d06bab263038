// Messages of the model error category.
#include "model/errc.hpp"

#include <string>

namespace gridhub::model {

namespace {

class Category final : public boost::system::error_category {
 public:
  // A fixed id makes codes from this category compare equal across shared objects (Boost.System rule).
  constexpr Category() noexcept : boost::system::error_category(0x4b7e19c2d05a3f88ULL) {}
  const char* name() const noexcept override { return "gridhub.model"; }
  std::string message(int ev) const override { return message(ev, nullptr, 0); }
  const char* message(int ev, char*, std::size_t) const noexcept override {
    switch (static_cast<errc>(ev)) {
      case errc::invalid_json:
        return "not valid JSON, too deep or too large";
      case errc::missing_key:
        return "a required key is missing";
      case errc::wrong_type:
        return "a key has the wrong JSON type";
      case errc::unknown_class:
        return "unknown element type ($class / dataType)";
      case errc::invalid_value:
        return "a key has an invalid value";
      case errc::invalid_identifier:
        return "invalid identifier";
      case errc::too_many_elements:
        return "too many elements in the model";
      case errc::limit_exceeded:
        return "a model limit was exceeded";
      case errc::duplicate_identifier:
        return "duplicate identifier";
      case errc::inheritance_cycle:
        return "inheritance chain repeats a model";
      case errc::unknown_element:
        return "element not defined in the model";
      case errc::type_mismatch:
        return "value type does not match the model";
      case errc::out_of_range:
        return "value out of range";
      case errc::invalid_quality:
        return "quality must be an integer";
      case errc::missing_parameter:
        return "required parameter missing";
      case errc::unknown_parameter:
        return "parameter not defined in the model";
      case errc::null_value:
        return "null value";
      case errc::too_long:
        return "value too long";
    }
    return "unknown model error";
  }
};

constexpr Category kCategory;

}  // namespace

const boost::system::error_category& model_category() noexcept { return kCategory; }

}  // namespace gridhub::model
