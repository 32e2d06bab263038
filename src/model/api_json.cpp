// The model API format (EnOS model-service v2.1) <-> typed model. Elements read from the API format are
// rendered into console objects and parsed back, so the console object stays the one canonical form.
#include "model/api_json.hpp"

#include <array>

#include "model/api_type.hpp"
#include "model/console_element.hpp"
#include "model/json_read.hpp"
#include "model/limits.hpp"

namespace gridhub::model {

namespace {

struct MapKey {
  ElementKind kind;
  std::string_view key;
};
constexpr std::array<MapKey, 4> kMaps = {{{ElementKind::Attribute, "attributes"},
                                          {ElementKind::Measurepoint, "measurepoints"},
                                          {ElementKind::Service, "services"},
                                          {ElementKind::Event, "events"}}};

// ---------------------------------------------------------------- typed -> API

boost::json::object element_to_api(const Element& e) {
  boost::json::object o;
  o["identifier"] = e.identifier;
  o["name"] = to_json(e.name);
  o["desc"] = e.desc;
  switch (e.kind) {
    case ElementKind::Attribute:
    case ElementKind::Measurepoint:
      type_to_api(e.spec, o);
      if (e.kind == ElementKind::Measurepoint) o["signalType"] = to_string(e.signal_type);
      o["hasQuality"] = e.has_quality;
      o["isRequired"] = e.required;
      if (const auto* dv = e.console.if_contains("defaultValue"); dv && !dv->is_null())
        o["defaultValue"] = *dv;
      break;
    case ElementKind::Service:
      o["callType"] = e.call_type;
      o["inputData"] = params_to_api(e.input);
      o["outputData"] = params_to_api(e.output);
      break;
    case ElementKind::Event:
      o["eventType"] = e.event_type;
      o["outputData"] = params_to_api(e.output);
      break;
  }
  boost::json::object tags;
  if (const auto* t = e.console.if_contains("tags"); t && t->is_object()) {
    if (const auto* m = t->get_object().if_contains("tagMap"); m && m->is_object()) tags = m->get_object();
  }
  o["tags"] = std::move(tags);
  return o;
}

// ---------------------------------------------------------------- API -> typed

error_code element_from_api(ElementKind kind, std::string_view key, const boost::json::value& v, Element& out,
                            const Where& w) {
  const boost::json::object* o = v.if_object();
  if (!o) return w.fail(errc::wrong_type, "an element must be an object");
  Element e;
  e.kind = kind;
  e.identifier = std::string(key);
  if (auto ec = read_string(*o, "identifier", e.identifier, w, key.empty())) return ec;
  if (auto ec = check_identifier(e.identifier, w)) return ec;
  if (!key.empty() && e.identifier != key)
    return w.fail(errc::invalid_identifier, "map key differs from identifier \"" + e.identifier + "\"");
  e.name.default_value = e.identifier;  // the console shows a name for every element
  if (auto ec = read_i18n_key(*o, "name", e.name, w)) return ec;
  if (auto ec = read_string(*o, "desc", e.desc, w)) return ec;
  switch (kind) {
    case ElementKind::Attribute:
    case ElementKind::Measurepoint: {
      if (auto ec = type_from_api(*o, e.spec, w, 1)) return ec;
      if (auto ec = read_bool(*o, "hasQuality", e.has_quality, w)) return ec;
      if (auto ec = read_bool(*o, "isRequired", e.required, w)) return ec;
      std::string signal;
      if (auto ec = read_string(*o, "signalType", signal, w)) return ec;
      if (!signal.empty()) {
        auto s = parse_signal_type(signal);
        if (!s) return w.fail(errc::invalid_value, "unknown signalType \"" + signal + "\"");
        e.signal_type = *s;
      }
      break;
    }
    case ElementKind::Service:
      e.call_type = "ASYNC";
      if (auto ec = read_string(*o, "callType", e.call_type, w)) return ec;
      if (auto ec = params_from_api(*o, "inputData", e.input, kMaxParameters, w, 1)) return ec;
      if (auto ec = params_from_api(*o, "outputData", e.output, kMaxParameters, w, 1)) return ec;
      break;
    case ElementKind::Event:
      e.event_type = "INFO";
      if (auto ec = read_string(*o, "eventType", e.event_type, w)) return ec;
      if (auto ec = params_from_api(*o, "outputData", e.output, kMaxParameters, w, 1)) return ec;
      break;
  }
  boost::json::object console = render_console_element(e);
  if (kind == ElementKind::Attribute || kind == ElementKind::Measurepoint) {
    if (const auto* dv = o->if_contains("defaultValue"); dv && !dv->is_null()) console["defaultValue"] = *dv;
  }
  std::map<std::string, std::string> tags;
  if (auto ec = read_string_map(*o, "tags", tags, w, kMaxTags)) return ec;
  boost::json::object tag_map;
  for (auto& [k, val] : tags) tag_map.emplace(k, val);
  console["tags"] = boost::json::object{{"tagMap", std::move(tag_map)}};
  // Parsing the rendered object back makes the console object the source of the typed view, and checks the
  // values the console parser checks (callType, event type...).
  return parse_console_element(kind, std::move(console), out, w);
}

error_code elements_from_api(const boost::json::object& root, const MapKey& mk, ThingModel& m,
                             const Where& w) {
  const boost::json::value* v = root.if_contains(mk.key);
  if (!v || v->is_null()) return {};
  auto& out = m.elements(mk.kind);
  const Where mw = w.child(mk.key);
  auto add = [&](std::string_view key, const boost::json::value& ev, const Where& ew) -> error_code {
    if (m.element_count() >= kMaxElements)
      return ew.fail(errc::too_many_elements, "more than " + std::to_string(kMaxElements) + " elements");
    Element e;
    if (auto ec = element_from_api(mk.kind, key, ev, e, ew)) return ec;
    if (out.contains(e.identifier))
      return ew.fail(errc::duplicate_identifier, "duplicate identifier \"" + e.identifier + "\"");
    out.emplace(e.identifier, std::move(e));
    return {};
  };
  if (const boost::json::object* map = v->if_object()) {
    for (const auto& kv : *map) {
      if (auto ec = add(kv.key(), kv.value(), mw.child(kv.key()))) return ec;
    }
    return {};
  }
  if (const boost::json::array* arr = v->if_array()) {  // a list of elements is accepted too
    for (std::size_t i = 0; i < arr->size(); ++i) {
      if (auto ec = add({}, (*arr)[i], mw.index(i))) return ec;
    }
    return {};
  }
  return w.fail(errc::wrong_type, "\"" + std::string(mk.key) + "\" must be an object");
}

}  // namespace

boost::json::object to_api_json(const ThingModel& m) {
  boost::json::object o;
  o["modelId"] = m.model_id;
  o["name"] = to_json(m.name);
  o["desc"] = m.desc;
  o["category"] = m.category;
  o["modelIdPath"] =
      m.parent_model_id.empty() ? "/" + m.model_id : "/" + m.parent_model_id + "/" + m.model_id;
  for (const MapKey& mk : kMaps) {
    boost::json::object map;
    for (const auto& [id, e] : m.elements(mk.kind)) map.emplace(id, element_to_api(e));
    o[mk.key] = std::move(map);
  }
  boost::json::object tags;
  for (const auto& [k, v] : m.tags) tags.emplace(k, v);
  o["tags"] = std::move(tags);
  o["allowAdditionalAttribute"] = m.allow_additional_attribute;
  o["allowAdditionalMeasurepoint"] = m.allow_additional_measurepoint;
  return o;
}

boost::system::result<ThingModel> from_api_json(const boost::json::value& v, std::string* error_detail) {
  const Where w{"", error_detail};
  const boost::json::object* root = v.if_object();
  if (!root) return w.fail(errc::wrong_type, "an API model must be a JSON object");
  ThingModel m;
  if (auto ec = read_string(*root, "modelId", m.model_id, w, true)) return ec;
  if (auto ec = check_identifier(m.model_id, w.child("modelId"))) return ec;
  const Where mw{"model [" + m.model_id + "]", error_detail};
  if (auto ec = read_i18n_key(*root, "name", m.name, mw)) return ec;
  if (auto ec = read_string(*root, "desc", m.desc, mw)) return ec;
  if (auto ec = read_string(*root, "category", m.category, mw)) return ec;
  if (auto ec = read_string_map(*root, "tags", m.tags, mw, kMaxTags)) return ec;
  if (auto ec = read_bool(*root, "allowAdditionalAttribute", m.allow_additional_attribute, mw)) return ec;
  if (auto ec = read_bool(*root, "allowAdditionalMeasurepoint", m.allow_additional_measurepoint, mw))
    return ec;
  std::string path;
  if (auto ec = read_string(*root, "modelIdPath", path, mw)) return ec;
  if (!path.empty()) {
    // "/root/parent/model": the last segment is this model, the one before it the parent.
    std::string_view p = path;
    while (!p.empty() && p.back() == '/') p.remove_suffix(1);
    const auto last = p.rfind('/');
    const std::string_view self = last == std::string_view::npos ? p : p.substr(last + 1);
    if (self != m.model_id)
      return mw.fail(errc::invalid_value, "modelIdPath \"" + path + "\" does not end with the modelId");
    if (last != std::string_view::npos) {
      const std::string_view head = p.substr(0, last);
      const auto prev = head.rfind('/');
      m.parent_model_id = std::string(prev == std::string_view::npos ? head : head.substr(prev + 1));
      if (!m.parent_model_id.empty()) {
        if (auto ec = check_identifier(m.parent_model_id, mw.child("modelIdPath"))) return ec;
      }
    }
  }
  for (const MapKey& mk : kMaps) {
    if (auto ec = elements_from_api(*root, mk, m, mw)) return ec;
  }
  return m;
}

}  // namespace gridhub::model
