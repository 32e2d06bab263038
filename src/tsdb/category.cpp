// Names of the storage categories as EnOS spells its storage types.
#include "tsdb/sample.hpp"

namespace gridhub::tsdb {

namespace {
constexpr std::string_view kNames[kCategoryCount] = {"AI_RAW", "AI_NORMALIZED", "DI", "PI", "GENERIC"};
}

std::string_view to_string(Category c) {
  const auto i = static_cast<unsigned>(c);
  return i < kCategoryCount ? kNames[i] : std::string_view("UNKNOWN");
}

bool parse_category(std::string_view name, Category& out) {
  for (int i = 0; i < kCategoryCount; ++i) {
    if (kNames[i] == name) {
      out = static_cast<Category>(i);
      return true;
    }
  }
  return false;
}

}  // namespace gridhub::tsdb
