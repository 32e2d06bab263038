// Arrival order: how devices deliver their points (each 10 s step, every device posts its points), walked
// in batches so an engine can be handed a batch at a time.
#pragma once
#include <cstddef>
#include <cstdint>

#include "dataset.hpp"

namespace gridhub::bench {

class ArrivalCursor {
 public:
  // The main data: devices 0..tl.devices-1, all points, tl.main_steps() steps.
  static ArrivalCursor main_data(const Timeline& tl) {
    return ArrivalCursor(0, tl.devices, 0, kPointCount, tl.main_steps());
  }
  // The extra series (kExtraDevice's temp), tl.extra_steps() steps.
  static ArrivalCursor extra_series(const Timeline& tl) {
    return ArrivalCursor(kExtraDevice, 1, kTempPoint, 1, tl.extra_steps());
  }

  bool done() const { return step_ >= steps_; }
  uint64_t total() const { return static_cast<uint64_t>(steps_) * device_count_ * point_count_; }

  // Calls emit(SeriesRef, step) for up to `max` next points; returns how many.
  template <class Emit>
  std::size_t next(std::size_t max, Emit&& emit) {
    std::size_t n = 0;
    while (n < max && step_ < steps_) {
      emit(SeriesRef{device_begin_ + device_, point_begin_ + point_}, step_);
      ++n;
      if (++point_ == point_count_) {
        point_ = 0;
        if (++device_ == device_count_) {
          device_ = 0;
          ++step_;
        }
      }
    }
    return n;
  }

 private:
  ArrivalCursor(uint32_t device_begin, uint32_t device_count, int point_begin, int point_count, int64_t steps)
      : device_begin_(device_begin),
        device_count_(device_count),
        point_begin_(point_begin),
        point_count_(point_count),
        steps_(steps) {}

  uint32_t device_begin_, device_count_;
  int point_begin_, point_count_;
  int64_t steps_;
  int64_t step_ = 0;
  uint32_t device_ = 0;
  int point_ = 0;
};

}  // namespace gridhub::bench
