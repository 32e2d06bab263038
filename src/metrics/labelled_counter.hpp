// Counters with one label, over a bounded set of label values, so that no input can grow a scrape (or the
// server's memory) without limit:
// - LabelledCounter: the values are fixed when it is made (login failure reasons, HTTP status classes);
// - CodeCounter: integer values (reply codes) claimed on first use, up to a capacity; later ones count as
//   "other".
// inc() is a relaxed atomic add (after a short scan of the claimed codes for CodeCounter): no lock, no
// allocation.
#pragma once
#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "metrics/registry.hpp"

namespace gridhub::metrics {

class LabelledCounter final : public Metric {
 public:
  LabelledCounter(std::string_view name, std::string_view help, std::string_view label,
                  std::initializer_list<std::string_view> values, Registry& registry = default_registry());

  // `index` is the position of the value in the constructor's list; one past the end is ignored.
  void inc(std::size_t index, uint64_t n = 1) noexcept {
    if (index < values_.size()) counts_[index].fetch_add(n, std::memory_order_relaxed);
  }
  // The position of `value` in the list, or size() when it is not there.
  std::size_t index_of(std::string_view value) const;
  uint64_t value(std::size_t index) const noexcept {
    return index < values_.size() ? counts_[index].load(std::memory_order_relaxed) : 0;
  }
  std::size_t size() const noexcept { return values_.size(); }
  void render(std::string& out) const override;

 private:
  std::string label_;
  std::vector<std::string> values_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  Registration registration_{*this};  // last: see Registration
};

class CodeCounter final : public Metric {
 public:
  static constexpr std::string_view kOtherLabel = "other";

  // Room for `capacity` distinct codes.
  CodeCounter(std::string_view name, std::string_view help, std::string_view label, std::size_t capacity,
              Registry& registry = default_registry());

  void inc(int64_t code, uint64_t n = 1) noexcept;
  uint64_t value(int64_t code) const noexcept;  // 0 for a code never counted (or counted as "other")
  uint64_t other() const noexcept { return other_.load(std::memory_order_relaxed); }
  std::size_t capacity() const noexcept { return capacity_; }
  // Codes in ascending order, then "other" when it is not 0.
  void render(std::string& out) const override;

 private:
  static constexpr int64_t kFree = INT64_MIN;  // a slot not claimed yet (so INT64_MIN itself counts as other)
  struct Slot {
    std::atomic<int64_t> code{kFree};
    std::atomic<uint64_t> count{0};
  };
  std::string label_;
  std::size_t capacity_;
  std::unique_ptr<Slot[]> slots_;
  std::atomic<uint64_t> other_{0};
  Registration registration_{*this};
};

}  // namespace gridhub::metrics
