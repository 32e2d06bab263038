// Parsing of the devices file; accepts both shapes so that a hand-written array or our own JSON lines work.
#include "loadgen/device_list.hpp"

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

namespace gridhub::bench {

namespace json = boost::json;

namespace {

bool read_device(const json::value& v, DeviceCredentials& d) {
  const json::object* o = v.if_object();
  if (!o) return false;
  auto field = [o](const char* key, std::string& out) {
    auto it = o->find(key);
    if (it == o->end() || !it->value().is_string()) return false;
    out = it->value().get_string();
    return !out.empty();
  };
  return field("productKey", d.product_key) && field("deviceKey", d.device_key) &&
         field("deviceSecret", d.device_secret);
}

}  // namespace

bool load_devices(const std::string& path, std::vector<DeviceCredentials>& out, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot open " + path;
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    error = path + ": no devices";
    return false;
  }
  boost::system::error_code ec;
  if (text[first] == '[') {
    json::value all = json::parse(text, ec);
    if (ec || !all.is_array()) {
      error = path + ": not a JSON array: " + ec.message();
      return false;
    }
    for (std::size_t i = 0; i < all.get_array().size(); ++i) {
      DeviceCredentials d;
      if (!read_device(all.get_array()[i], d)) {
        error = path + ": element " + std::to_string(i) + " lacks productKey/deviceKey/deviceSecret";
        return false;
      }
      out.push_back(std::move(d));
    }
    return true;
  }
  std::istringstream lines(text);
  std::string line;
  for (std::size_t n = 1; std::getline(lines, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json::value v = json::parse(line, ec);
    DeviceCredentials d;
    if (ec || !read_device(v, d)) {
      error = path + ":" + std::to_string(n) + ": expected {productKey, deviceKey, deviceSecret}";
      return false;
    }
    out.push_back(std::move(d));
  }
  return true;
}

std::string device_json_line(const DeviceCredentials& d) {
  return json::serialize(json::object{
      {"productKey", d.product_key}, {"deviceKey", d.device_key}, {"deviceSecret", d.device_secret}});
}

}  // namespace gridhub::bench
