// Thing-model routes: import (console export), create (API format, optionally inheriting), clone, get, export,
// search, update and delete, and the console's drafts (update?draft=true, publish, discardDraft). Models are
// stored as console JSON; inheritance lives in the registry's parent_model_id and is checked along the whole
// chain on every write.
#include <boost/json/serialize.hpp>
#include <optional>
#include <set>

#include "api/envelope.hpp"
#include "api/expression.hpp"
#include "api/json_fields.hpp"
#include "api/limits.hpp"
#include "api/model_chain.hpp"
#include "api/routes.hpp"
#include "json/parse.hpp"
#include "model/api_json.hpp"
#include "model/console_json.hpp"
#include "model/inheritance.hpp"
#include "registry/errc.hpp"
#include "registry/limits.hpp"

namespace gridhub::api {

namespace {

constexpr std::string_view kElementKeys[] = {"attributes", "measurepoints", "services", "events"};

// The registry's model id rule, checked here so the message can name the field.
bool valid_model_id(std::string_view id) {
  if (id.empty() || id.size() > registry::kMaxModelIdLength) return false;
  for (char c : id)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
          c == '.'))
      return false;
  return true;
}

std::string model_id_rule(std::string_view field) {
  return std::string(field) + " must be 1.." + std::to_string(registry::kMaxModelIdLength) +
         " characters of letters, digits, _ - .";
}

// get/search: the API format of the resolved model (inherited elements included, listed under "inherited")
// plus what only the registry knows.
boost::json::object model_view(const LoadedModel& lm) {
  boost::json::object o = model::to_api_json(lm.resolved);
  o["modelIdPath"] = lm.id_path;
  o["parentModelId"] = lm.record.parent_model_id;
  o["validationEnabled"] = lm.record.validation_enabled;
  o["orgId"] = lm.record.org_id;
  o["createTime"] = lm.record.create_time;
  o["updateTime"] = lm.record.update_time;
  o["hasDraft"] = !lm.record.draft_body.empty();
  boost::json::object inherited;
  for (std::size_t k = 0; k < std::size(model::kAllElementKinds); ++k) {
    boost::json::array ids;
    const auto& own = lm.own.elements(model::kAllElementKinds[k]);
    for (const auto& [id, e] : lm.resolved.elements(model::kAllElementKinds[k]))
      if (!own.contains(id)) ids.emplace_back(id);
    inherited.emplace(kElementKeys[k], std::move(ids));
  }
  o["inherited"] = std::move(inherited);
  return o;
}

// Checks the chain, then creates (or, with `overwrite`, replaces) the model's record.
ApiResponse store_model(ApiContext& ctx, const ApiCall& call, model::ThingModel m, bool validation, bool overwrite) {
  if (!valid_model_id(m.model_id)) return error(errc::invalid_param, model_id_rule("modelId"));
  std::string message;
  if (!m.parent_model_id.empty()) {
    auto checked = check_against_ancestors(ctx.registry, call.org_id, std::move(m), message);
    if (!checked) return error(checked.error(), Subject::Model, message);
    m = std::move(*checked);
  }
  registry::ModelRecord rec;
  rec.org_id = call.org_id;
  rec.model_id = m.model_id;
  rec.parent_model_id = m.parent_model_id;
  rec.body = boost::json::serialize(model::export_console_json(m, call.org_id));
  rec.validation_enabled = validation;
  rec.create_time = rec.update_time = ctx.now_ms();
  auto r = ctx.registry.create_model(rec);
  if (!r && r.error() == registry::errc::already_exists && overwrite) {
    auto existing = ctx.registry.get_model(call.org_id, m.model_id);
    if (!existing) return error(existing.error(), Subject::Model);
    rec.create_time = existing->create_time;
    if (auto ec = check_descendants(ctx.registry, call.org_id, m, message)) return error(ec, Subject::Model, message);
    r = ctx.registry.update_model(rec);
  }
  if (!r) {
    if (r.error() == registry::errc::already_exists)
      return error(r.error(), Subject::Model, "model " + m.model_id + " already exists");
    return error(r.error(), Subject::Model, "model " + m.model_id + ": " + r.error().message());
  }
  return ok(boost::json::object{{"modelId", m.model_id}});
}

