// Messages of the tsdb error category.
#include "tsdb/errc.hpp"

#include <string>

namespace gridhub::tsdb {

namespace {

class ErrorCategory final : public boost::system::error_category {
 public:
  // A fixed id makes codes from this category compare equal across shared objects (Boost.System rule).
  constexpr ErrorCategory() noexcept : boost::system::error_category(0x9d1c5a3b7e2f4061ULL) {}
  const char* name() const noexcept override { return "gridhub.tsdb"; }
  std::string message(int ev) const override { return message(ev, nullptr, 0); }
  const char* message(int ev, char*, std::size_t) const noexcept override {
    switch (static_cast<errc>(ev)) {
      case errc::bad_sample:
        return "sample has an empty id or an unknown value kind";
      case errc::id_too_long:
        return "asset or point id too long";
      case errc::value_too_large:
        return "string value too large";
      case errc::batch_too_large:
        return "batch larger than max_batch_bytes";
      case errc::bad_options:
        return "store options out of range";
      case errc::locked:
        return "store directory is locked by another store";
      case errc::corrupt_record:
        return "corrupt WAL record";
      case errc::corrupt_checkpoint:
        return "corrupt checkpoint";
      case errc::bad_query:
        return "bad history query";
      case errc::corrupt_block:
        return "corrupt block";
    }
    return "unknown tsdb error";
  }
};

constexpr ErrorCategory kCategory;

}  // namespace

const boost::system::error_category& tsdb_category() noexcept { return kCategory; }

}  // namespace gridhub::tsdb
