// JSON <-> stored value conversion for measure points.
#include "hub/value_convert.hpp"

#include <boost/json.hpp>
#include <limits>

#include "json/parse.hpp"

namespace gridhub::hub {

namespace {
const boost::json::value* quality_form(const boost::json::value& v, std::optional<int32_t>& quality, bool& ok) {
  ok = true;
  const auto* obj = v.if_object();
  if (!obj || obj->size() != 2 || !obj->contains("value") || !obj->contains("quality")) return &v;
  const auto& q = obj->at("quality");
  if (q.is_int64() && q.get_int64() >= std::numeric_limits<int32_t>::min() &&
      q.get_int64() <= std::numeric_limits<int32_t>::max())
    quality = static_cast<int32_t>(q.get_int64());
  else if (q.is_uint64() && q.get_uint64() <= static_cast<uint64_t>(std::numeric_limits<int32_t>::max()))
    quality = static_cast<int32_t>(q.get_uint64());
  else
    ok = false;
  return &obj->at("value");
}
}  // namespace

bool to_sample_value(const boost::json::value& raw, const model::PointInfo* info, tsdb::Value& out,
                     std::optional<int32_t>& quality) {
  bool ok = true;
  const boost::json::value& v = *quality_form(raw, quality, ok);
  if (!ok) return false;
  const bool wants_double = info && (info->type == model::DataType::Float || info->type == model::DataType::Double);
  switch (v.kind()) {
    case boost::json::kind::int64:
      out = wants_double ? tsdb::Value::of_double(static_cast<double>(v.get_int64())) : tsdb::Value::of_int(v.get_int64());
      return true;
    case boost::json::kind::uint64:
      if (!wants_double && v.get_uint64() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        out = tsdb::Value::of_int(static_cast<int64_t>(v.get_uint64()));
      else
        out = tsdb::Value::of_double(static_cast<double>(v.get_uint64()));
      return true;
    case boost::json::kind::double_:
      out = tsdb::Value::of_double(v.get_double());
      return true;
    case boost::json::kind::bool_:
      out = tsdb::Value::of_bool(v.get_bool());
      return true;
    case boost::json::kind::string:
      out = tsdb::Value::of_string(std::string(v.get_string()));
      return true;
    case boost::json::kind::array:
    case boost::json::kind::object:
      out = tsdb::Value::of_json(boost::json::serialize(v));
      return true;
    case boost::json::kind::null:
      return false;
  }
  return false;
}

boost::json::value to_json(const tsdb::Value& v) {
  switch (v.kind) {
    case tsdb::ValueKind::Int:
      return v.i;
    case tsdb::ValueKind::Double:
      return v.d;
    case tsdb::ValueKind::Bool:
      return v.b;
    case tsdb::ValueKind::String:
      return boost::json::string(v.s);
    case tsdb::ValueKind::Json: {
      boost::system::error_code ec;
      auto parsed = gridhub::json::parse(v.s, ec);
      return ec ? boost::json::value(boost::json::string(v.s)) : parsed;
    }
  }
  return nullptr;
}

}  // namespace gridhub::hub