// New content for an existing model, checked against its place in the chain: what it inherits (merged into `m`)
// and what inherits from it. Returns the error response, if any.
std::optional<ApiResponse> refit_in_chain(ApiContext& ctx, const ApiCall& call, const registry::ModelRecord& rec,
                                          model::ThingModel& m) {
  std::string message;
  m.parent_model_id = rec.parent_model_id;
  if (!m.parent_model_id.empty()) {
    auto checked = check_against_ancestors(ctx.registry, call.org_id, std::move(m), message);
    if (!checked) return error(checked.error(), Subject::Model, message);
    m = std::move(*checked);
  }
  if (auto ec = check_descendants(ctx.registry, call.org_id, m, message)) return error(ec, Subject::Model, message);
  return std::nullopt;
}

ApiResponse save_new_version(ApiContext& ctx, registry::ModelRecord& rec) {
  rec.update_time = std::max(ctx.now_ms(), rec.update_time + 1);  // a new version even within one millisecond
  if (auto r = ctx.registry.update_model(rec); !r)
    return error(r.error(), Subject::Model, "model " + rec.model_id + ": " + r.error().message());
  return ok(boost::json::object{{"modelId", rec.model_id}});
}

// modelId from the query, checked.
bool query_model_id(const ApiCall& call, std::string_view name, std::string& out, std::string& message) {
  out = std::string(call.query.get(name));
  if (out.empty()) {
    message = std::string(name) + " is required";
    return false;
  }
  if (!valid_model_id(out)) {
    message = model_id_rule(name);
    return false;
  }
  return true;
}

}  // namespace

ApiResponse model_import(ApiContext& ctx, const ApiCall& call) {
  bool validation = true, overwrite = false;
  std::string message;
  if (!query_bool(call.query, "validation", validation, message) ||
      !query_bool(call.query, "overwrite", overwrite, message))
    return error(errc::invalid_param, message);
  const std::string_view text = strip_bom(call.request.body);
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return error(errc::invalid_param, "request body must be a console model export (JSON)");
  std::string detail;
  // The file's `ou` is the exporting OU's; the model belongs to the OU that imports it (import drops `ou`).
  auto m = model::import_console_json(text, &detail);
  if (!m) return error(m.error(), Subject::Model, "invalid model file: " + (detail.empty() ? m.error().message() : detail));
  bool into_draft = false;
  if (!query_bool(call.query, "draft", into_draft, message)) return error(errc::invalid_param, message);
  if (!into_draft) return store_model(ctx, call, std::move(*m), validation, overwrite);

  // draft=true&modelId=X: the file's features become the draft of the existing model X (the console's "Import"
  // on a model's page, as the lab imports its file into the model it just created). X keeps its own identity:
  // ID, name, description and category; everything else comes from the file.
  std::string id;
  if (!query_model_id(call, "modelId", id, message)) return error(errc::invalid_param, message);
  auto rec = ctx.registry.get_model(call.org_id, id);
  if (!rec) return error(rec.error(), Subject::Model, "model " + id + " does not exist");
  auto current = model::import_console_json(rec->draft_body.empty() ? rec->body : rec->draft_body, &detail);
  if (!current) return error(errc::internal, "model " + id + " does not load: " + detail);
  m->model_id = id;
  m->name = std::move(current->name);
  m->desc = std::move(current->desc);
  m->category = std::move(current->category);
  if (auto failed = refit_in_chain(ctx, call, *rec, *m)) return std::move(*failed);
  rec->draft_body = boost::json::serialize(model::export_console_json(*m, call.org_id));
  return save_new_version(ctx, *rec);
}

