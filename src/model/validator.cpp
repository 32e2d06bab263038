// Validator: lookup tables over one resolved model, and the per-element checks with their messages.
#include "model/validator.hpp"

#include <string_view>
#include <unordered_map>

#include "model/compiled_type.hpp"

namespace gridhub::model {

namespace {

struct ValueEntry {
  PointInfo info;
  CompiledType type;
  bool struct_has_value_item =
      false;  // then {"value","quality"} is read as the struct, not as a quality pair
};

struct ParamsEntry {
  CompiledFields fields;
};

bool has_item(const CompiledType& t, std::string_view id) {
  return t.type == DataType::Struct && t.items && t.items->index.contains(id);
}

boost::system::error_code fail(errc e, ElementKind kind, std::string_view id, const CheckFailure& f,
                               std::string& message) {
  message.assign(to_string(kind));
  message.append(" [").append(id).append("]");
  message.append(f.where);
  message.push_back(' ');
  message.append(f.reason);
  return make_error_code(e);
}

boost::system::error_code not_found(ElementKind kind, std::string_view id, std::string& message) {
  return fail(errc::unknown_element, kind, id, CheckFailure{{}, "not found"}, message);
}

}  // namespace

// Keys are views of the identifiers in model_, so building the tables copies no strings.
struct Validator::Tables {
  std::unordered_map<std::string_view, ValueEntry> points, attributes;
  std::unordered_map<std::string_view, ParamsEntry> services, events;
};

Validator::Validator(ThingModel m) : model_(std::move(m)) {
  auto t = std::make_unique<Tables>();
  auto add_valued = [](const std::map<std::string, Element>& from,
                       std::unordered_map<std::string_view, ValueEntry>& to) {
    to.reserve(from.size());
    for (const auto& [id, e] : from) {
      ValueEntry entry{PointInfo{&e, e.spec.type, e.signal_type, e.has_quality}, compile_type(e.spec)};
      entry.struct_has_value_item = has_item(entry.type, "value");
      to.emplace(id, std::move(entry));
    }
  };
  add_valued(model_.measurepoints, t->points);
  add_valued(model_.attributes, t->attributes);
  t->services.reserve(model_.services.size());
  for (const auto& [id, e] : model_.services) t->services.emplace(id, ParamsEntry{compile_fields(e.input)});
  t->events.reserve(model_.events.size());
  for (const auto& [id, e] : model_.events) t->events.emplace(id, ParamsEntry{compile_fields(e.output)});
  tables_ = std::move(t);
}

Validator::~Validator() = default;

std::shared_ptr<const Validator> Validator::compile(ThingModel resolved) {
  // The constructor is private (tables point into model_, so a Validator never moves or copies).
  return std::shared_ptr<const Validator>(new Validator(std::move(resolved)));
}

const PointInfo* Validator::find_measurepoint(std::string_view id) const {
  auto it = tables_->points.find(id);
  return it == tables_->points.end() ? nullptr : &it->second.info;
}

boost::system::error_code Validator::check_valued(ElementKind kind, std::string_view id,
                                                  const boost::json::value& v, std::string& message) const {
  const bool point = kind == ElementKind::Measurepoint;
  const auto& table = point ? tables_->points : tables_->attributes;
  auto it = table.find(id);
  if (it == table.end()) {
    const bool open = point ? model_.allow_additional_measurepoint : model_.allow_additional_attribute;
    return open ? boost::system::error_code{} : not_found(kind, id, message);
  }
  const ValueEntry& entry = it->second;
  const boost::json::value* value = &v;
  if (const boost::json::object* o = v.if_object(); o && o->size() == 2 && !entry.struct_has_value_item) {
    const boost::json::value* inner = o->if_contains("value");
    const boost::json::value* quality = o->if_contains("quality");
    if (inner && quality) {
      if (!quality->is_int64() && !quality->is_uint64())
        return fail(errc::invalid_quality, kind, id, CheckFailure{{}, "quality must be an integer"}, message);
      value = inner;
    }
  }
  CheckFailure f;
  if (errc e = check_value(entry.type, *value, f); e != errc{}) return fail(e, kind, id, f, message);
  return {};
}

boost::system::error_code Validator::check_params(ElementKind kind, std::string_view id,
                                                  const boost::json::object& o, std::string& message) const {
  const auto& table = kind == ElementKind::Service ? tables_->services : tables_->events;
  auto it = table.find(id);
  if (it == table.end()) return not_found(kind, id, message);
  CheckFailure f;
  if (errc e = check_fields(it->second.fields, false, o, "parameter", f); e != errc{})
    return fail(e, kind, id, f, message);
  return {};
}

boost::system::error_code Validator::check_measurepoint(std::string_view id, const boost::json::value& v,
                                                        std::string& message) const {
  return check_valued(ElementKind::Measurepoint, id, v, message);
}

boost::system::error_code Validator::check_attribute(std::string_view id, const boost::json::value& v,
                                                     std::string& message) const {
  return check_valued(ElementKind::Attribute, id, v, message);
}

boost::system::error_code Validator::check_event(std::string_view event_id, const boost::json::object& output,
                                                 std::string& message) const {
  return check_params(ElementKind::Event, event_id, output, message);
}

boost::system::error_code Validator::check_service_input(std::string_view service_id,
                                                         const boost::json::object& input,
                                                         std::string& message) const {
  return check_params(ElementKind::Service, service_id, input, message);
}

}  // namespace gridhub::model
