// The TSDB storage policy service: storage policy groups (/tsdb-policy/v2.1/storage-groups: create, get,
// search, update, delete) and their per-storage-type policies (/tsdb-policy/v2.1/policies: get, update,
// metadata). The registry stores them; the store learns retention changes and drops a deleted group's
// history.
#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <charconv>
#include <map>

#include "api/envelope.hpp"
#include "api/json_fields.hpp"
#include "api/limits.hpp"
#include "api/routes.hpp"
#include "model/thing_model.hpp"
#include "registry/errc.hpp"
#include "registry/limits.hpp"
#include "registry/validate.hpp"
#include "tsdb/sample.hpp"

namespace gridhub::api {

namespace {

using registry::StorageGroup;
using registry::StoragePolicy;

// ---- reading the request ----

// `groupId` of the query: a decimal uint32.
bool query_group_id(const ApiCall& call, uint32_t& id, std::string& message) {
  const std::string_view text = call.query.get("groupId");
  if (text.empty()) {
    message = "groupId is required";
    return false;
  }
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size()) {
    message = "groupId must be a storage policy group id (a decimal number up to 4294967295)";
    return false;
  }
  return true;
}

// `storageType` of the query, as the store's category.
bool query_storage_type(const ApiCall& call, tsdb::Category& category, std::string& message) {
  const std::string_view text = call.query.get("storageType");
  if (text.empty()) {
    message = "storageType is required";
    return false;
  }
  if (!tsdb::parse_category(text, category)) {
    message = "storageType must be one of AI_RAW, AI_NORMALIZED, DI, PI, GENERIC";
    return false;
  }
  return true;
}

// The body fields of create and update; on update only the fields present change (modelIds replaces the set).
bool read_group(const boost::json::object& body, StorageGroup& g, bool create, std::string& message) {
  FieldReader f(body);
  f.string("groupName", g.name, create, registry::kMaxStorageGroupNameChars * 4);
  f.string("description", g.description, false, registry::kMaxDescriptionBytes);
  f.string_list("modelIds", g.model_ids, registry::kMaxModelsPerStorageGroup);
  if (!f.ok()) {
    message = f.error();
    return false;
  }
  if (!registry::valid_storage_group_name(g.name)) {
    message = "groupName must be 1.." + std::to_string(registry::kMaxStorageGroupNameChars) +
              " letters, digits, CJK characters, '_' or '-'";
    return false;
  }
  for (const auto& m : g.model_ids) {
    if (!registry::valid_model_id(m)) {
      message = "modelIds: \"" + m + "\" is not a model id";
      return false;
    }
  }
  return true;
}

// A comma-separated query list ("a,b"); empty items are refused. Absent = empty list.
bool query_list(const ApiCall& call, std::string_view name, std::vector<std::string>& out,
                std::string& message) {
  const std::string_view text = call.query.get(name);
  if (text.empty()) return true;
  for (std::size_t start = 0;;) {
    const std::size_t comma = text.find(',', start);
    const std::string_view item =
        text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
    if (item.empty()) {
      message = std::string(name) + " has an empty item";
      return false;
    }
    if (out.size() == kMaxIdsPerRequest) {
      message = std::string(name) + " has more than " + std::to_string(kMaxIdsPerRequest) + " items";
      return false;
    }
    out.emplace_back(item);
    if (comma == std::string_view::npos) return true;
    start = comma + 1;
  }
}

// The body's "models":[{"modelId","pointIds":[..]}] of a policy update.
bool read_policy_models(const boost::json::value& v, std::vector<StoragePolicy::ModelPoints>& out,
                        std::string& message) {
  const auto* a = v.if_array();
  if (!a) {
    message = "models must be an array of {modelId, pointIds}";
    return false;
  }
  if (a->size() > registry::kMaxModelsPerStorageGroup) {
    message = "models has more than " + std::to_string(registry::kMaxModelsPerStorageGroup) + " items";
    return false;
  }
  std::size_t pairs = 0;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const auto* o = (*a)[i].if_object();
    if (!o) {
      message = "models[" + std::to_string(i) + "] must be an object";
      return false;
    }
    StoragePolicy::ModelPoints m;
    FieldReader f(*o, "models[" + std::to_string(i) + "].");
    f.string("modelId", m.model_id, true, registry::kMaxModelIdLength);
    f.string_list("pointIds", m.point_ids, registry::kMaxPointsPerStoragePolicy);
    if (!f.ok()) {
      message = f.error();
      return false;
    }
    pairs += m.point_ids.size();
    if (pairs > registry::kMaxPointsPerStoragePolicy) {
      message = "a policy selects at most " + std::to_string(registry::kMaxPointsPerStoragePolicy) +
                " model x point pairs";
      return false;
    }
    out.push_back(std::move(m));
  }
  return true;
}

// ---- views ----

