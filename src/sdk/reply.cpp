// Reply's builder method that is not inline.
#include "gridhub/device/commands.hpp"

namespace gridhub::device {

Reply& Reply::add_output_data(std::string_view name, boost::json::value v) {
  if (!data.is_object()) data = boost::json::object();
  data.get_object()[name] = std::move(v);
  return *this;
}

}  // namespace gridhub::device
