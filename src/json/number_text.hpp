// Exact doubles from JSON number text: the characters of one number, gathered across the pieces a streaming
// parse delivers them in, and their correctly rounded value (Boost.JSON 1.81 can be one ulp off).
#ifndef GRIDHUB_JSON_NUMBER_TEXT_HPP
#define GRIDHUB_JSON_NUMBER_TEXT_HPP

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

namespace gridhub::json {

// The value of `text`, a number Boost's grammar accepted, rounded correctly (std::from_chars). `approx` is
// Boost's own reading of the same text; it decides the direction when the exact value is out of the double
// range, so overflow gives ±inf and underflow ±0 exactly as boost::json::parse does.
double exact_double(std::string_view text, double approx) noexcept;

// One number's text. Numbers are short, so the pieces go into an inline buffer; a longer one (JSON puts no
// bound on digits, and some writers print a double's full decimal expansion) moves to the heap instead of
// being cut or rejected, so a streaming parse accepts exactly what a one-shot parse accepts.
class NumberText {
 public:
  static constexpr std::size_t kInline = 64;

  bool empty() const noexcept { return size_ == 0 && spill_.empty(); }
  void clear() noexcept {
    size_ = 0;
    spill_.clear();
  }
  void append(std::string_view s) {
    if (!spill_.empty()) {
      spill_.append(s);
    } else if (s.size() <= kInline - size_) {
      if (!s.empty()) std::memcpy(inline_ + size_, s.data(), s.size());
      size_ += s.size();
    } else {
      spill_.reserve(size_ + s.size());
      spill_.assign(inline_, size_);
      spill_.append(s);
    }
  }
  std::string_view view() const noexcept {
    return spill_.empty() ? std::string_view(inline_, size_) : std::string_view(spill_);
  }

 private:
  char inline_[kInline];
  std::size_t size_ = 0;  // bytes used in inline_ while spill_ is empty
  std::string spill_;
};

}  // namespace gridhub::json

#endif
