// Labelled counters: updates and rendering.
#include "metrics/labelled_counter.hpp"

#include <algorithm>
#include <utility>

#include "metrics/text_format.hpp"

namespace gridhub::metrics {

namespace {

void append_sample(std::string_view name, std::string_view label, std::string_view value, uint64_t count,
                   std::string& out) {
  out += name;
  out += '{';
  out += label;
  out += "=\"";
  append_label_value(value, out);
  out += "\"} ";
  append_value(count, out);
  out += '\n';
}

}  // namespace

LabelledCounter::LabelledCounter(std::string_view name, std::string_view help, std::string_view label,
                                 std::initializer_list<std::string_view> values, Registry& registry)
    : Metric(registry, name, help),
      label_(label),
      values_(values.begin(), values.end()),
      counts_(std::make_unique<std::atomic<uint64_t>[]>(values.size())) {}

std::size_t LabelledCounter::index_of(std::string_view value) const {
  return static_cast<std::size_t>(std::find(values_.begin(), values_.end(), value) - values_.begin());
}

void LabelledCounter::render(std::string& out) const {
  append_header(name(), help(), "counter", out);
  for (std::size_t i = 0; i < values_.size(); ++i) append_sample(name(), label_, values_[i], value(i), out);
}

CodeCounter::CodeCounter(std::string_view name, std::string_view help, std::string_view label,
                         std::size_t capacity, Registry& registry)
    : Metric(registry, name, help), label_(label), capacity_(capacity), slots_(std::make_unique<Slot[]>(capacity)) {}

void CodeCounter::inc(int64_t code, uint64_t n) noexcept {
  if (code != kFree) {
    // Slots are claimed front to back and never released, so the scan stops at the first free one: a code is
    // either in a claimed slot before it, or we claim it (another thread may win the slot with another code,
    // or with the same one: then we look again at what it holds).
    for (std::size_t i = 0; i < capacity_; ++i) {
      Slot& s = slots_[i];
      int64_t held = s.code.load(std::memory_order_relaxed);
      if (held == kFree && s.code.compare_exchange_strong(held, code, std::memory_order_relaxed)) held = code;
      if (held == code) {
        s.count.fetch_add(n, std::memory_order_relaxed);
        return;
      }
    }
  }
  other_.fetch_add(n, std::memory_order_relaxed);
}

uint64_t CodeCounter::value(int64_t code) const noexcept {
  if (code == kFree) return 0;
  for (std::size_t i = 0; i < capacity_; ++i) {
    const int64_t held = slots_[i].code.load(std::memory_order_relaxed);
    if (held == kFree) break;
    if (held == code) return slots_[i].count.load(std::memory_order_relaxed);
  }
  return 0;
}

void CodeCounter::render(std::string& out) const {
  append_header(name(), help(), "counter", out);
  std::vector<std::pair<int64_t, uint64_t>> rows;
  for (std::size_t i = 0; i < capacity_; ++i) {
    const int64_t code = slots_[i].code.load(std::memory_order_relaxed);
    if (code == kFree) break;
    rows.emplace_back(code, slots_[i].count.load(std::memory_order_relaxed));
  }
  std::sort(rows.begin(), rows.end());
  for (const auto& [code, count] : rows) append_sample(name(), label_, std::to_string(code), count, out);
  if (const uint64_t n = other(); n > 0) append_sample(name(), label_, kOtherLabel, n, out);
}

}  // namespace gridhub::metrics