ApiResponse model_create(ApiContext& ctx, const ApiCall& call) {
  boost::json::object body;
  std::string message;
  if (!parse_body_object(call.request.body, body, message)) return error(errc::invalid_param, message);
  bool validation = true;
  std::string parent;
  FieldReader f(body);
  f.string("parentModelId", parent, false, registry::kMaxModelIdLength);
  f.boolean("validationEnabled", validation);
  if (!f.ok()) return error(errc::invalid_param, f.error());
  if (!query_bool(call.query, "validation", validation, message)) return error(errc::invalid_param, message);
  std::string detail;
  auto m = model::from_api_json(boost::json::value(std::move(body)), &detail);
  if (!m) return error(m.error(), Subject::Model, "invalid model: " + (detail.empty() ? m.error().message() : detail));
  if (!parent.empty()) m->parent_model_id = parent;
  return store_model(ctx, call, std::move(*m), validation, false);
}

ApiResponse model_clone(ApiContext& ctx, const ApiCall& call) {
  std::string source_id, new_id, message;
  if (!query_model_id(call, "sourceModelId", source_id, message) || !query_model_id(call, "modelId", new_id, message))
    return error(errc::invalid_param, message);
  auto source = load_model(ctx.registry, call.org_id, source_id, message);
  if (!source) return error(source.error(), Subject::Model, message);
  bool validation = source->record.validation_enabled;
  if (!query_bool(call.query, "validation", validation, message)) return error(errc::invalid_param, message);
  // A clone is a full copy with no link: inherited elements become its own.
  return store_model(ctx, call, model::clone_model(source->resolved, new_id), validation, false);
}

ApiResponse model_get(ApiContext& ctx, const ApiCall& call) {
  std::string id, message;
  if (!query_model_id(call, "modelId", id, message)) return error(errc::invalid_param, message);
  const std::string_view format = call.query.get("format");
  if (format == "console") return model_export(ctx, call);
  if (!format.empty() && format != "api") return error(errc::invalid_param, "format must be api or console");
  bool draft = false;
  if (!query_bool(call.query, "draft", draft, message)) return error(errc::invalid_param, message);
  auto chain = load_chain(ctx.registry, call.org_id, id, message);
  if (!chain) return error(chain.error(), Subject::Model, message);
  // The draft resolves against the published ancestors, as publish will check it. The record keeps its
  // draft_body, so the view still says hasDraft.
  if (draft && !chain->front().draft_body.empty()) chain->front().body = chain->front().draft_body;
  auto loaded = resolve_chain(std::move(*chain), message);
  if (!loaded) return error(loaded.error(), Subject::Model, message);
  return ok(model_view(*loaded));
}

ApiResponse model_export(ApiContext& ctx, const ApiCall& call) {
  std::string id, message;
  if (!query_model_id(call, "modelId", id, message)) return error(errc::invalid_param, message);
  bool draft = false;
  if (!query_bool(call.query, "draft", draft, message)) return error(errc::invalid_param, message);
  auto rec = ctx.registry.get_model(call.org_id, id);
  if (!rec) return error(rec.error(), Subject::Model, "model " + id + " does not exist");
  // Stored as export_console_json(model, orgId): already the console format of this OU.
  boost::system::error_code ec;
  boost::json::value doc = gridhub::json::parse(draft && !rec->draft_body.empty() ? rec->draft_body : rec->body, ec);
  if (ec) return error(errc::internal, "stored model " + id + " is not JSON");
  return ok(std::move(doc));
}

