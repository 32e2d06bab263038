// Objects, arrays and doubles by hand; strings, integers, booleans and null through Boost.JSON.
#include "loadgen/json_line.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <cmath>

namespace gridhub::bench {

namespace json = boost::json;

namespace {

void write(const json::value& v, std::string& out) {
  switch (v.kind()) {
    case json::kind::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& kv : v.get_object()) {
        if (!first) out.push_back(',');
        first = false;
        out.append(json::serialize(json::string(kv.key())));
        out.push_back(':');
        write(kv.value(), out);
      }
      out.push_back('}');
      return;
    }
    case json::kind::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& e : v.get_array()) {
        if (!first) out.push_back(',');
        first = false;
        write(e, out);
      }
      out.push_back(']');
      return;
    }
    case json::kind::double_: {
      const double d = v.get_double();
      if (!std::isfinite(d)) {
        out.append("null");
        return;
      }
      char buf[64];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
      out.append(buf, ec == std::errc() ? end : buf);
      return;
    }
    default:
      out.append(json::serialize(v));
  }
}

}  // namespace

std::string to_json_line(const json::value& v) {
  std::string out;
  write(v, out);
  return out;
}

}  // namespace gridhub::bench
