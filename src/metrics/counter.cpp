// Rendering of counters and gauges.
#include "metrics/counter.hpp"

#include "metrics/text_format.hpp"

namespace gridhub::metrics {

namespace {

template <class T>
void render_single(const Metric& m, std::string_view type, T value, std::string& out) {
  append_header(m.name(), m.help(), type, out);
  out += m.name();
  out += ' ';
  append_value(value, out);
  out += '\n';
}

}  // namespace

void Counter::render(std::string& out) const { render_single(*this, "counter", value(), out); }

void Gauge::render(std::string& out) const { render_single(*this, "gauge", value(), out); }

void GaugeFunction::render(std::string& out) const {
  render_single(*this, "gauge", read_ ? read_() : 0.0, out);
}

}  // namespace gridhub::metrics