boost::json::array models_view(const StoragePolicy& p) {
  boost::json::array models;
  for (const auto& m : p.models) {
    boost::json::array points;
    for (const auto& id : m.point_ids) points.emplace_back(id);
    models.push_back(boost::json::object{{"modelId", m.model_id}, {"pointIds", std::move(points)}});
  }
  return models;
}

boost::json::object group_view(const StorageGroup& g) {
  boost::json::object o;
  o["groupId"] = std::to_string(g.id);
  o["groupName"] = g.name;
  o["description"] = g.description;
  boost::json::array models;
  for (const auto& m : g.model_ids) models.emplace_back(m);
  o["modelIds"] = std::move(models);
  boost::json::array policies;
  for (const auto& p : g.policies)
    policies.push_back(boost::json::object{
        {"storageType", p.storage_type}, {"retention", p.retention}, {"models", models_view(p)}});
  o["policies"] = std::move(policies);
  o["createTime"] = g.create_time;
  o["updateTime"] = g.update_time;
  return o;
}

// EnOS's policyType and policyName of each storage type (tsdb::Category order).
constexpr std::string_view kPolicyTypes[tsdb::kCategoryCount] = {"RAW", "NORMALIZED", "DI", "PI", "GENERIC"};
constexpr std::string_view kPolicyNames[tsdb::kCategoryCount] = {"AI Raw Data", "AI Normalized Data",
                                                                 "DI Data", "PI Data", "Generic Data"};

// A storage type the group has not configured yet is shown with "retention": null and no models.
boost::json::object policy_view(const StorageGroup& g, tsdb::Category category) {
  const std::string_view type = tsdb::to_string(category);
  const auto i = static_cast<std::size_t>(category);
  boost::json::object o;
  o["policyId"] = std::to_string(g.id) + "." + std::string(type);
  o["groupId"] = std::to_string(g.id);
  o["storageType"] = type;
  o["policyType"] = kPolicyTypes[i];
  o["policyName"] = kPolicyNames[i];
  o["retention"] = nullptr;
  o["models"] = boost::json::array();
  for (const auto& p : g.policies) {
    if (p.storage_type != type) continue;
    o["retention"] = p.retention;
    o["models"] = models_view(p);
  }
  return o;
}

// ---- errors with a message that names what is wrong ----

// The group of the OU that holds `model_id`, other than `self`; null when none.
const StorageGroup* holder_of(const std::vector<StorageGroup>& groups, std::string_view model_id,
                              uint32_t self) {
  for (const auto& g : groups)
    if (g.id != self && std::binary_search(g.model_ids.begin(), g.model_ids.end(), model_id)) return &g;
  return nullptr;
}

std::string group_label(const StorageGroup& g) {
  return "storage policy group " + g.name + " (" + std::to_string(g.id) + ")";
}

// Turns a registry refusal of create/update into a message. The registry's answer is the authority (it
// checks in one transaction); this only looks again to say which model or group it was about.
ApiResponse group_error(ApiContext& ctx, const ApiCall& call, const boost::system::error_code& ec,
                        const StorageGroup& wanted, const StorageGroup* existing) {
  using registry::errc;
  if (ec == errc::not_found)
    return error(ec, Subject::StorageGroup,
                 "storage policy group " + std::to_string(wanted.id) + " not found");
  if (ec == errc::already_exists)
    return error(ec, Subject::StorageGroup,
                 "a storage policy group named " + wanted.name + " already exists in the OU");
  if (ec == errc::limit_exceeded) {
    if (ctx.registry.list_storage_groups(call.org_id).size() >=
        static_cast<std::size_t>(registry::kMaxStorageGroupsPerOrg))
      return error(
          ec, Subject::StorageGroup,
          "at most " + std::to_string(registry::kMaxStorageGroupsPerOrg) + " storage policy groups per OU");
    return error(ec, Subject::StorageGroup, "no storage policy group id is left");
  }
  if (ec == errc::model_not_found) {
    for (const auto& m : wanted.model_ids)
      if (!ctx.registry.get_model(call.org_id, m))
        return error(ec, Subject::StorageGroup, "model " + m + " does not exist");
    return error(ec, Subject::StorageGroup, "a model of modelIds does not exist");
  }
  if (ec == errc::in_use) {
    const auto groups = ctx.registry.list_storage_groups(call.org_id);
    for (const auto& m : wanted.model_ids)
      if (const StorageGroup* other = holder_of(groups, m, wanted.id))
        return error(ec, Subject::StorageGroup, "model " + m + " is already in " + group_label(*other));
    if (existing) {
      for (const auto& p : existing->policies)
        for (const auto& pm : p.models)
          if (!std::binary_search(wanted.model_ids.begin(), wanted.model_ids.end(), pm.model_id))
            return error(ec, Subject::StorageGroup,
                         "model " + pm.model_id + " cannot leave the group: its " + p.storage_type +
                             " policy still selects points of it");
    }
    return error(ec, Subject::StorageGroup, "a model of modelIds is in use");
  }
  return error(ec, Subject::StorageGroup, "storage policy group: " + ec.message());
}

