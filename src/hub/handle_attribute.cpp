// thing/attribute/query|update|delete (spec §4.3 "Attributes"): a device reads and writes its own attributes,
// checked against the thing model's attribute definitions.
#include <boost/json.hpp>

#include "hub/handler.hpp"

namespace gridhub::hub {

namespace {

bool load_device(const HandlerContext& ctx, registry::Device& device, Outcome& out) {
  auto d = ctx.registry.get_device(ctx.device.org_id, ctx.device.product_key, ctx.device.device_key);
  if (!d) {
    out = Outcome::error(enos::kInternalError, "device not found");
    return false;
  }
  device = std::move(*d);
  return true;
}

// params {"attributes": [ids]} -> the ids (empty = all). False when the shape is wrong.
bool id_list(const enos::Request& req, std::string_view key, std::vector<std::string>& ids) {
  if (!req.params.is_object()) return false;
  auto it = req.params.get_object().find(key);
  if (it == req.params.get_object().end() || it->value().is_null()) return true;
  if (!it->value().is_array()) return false;
  for (const auto& v : it->value().get_array()) {
    if (!v.is_string()) return false;
    ids.emplace_back(v.get_string());
  }
  return true;
}

}  // namespace

Outcome handle_attribute_query(const HandlerContext& ctx, const enos::Topic&, const enos::Request& req) {
  std::vector<std::string> ids;
  if (!id_list(req, "attributes", ids)) return Outcome::error(enos::kParamError, "params.attributes must be a list");
  Outcome out;
  registry::Device device;
  if (!load_device(ctx, device, out)) return out;
  boost::json::object data;
  if (ids.empty()) {
    data = device.attributes;
  } else {
    for (const auto& id : ids)
      if (auto* v = device.attributes.if_contains(id)) data[id] = *v;
  }
  out.data = boost::json::serialize(data);
  return out;
}

Outcome handle_attribute_update(const HandlerContext& ctx, const enos::Topic&, const enos::Request& req) {
  const boost::json::object* attrs = nullptr;
  if (req.params.is_object())
    if (auto* a = req.params.get_object().if_contains("attributes"); a && a->is_object()) attrs = &a->get_object();
  if (!attrs) return Outcome::error(enos::kParamError, "params.attributes must be an object");
  if (const auto* validator = ctx.validator()) {
    std::string message;
    for (const auto& kv : *attrs)
      if (validator->check_attribute(kv.key(), kv.value(), message))
        return Outcome::error(enos::kModelValidateFailed, message);
  }
  Outcome out;
  registry::Device device;
  if (!load_device(ctx, device, out)) return out;
  for (const auto& kv : *attrs) device.attributes[kv.key()] = kv.value();
  if (!ctx.registry.update_device(device)) return Outcome::error(enos::kInternalError, "attributes not saved");
  return out;
}

Outcome handle_attribute_delete(const HandlerContext& ctx, const enos::Topic&, const enos::Request& req) {
  std::vector<std::string> ids;
  if (!id_list(req, "attributes", ids)) return Outcome::error(enos::kParamError, "params.attributes must be a list");
  Outcome out;
  registry::Device device;
  if (!load_device(ctx, device, out)) return out;
  for (const auto& id : ids) device.attributes.erase(id);
  if (!ctx.registry.update_device(device)) return Outcome::error(enos::kInternalError, "attributes not saved");
  return out;
}

Outcome handle_tag_query(const HandlerContext& ctx, const enos::Topic&, const enos::Request& req) {
  std::vector<std::string> keys;
  if (!id_list(req, "tags", keys)) return Outcome::error(enos::kParamError, "params.tags must be a list");
  Outcome out;
  registry::Device device;
  if (!load_device(ctx, device, out)) return out;
  boost::json::object data;
  for (const auto& kv : device.tags)
    if (keys.empty() || std::find(keys.begin(), keys.end(), std::string_view(kv.key())) != keys.end())
      data[kv.key()] = kv.value();
  out.data = boost::json::serialize(data);
  return out;
}

Outcome handle_tag_update(const HandlerContext& ctx, const enos::Topic&, const enos::Request& req) {
  // params [{"tagKey": "k", "tagValue": v}]; values may be numbers (Python) and are kept as text.
  if (!req.params.is_array()) return Outcome::error(enos::kParamError, "params must be a list of tags");
  Outcome out;
  registry::Device device;
  if (!load_device(ctx, device, out)) return out;
  for (const auto& t : req.params.get_array()) {
    const auto* obj = t.if_object();
    const auto* key = obj ? obj->if_contains("tagKey") : nullptr;
    const auto* value = obj ? obj->if_contains("tagValue") : nullptr;
    if (!key || !key->is_string() || key->get_string().empty() || !value)
      return Outcome::error(enos::kParamError, "each tag needs tagKey and tagValue");
    device.tags[key->get_string()] =
        value->is_string() ? boost::json::value(value->get_string()) : boost::json::value(boost::json::serialize(*value));
  }
  if (!ctx.registry.update_device(device)) return Outcome::error(enos::kInternalError, "tags not saved");
  return out;
}

Outcome handle_tag_delete(const HandlerContext& ctx, const enos::Topic&, const enos::Request& req) {
  std::vector<std::string> keys;
  if (!id_list(req, "tags", keys)) return Outcome::error(enos::kParamError, "params.tags must be a list");
  Outcome out;
  registry::Device device;
  if (!load_device(ctx, device, out)) return out;
  for (const auto& k : keys) device.tags.erase(k);
  if (!ctx.registry.update_device(device)) return Outcome::error(enos::kInternalError, "tags not saved");
  return out;
}

}  // namespace gridhub::hub