ApiResponse model_search(ApiContext& ctx, const ApiCall& call) {
  boost::json::object body;
  std::string message;
  if (!parse_body_object(call.request.body, body, message)) return error(errc::invalid_param, message);
  registry::Page page;
  if (!read_page(body, page, message)) return error(errc::invalid_param, message);
  std::string expression, like;
  FieldReader f(body);
  f.string("expression", expression, false, kMaxExpressionBytes);
  f.string("modelIdLike", like, false, registry::kMaxFilterBytes);
  if (!f.ok()) return error(errc::invalid_param, f.error());
  std::vector<Condition> conditions;
  if (!parse_expression(expression, conditions, message)) return error(errc::invalid_param, message);

  // modelId = / in narrow to a set of ids; modelId like adds to the substring filter.
  std::optional<std::vector<std::string>> ids;
  for (auto& c : conditions) {
    if (c.field != "modelId") return error(errc::invalid_param, "expression: only modelId can be searched, not " + c.field);
    if (c.op == Condition::Op::Like) {
      if (!like.empty() && like != c.values.front())
        return error(errc::invalid_param, "expression: one modelId like filter at most");
      like = c.values.front();
      continue;
    }
    if (ids) {
      std::vector<std::string> both;
      for (auto& v : c.values)
        if (std::find(ids->begin(), ids->end(), v) != ids->end()) both.push_back(v);
      ids = std::move(both);
    } else {
      ids = std::move(c.values);
    }
  }

  std::vector<registry::ModelRecord> records;
  int64_t total = 0;
  if (ids) {
    std::set<std::string> seen;
    std::vector<std::string> matched;
    for (auto& id : *ids)
      if (seen.insert(id).second && (like.empty() || id.find(like) != std::string::npos) &&
          ctx.registry.get_model(call.org_id, id))
        matched.push_back(id);
    total = static_cast<int64_t>(matched.size());
    const std::size_t first = static_cast<std::size_t>(page.page_no - 1) * static_cast<std::size_t>(page.page_size);
    for (std::size_t i = first; i < matched.size() && i < first + static_cast<std::size_t>(page.page_size); ++i)
      if (auto rec = ctx.registry.get_model(call.org_id, matched[i])) records.push_back(std::move(*rec));
  } else {
    auto r = ctx.registry.search_models(call.org_id, like, page);
    records = std::move(r.items);
    total = r.total;
  }
  boost::json::array data;
  for (const auto& rec : records) {
    auto loaded = load_model(ctx.registry, call.org_id, rec.model_id, message);
    if (loaded) {
      data.push_back(model_view(*loaded));
    } else {
      // A model whose chain no longer loads is still listed, so the operator can see and fix it.
      data.push_back(boost::json::object{{"modelId", rec.model_id},
                                         {"parentModelId", rec.parent_model_id},
                                         {"validationEnabled", rec.validation_enabled},
                                         {"hasDraft", !rec.draft_body.empty()},
                                         {"error", message}});
    }
  }
  return ok_page(std::move(data), page.page_no, page.page_size, total);
}