// A failed read or delete of one group: almost always "no such group in this OU".
ApiResponse group_not_found(const boost::system::error_code& ec, uint32_t id) {
  if (ec != registry::errc::not_found)
    return error(ec, Subject::StorageGroup, "storage policy group: " + ec.message());
  return error(ec, Subject::StorageGroup, "storage policy group " + std::to_string(id) + " not found");
}

void sort_unique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// Which point signal type each storage type takes (spec §3.3: the edit page filters points by it).
model::SignalType accepted_signal(tsdb::Category c) {
  switch (c) {
    case tsdb::Category::AiRaw:
    case tsdb::Category::AiNormalized:
      return model::SignalType::AI;
    case tsdb::Category::Di:
      return model::SignalType::DI;
    case tsdb::Category::Pi:
      return model::SignalType::PI;
    case tsdb::Category::Generic:
      return model::SignalType::Generic;
  }
  return model::SignalType::Generic;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// /tsdb-policy/v2.1/storage-groups

ApiResponse storage_group_create(ApiContext& ctx, const ApiCall& call) {
  boost::json::object body;
  std::string message;
  if (!parse_body_object(call.request.body, body, message)) return error(errc::invalid_param, message);
  StorageGroup g;
  if (!read_group(body, g, true, message)) return error(errc::invalid_param, message);
  sort_unique(g.model_ids);
  g.org_id = call.org_id;
  g.create_time = g.update_time = ctx.now_ms();
  auto created = ctx.registry.create_storage_group(g);
  if (!created) return group_error(ctx, call, created.error(), g, nullptr);
  return ok(group_view(*created));
}

ApiResponse storage_group_get(ApiContext& ctx, const ApiCall& call) {
  uint32_t id = 0;
  std::string message;
  if (!query_group_id(call, id, message)) return error(errc::invalid_param, message);
  auto g = ctx.registry.get_storage_group(call.org_id, id);
  if (!g) return group_not_found(g.error(), id);
  return ok(group_view(*g));
}

ApiResponse storage_group_search(ApiContext& ctx, const ApiCall& call) {
  boost::json::object body;  // optional; nothing in it filters yet (an OU has at most 5 groups)
  std::string message;
  if (!parse_body_object(call.request.body, body, message)) return error(errc::invalid_param, message);
  boost::json::array data;
  for (const auto& g : ctx.registry.list_storage_groups(call.org_id)) data.push_back(group_view(g));
  return ok(std::move(data));
}

ApiResponse storage_group_update(ApiContext& ctx, const ApiCall& call) {
  uint32_t id = 0;
  std::string message;
  if (!query_group_id(call, id, message)) return error(errc::invalid_param, message);
  boost::json::object body;
  if (!parse_body_object(call.request.body, body, message)) return error(errc::invalid_param, message);
  auto existing = ctx.registry.get_storage_group(call.org_id, id);
  if (!existing) return group_not_found(existing.error(), id);
  StorageGroup g = *existing;
  if (!read_group(body, g, false, message)) return error(errc::invalid_param, message);
  sort_unique(g.model_ids);
  g.update_time = std::max(ctx.now_ms(), existing->create_time);
  auto updated = ctx.registry.update_storage_group(g);
  if (!updated) return group_error(ctx, call, updated.error(), g, &*existing);
  return ok(group_view(*updated));
}

ApiResponse storage_group_delete(ApiContext& ctx, const ApiCall& call) {
  uint32_t id = 0;
  std::string message;
  if (!query_group_id(call, id, message)) return error(errc::invalid_param, message);
  // The registry first: once the group is gone the hub stops routing new samples to it (it rebuilds its
  // snapshot on version()), and a failed drop leaves only unreachable history behind, whose id is never
  // handed out again, so it cannot leak into a new group. Dropping first and then failing the registry
  // delete would instead lose the history of a group that still exists.
  if (auto r = ctx.registry.delete_storage_group(call.org_id, id); !r) return group_not_found(r.error(), id);
  if (auto ec = ctx.store.drop_group(id))
    return error(errc::internal, "storage policy group " + std::to_string(id) +
                                     " was deleted, but dropping its stored history failed: " + ec.message());
  return ok(nullptr);
}

// ---------------------------------------------------------------------------------------------------------
// /tsdb-policy/v2.1/policies

ApiResponse storage_policy_get(ApiContext& ctx, const ApiCall& call) {
  uint32_t id = 0;
  tsdb::Category category;
  std::string message;
  if (!query_group_id(call, id, message) || !query_storage_type(call, category, message))
    return error(errc::invalid_param, message);
  auto g = ctx.registry.get_storage_group(call.org_id, id);
  if (!g) return group_not_found(g.error(), id);
  return ok(policy_view(*g, category));
}

ApiResponse storage_policy_update(ApiContext& ctx, const ApiCall& call) {
  uint32_t id = 0;
  tsdb::Category category;
  std::string message;
  if (!query_group_id(call, id, message) || !query_storage_type(call, category, message))
    return error(errc::invalid_param, message);
  boost::json::object body;
  if (!parse_body_object(call.request.body, body, message)) return error(errc::invalid_param, message);
  StoragePolicy p;
  p.storage_type = tsdb::to_string(category);
  FieldReader f(body);
  f.string("retention", p.retention, true, 8);
  if (!f.ok()) return error(errc::invalid_param, f.error());
  int64_t retention_ms = 0;
  if (!registry::parse_retention(p.retention, retention_ms))
    return error(errc::invalid_param,
                 "retention must be 1M..11M (months) or 1Y..20Y (years), not " + p.retention);
  auto g = ctx.registry.get_storage_group(call.org_id, id);
  if (!g) return group_not_found(g.error(), id);
  if (const auto* models = body.if_contains("models"); models && !models->is_null()) {
    if (!read_policy_models(*models, p.models, message)) return error(errc::invalid_param, message);
  } else {
    // Without "models" only the retention changes: the selection stays.
    for (const auto& old : g->policies)
      if (old.storage_type == p.storage_type) p.models = old.models;
  }
  // Every point must be a measure point of its model with a signal type this storage type takes.
  const model::SignalType wanted = accepted_signal(category);
  for (const auto& m : p.models) {
    if (!std::binary_search(g->model_ids.begin(), g->model_ids.end(), m.model_id))
      return error(errc::invalid_param, "model " + m.model_id + " is not in " + group_label(*g));
    auto v = ctx.models.validator(ctx.registry, call.org_id, m.model_id, message);
    if (!v) return error(v.error(), Subject::Model, message);
    for (const auto& point : m.point_ids) {
      const model::PointInfo* info = (*v)->find_measurepoint(point);
      if (!info)
        return error(errc::invalid_param, "measurepoint [" + point + "] not found in model " + m.model_id);
      if (info->signal != wanted)
        return error(errc::invalid_param,
                     "measurepoint [" + point + "] of model " + m.model_id + " has signal type " +
                         std::string(model::to_string(info->signal)) + "; " + p.storage_type + " takes " +
                         std::string(model::to_string(wanted)) + " points");
    }
  }
  auto updated = ctx.registry.set_storage_policy(call.org_id, id, p);
  if (!updated) {
    if (updated.error() == registry::errc::not_found) return group_not_found(updated.error(), id);
    return error(updated.error(), Subject::StorageGroup,
                 "policy " + p.storage_type + ": " + updated.error().message());
  }
  // The registry holds the policy; the store applies it to its partitions (not persisted there: the server
  // loads every policy at start, server/retention.cpp).
  ctx.store.set_retention(id, category, retention_ms);
  return ok(policy_view(*updated, category));
}

ApiResponse storage_policy_metadata(ApiContext& ctx, const ApiCall& call) {
  std::vector<std::string> model_ids, point_ids;
  std::string message;
  if (!query_list(call, "modelIds", model_ids, message) || !query_list(call, "pointIds", point_ids, message))
    return error(errc::invalid_param, message);
  if (model_ids.empty()) return error(errc::invalid_param, "modelIds is required");
  sort_unique(point_ids);
  const auto groups = ctx.registry.list_storage_groups(call.org_id);
  boost::json::object data;
  for (const auto& model_id : model_ids) {
    // point -> bits of tsdb::category_bit, so each point lists its types in EnOS's order.
    std::map<std::string, uint8_t> types;
    if (const StorageGroup* g = holder_of(groups, model_id, 0)) {
      for (const auto& p : g->policies) {
        tsdb::Category c;
        if (!tsdb::parse_category(p.storage_type, c)) continue;
        for (const auto& m : p.models) {
          if (m.model_id != model_id) continue;
          for (const auto& point : m.point_ids)
            if (point_ids.empty() || std::binary_search(point_ids.begin(), point_ids.end(), point))
              types[point] |= tsdb::category_bit(c);
        }
      }
    }
    boost::json::object points;
    for (const auto& [point, bits] : types) {
      boost::json::array names;
      for (int i = 0; i < tsdb::kCategoryCount; ++i)
        if (bits & tsdb::category_bit(static_cast<tsdb::Category>(i)))
          names.emplace_back(tsdb::to_string(static_cast<tsdb::Category>(i)));
      points[point] = std::move(names);
    }
    data[model_id] = std::move(points);
  }
  return ok(std::move(data));
}

}  // namespace gridhub::api
