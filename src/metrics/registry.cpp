// Registration and rendering of the metric families.
#include "metrics/registry.hpp"

#include <algorithm>

#include "metrics/text_format.hpp"

namespace gridhub::metrics {

Registration::Registration(Metric& metric) : metric_(metric) {
  metric_.registered_ = metric_.registry_.add(&metric_);
}

Registration::~Registration() {
  if (metric_.registered_) metric_.registry_.remove(&metric_);
}

bool Registry::add(Metric* metric) {
  if (!valid_metric_name(metric->name())) return false;
  std::lock_guard lock(mutex_);
  for (const Metric* m : metrics_)
    if (m->name() == metric->name()) return false;
  metrics_.push_back(metric);
  return true;
}

void Registry::remove(Metric* metric) {
  std::lock_guard lock(mutex_);
  metrics_.erase(std::remove(metrics_.begin(), metrics_.end(), metric), metrics_.end());
}

std::string Registry::render() const {
  std::string out;
  out.reserve(8192);
  std::lock_guard lock(mutex_);
  for (const Metric* m : metrics_) m->render(out);
  return out;
}

std::size_t Registry::size() const {
  std::lock_guard lock(mutex_);
  return metrics_.size();
}

bool Registry::contains(std::string_view name) const {
  std::lock_guard lock(mutex_);
  return std::any_of(metrics_.begin(), metrics_.end(), [&](const Metric* m) { return m->name() == name; });
}

Registry& default_registry() {
  static Registry registry;
  return registry;
}

}  // namespace gridhub::metrics
