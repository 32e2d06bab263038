// Whole-model console format: the top-level keys and the four element maps.
#include "model/console_json.hpp"

#include <array>
#include <boost/json/parse.hpp>

#include "json/parse.hpp"
#include "model/console_element.hpp"
#include "model/json_read.hpp"
#include "model/limits.hpp"

namespace gridhub::model {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

struct MapKey {
  ElementKind kind;
  std::string_view key;
};
constexpr std::array<MapKey, 4> kMaps = {{{ElementKind::Attribute, "thingAttributeMap"},
                                          {ElementKind::Measurepoint, "thingMeasurepointMap"},
                                          {ElementKind::Service, "thingServiceMap"},
                                          {ElementKind::Event, "thingEventMap"}}};

// Top-level keys the typed model holds (everything else goes to ThingModel::extra).
constexpr std::array<std::string_view, 14> kModelled = {"thingModelId",
                                                        "ou",
                                                        "thingModelName",
                                                        "thingModelDesc",
                                                        "thingModelCatagory",
                                                        "tag",
                                                        "allowAdditionalAttribute",
                                                        "allowAdditionalMeasurepoint",
                                                        "thingAttributeMap",
                                                        "thingMeasurepointMap",
                                                        "thingServiceMap",
                                                        "thingEventMap",
                                                        "parentThingModelId",
                                                        "modelIdPath"};

bool modelled(std::string_view key) {
  for (std::string_view k : kModelled) {
    if (k == key) return true;
  }
  return false;
}

// "/root/parent/child" -> "parent" (the segment before the model's own).
std::string parent_from_path(std::string_view path) {
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  const auto last = path.rfind('/');
  if (last == std::string_view::npos) return {};
  path = path.substr(0, last);
  const auto prev = path.rfind('/');
  return std::string(prev == std::string_view::npos ? path : path.substr(prev + 1));
}

error_code read_elements(const boost::json::object& root, const MapKey& mk, ThingModel& m, const Where& w) {
  const boost::json::value* v = root.if_contains(mk.key);
  if (!v || v->is_null()) return {};
  const boost::json::object* map = v->if_object();
  if (!map) return w.fail(errc::wrong_type, "\"" + std::string(mk.key) + "\" must be an object");
  const Where mw = w.child(mk.key);
  auto& out = m.elements(mk.kind);
  for (const auto& kv : *map) {
    const Where ew = mw.child(kv.key());
    if (m.element_count() >= kMaxElements)
      return ew.fail(errc::too_many_elements, "more than " + std::to_string(kMaxElements) + " elements");
    const boost::json::object* obj = kv.value().if_object();
    if (!obj) return ew.fail(errc::wrong_type, "an element must be an object");
    Element e;
    if (auto ec = parse_console_element(mk.kind, *obj, e, ew)) return ec;
    if (e.identifier != std::string_view(kv.key()))
      return ew.fail(errc::invalid_identifier, "map key differs from identifier \"" + e.identifier + "\"");
    out.emplace(e.identifier, std::move(e));
  }
  return {};
}

}  // namespace

boost::system::result<ThingModel> import_console_json(std::string_view text, std::string* error_detail) {
  const Where w{"", error_detail};
  if (text.starts_with(kBom)) text.remove_prefix(kBom.size());
  if (text.size() > kMaxModelJsonBytes)
    return w.fail(errc::invalid_json,
                  "document larger than " + std::to_string(kMaxModelJsonBytes) + " bytes");
  boost::json::parse_options opt;
  opt.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  boost::json::value doc = gridhub::json::parse_finite(text, ec, opt);
  if (ec) return w.fail(errc::invalid_json, "not a JSON document: " + ec.message());
  const boost::json::object* root = doc.if_object();
  if (!root) return w.fail(errc::wrong_type, "a console model must be a JSON object");
  return import_console_json(*root, error_detail);
}

boost::system::result<ThingModel> import_console_json(const boost::json::object& doc,
                                                      std::string* error_detail) {
  const Where w{"", error_detail};
  const boost::json::object* root = &doc;
  ThingModel m;
  if (auto ec = read_string(*root, "thingModelId", m.model_id, w, true)) return ec;
  if (auto ec = check_identifier(m.model_id, w.child("thingModelId"))) return ec;
  const Where mw{"model [" + m.model_id + "]", error_detail};
  if (auto ec = read_i18n_key(*root, "thingModelName", m.name, mw)) return ec;
  if (auto ec = read_string(*root, "thingModelDesc", m.desc, mw)) return ec;
  if (auto ec = read_string(*root, "thingModelCatagory", m.category, mw)) return ec;
  if (auto ec = read_bool(*root, "allowAdditionalAttribute", m.allow_additional_attribute, mw)) return ec;
  if (auto ec = read_bool(*root, "allowAdditionalMeasurepoint", m.allow_additional_measurepoint, mw))
    return ec;
  if (const boost::json::value* tag = root->if_contains("tag"); tag && !tag->is_null()) {
    const boost::json::object* t = tag->if_object();
    if (!t) return mw.fail(errc::wrong_type, "\"tag\" must be an object {tagMap}");
    if (auto ec = read_string_map(*t, "tagMap", m.tags, mw.child("tag"), kMaxTags)) return ec;
  }
  std::string path;
  if (auto ec = read_string(*root, "modelIdPath", path, mw)) return ec;
  m.parent_model_id = parent_from_path(path);
  if (auto ec = read_string(*root, "parentThingModelId", m.parent_model_id, mw)) return ec;
  if (!m.parent_model_id.empty()) {
    if (auto ec = check_identifier(m.parent_model_id, mw.child("parentThingModelId"))) return ec;
  }
  for (const MapKey& mk : kMaps) {
    if (auto ec = read_elements(*root, mk, m, mw)) return ec;
  }
  for (const auto& kv : *root) {
    if (!modelled(kv.key())) m.extra.emplace(kv.key(), kv.value());
  }
  return m;
}

boost::json::object export_console_json(const ThingModel& m, std::string_view ou) {
  boost::json::object o;
  o["thingModelId"] = m.model_id;
  o["ou"] = ou;
  o["thingModelName"] = to_json(m.name);
  o["thingModelDesc"] = m.desc;
  o["thingModelCatagory"] = m.category;  // sic: the console's spelling
  for (const MapKey& mk : kMaps) {
    boost::json::object map;
    for (const auto& [id, e] : m.elements(mk.kind)) map.emplace(id, e.console);
    o[mk.key] = std::move(map);
  }
  boost::json::object tags;
  for (const auto& [k, v] : m.tags) tags.emplace(k, v);
  o["tag"] = boost::json::object{{"tagMap", std::move(tags)}};
  o["allowAdditionalAttribute"] = m.allow_additional_attribute;
  o["allowAdditionalMeasurepoint"] = m.allow_additional_measurepoint;
  if (!m.parent_model_id.empty()) o["parentThingModelId"] = m.parent_model_id;
  for (const auto& kv : m.extra) {
    if (!o.contains(kv.key())) o.emplace(kv.key(), kv.value());
  }
  return o;
}

}  // namespace gridhub::model