ApiResponse model_update(ApiContext& ctx, const ApiCall& call) {
  std::string id, message;
  if (!query_model_id(call, "modelId", id, message)) return error(errc::invalid_param, message);
  // draft=true: the model goes to the draft; the published model, which devices are validated against, stays.
  bool draft = false;
  if (!query_bool(call.query, "draft", draft, message)) return error(errc::invalid_param, message);
  auto rec = ctx.registry.get_model(call.org_id, id);
  if (!rec) return error(rec.error(), Subject::Model, "model " + id + " does not exist");
  boost::json::object body;
  if (!parse_body_object(call.request.body, body, message)) return error(errc::invalid_param, message);
  FieldReader f(body);
  const bool has_switch = f.has("validationEnabled");
  const bool validation_before = rec->validation_enabled;
  f.boolean("validationEnabled", rec->validation_enabled);
  if (!f.ok()) return error(errc::invalid_param, f.error());
  bool has_model = body.contains("name");
  for (auto key : kElementKeys) has_model = has_model || body.contains(key);
  if (draft) {
    // The switch acts on devices at once, so it is no part of a draft; a get -> update round trip sends it
    // unchanged, which is fine.
    if (rec->validation_enabled != validation_before)
      return error(errc::invalid_param, "validationEnabled is not part of a draft: change it without draft=true");
    if (!has_model) return error(errc::invalid_param, "nothing to update: a draft needs the model (attributes, ...)");
  }
  if (!has_switch && !has_model)
    return error(errc::invalid_param, "nothing to update: send validationEnabled and/or the model (attributes, ...)");

  if (has_model) {
    if (const auto* body_id = body.if_contains("modelId"); body_id && !(body_id->is_string() && body_id->get_string() == id))
      return error(errc::invalid_param, "modelId in the body must be the query's modelId");
    if (const auto* parent = body.if_contains("parentModelId");
        parent && !parent->is_null() && !(parent->is_string() && parent->get_string() == rec->parent_model_id))
      return error(errc::invalid_param, "parentModelId cannot change through update");
    body["modelId"] = id;
    body.erase("modelIdPath");  // the parent does not change through update (checked above)
    std::string detail;
    auto m = model::from_api_json(boost::json::value(std::move(body)), &detail);
    if (!m) return error(m.error(), Subject::Model, "invalid model: " + (detail.empty() ? m.error().message() : detail));
    if (auto failed = refit_in_chain(ctx, call, *rec, *m)) return std::move(*failed);
    (draft ? rec->draft_body : rec->body) = boost::json::serialize(model::export_console_json(*m, call.org_id));
  }
  return save_new_version(ctx, *rec);
}

ApiResponse model_publish(ApiContext& ctx, const ApiCall& call) {
  std::string id, message;
  if (!query_model_id(call, "modelId", id, message)) return error(errc::invalid_param, message);
  auto rec = ctx.registry.get_model(call.org_id, id);
  if (!rec) return error(rec.error(), Subject::Model, "model " + id + " does not exist");
  if (rec->draft_body.empty()) return error(errc::invalid_param, "model " + id + " has no draft");
  std::string detail;
  auto m = model::import_console_json(rec->draft_body, &detail);
  if (!m) return error(errc::internal, "the draft of model " + id + " does not load: " + detail);
  // The checks of update, again: ancestors and descendants may have changed since the draft was saved.
  if (auto failed = refit_in_chain(ctx, call, *rec, *m)) return std::move(*failed);
  rec->body = boost::json::serialize(model::export_console_json(*m, call.org_id));
  rec->draft_body.clear();
  return save_new_version(ctx, *rec);
}

ApiResponse model_discard_draft(ApiContext& ctx, const ApiCall& call) {
  std::string id, message;
  if (!query_model_id(call, "modelId", id, message)) return error(errc::invalid_param, message);
  auto rec = ctx.registry.get_model(call.org_id, id);
  if (!rec) return error(rec.error(), Subject::Model, "model " + id + " does not exist");
  if (!rec->draft_body.empty()) {  // discarding nothing succeeds: the caller's intent holds either way
    rec->draft_body.clear();
    if (auto r = ctx.registry.update_model(*rec); !r)
      return error(r.error(), Subject::Model, "model " + id + ": " + r.error().message());
  }
  return ok(boost::json::object{{"modelId", id}});
}

ApiResponse model_delete(ApiContext& ctx, const ApiCall& call) {
  std::string id, message;
  if (!query_model_id(call, "modelId", id, message)) return error(errc::invalid_param, message);
  auto r = ctx.registry.delete_model(call.org_id, id);
  if (!r) {
    if (r.error() == registry::errc::in_use)
      return error(r.error(), Subject::Model, "model " + id + " is in use: a product uses it, a model inherits it or a storage policy group holds it");
    if (r.error() == registry::errc::not_found)
      return error(r.error(), Subject::Model, "model " + id + " does not exist");
    return error(r.error(), Subject::Model);
  }
  return ok(nullptr);
}

}  // namespace gridhub::api
