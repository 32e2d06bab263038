// The metric registry: every metric of the process registers itself here when it is constructed, and a scrape
// renders them all, in registration order, as Prometheus text. The hot path never touches the registry:
// updating a metric is an atomic add on the metric itself.
#pragma once
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace gridhub::metrics {

class Registry;

// One metric family (a name, its help and its samples). Not copyable: the registry holds its address.
class Metric {
 public:
  Metric(const Metric&) = delete;
  Metric& operator=(const Metric&) = delete;
  virtual ~Metric() = default;

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  // False when the registry refused the metric (an invalid name, or one already taken): it still counts,
  // but no scrape shows it.
  bool registered() const { return registered_; }

  // Appends the family, "# HELP" and "# TYPE" lines first. Thread-safe against concurrent updates.
  virtual void render(std::string& out) const = 0;

 protected:
  Metric(Registry& registry, std::string_view name, std::string_view help)
      : registry_(registry), name_(name), help_(help) {}

 private:
  friend class Registration;
  Registry& registry_;
  bool registered_ = false;
  std::string name_, help_;
};

// Keeps its metric in the registry while it lives. The LAST member of every concrete metric: it is built after
// the metric's state and destroyed before it, while the metric's own type is in force, so a scrape on another
// thread never renders a metric half built or half destroyed (a base-class registration would: "pure virtual
// method called").
class Registration {
 public:
  explicit Registration(Metric& metric);
  ~Registration();
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;

 private:
  Metric& metric_;
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Every registered metric as Prometheus text 0.0.4. Thread-safe.
  std::string render() const;
  std::size_t size() const;
  bool contains(std::string_view name) const;

 private:
  friend class Registration;
  bool add(Metric* metric);  // false for an invalid or duplicate name
  void remove(Metric* metric);

  mutable std::mutex mutex_;  // guards metrics_ (registration and scrapes only)
  std::vector<Metric*> metrics_;
};

// The process-wide registry (the gridhub_* metrics of catalog.hpp live there). Constructed on first use, so
// metrics defined at namespace scope may register with it from any translation unit.
Registry& default_registry();

}  // namespace gridhub::metrics
