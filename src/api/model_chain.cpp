// Loading, resolving and checking model inheritance chains against the registry.
#include "api/model_chain.hpp"

#include <map>
#include <spdlog/spdlog.h>

#include "api/errc.hpp"
#include "model/console_json.hpp"
#include "model/errc.hpp"
#include "model/inheritance.hpp"
#include "model/limits.hpp"
#include "registry/errc.hpp"
#include "registry/limits.hpp"

namespace gridhub::api {

namespace {

boost::system::result<model::ThingModel> parse_record(const registry::ModelRecord& rec, std::string& message) {
  std::string detail;
  auto m = model::import_console_json(rec.body, &detail);
  if (!m) {
    spdlog::error("stored model {}/{} does not load: {}", rec.org_id, rec.model_id, detail);
    message = "stored model " + rec.model_id + " does not load: " + detail;
    return make_error_code(errc::internal);
  }
  // The registry's column is the authority on the parent (the body may predate an inheritance change).
  m->parent_model_id = rec.parent_model_id;
  return m;
}

}  // namespace

boost::system::result<std::vector<registry::ModelRecord>> load_chain(registry::Registry& reg, std::string_view org,
                                                                     std::string_view model_id, std::string& message) {
  std::vector<registry::ModelRecord> chain;
  auto first = reg.get_model(org, model_id);
  if (!first) {
    message = "model " + std::string(model_id) + " does not exist";
    return first.error();
  }
  chain.push_back(std::move(*first));
  while (!chain.back().parent_model_id.empty()) {
    const std::string parent_id = chain.back().parent_model_id;
    for (const auto& rec : chain)
      if (rec.model_id == parent_id) {
        message = "model " + std::string(model_id) + ": inheritance chain loops at " + parent_id;
        return make_error_code(errc::internal);
      }
    if (chain.size() > model::kMaxInheritanceDepth) {
      message = "model " + std::string(model_id) + ": inheritance chain is deeper than " +
                std::to_string(model::kMaxInheritanceDepth);
      return make_error_code(errc::internal);
    }
    auto parent = reg.get_model(org, parent_id);
    if (!parent) {
      message = "model " + chain.back().model_id + ": parent model " + parent_id + " is missing";
      return parent.error() == registry::errc::not_found ? make_error_code(errc::internal) : parent.error();
    }
    chain.push_back(std::move(*parent));
  }
  return chain;
}

boost::system::result<LoadedModel> resolve_chain(std::vector<registry::ModelRecord> chain, std::string& message) {
  LoadedModel out;
  std::vector<model::ThingModel> parsed;
  parsed.reserve(chain.size());
  for (const auto& rec : chain) {
    auto m = parse_record(rec, message);
    if (!m) return m.error();
    parsed.push_back(std::move(*m));
  }
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) out.id_path.append("/").append(it->model_id);
  out.own = std::move(parsed.front());
  out.ancestors.assign(std::make_move_iterator(parsed.begin() + 1), std::make_move_iterator(parsed.end()));
  std::vector<const model::ThingModel*> ptrs;
  for (const auto& a : out.ancestors) ptrs.push_back(&a);
  std::string detail;
  auto resolved = model::resolve_inheritance(out.own, ptrs, &detail);
  if (!resolved) {
    spdlog::error("stored model {}/{} does not resolve: {}", chain.front().org_id, chain.front().model_id, detail);
    message = "stored model " + chain.front().model_id + " does not resolve: " + detail;
    return make_error_code(errc::internal);
  }
  out.resolved = std::move(*resolved);
  out.record = std::move(chain.front());
  return out;
}

boost::system::result<LoadedModel> load_model(registry::Registry& reg, std::string_view org,
                                              std::string_view model_id, std::string& message) {
  auto chain = load_chain(reg, org, model_id, message);
  if (!chain) return chain.error();
  return resolve_chain(std::move(*chain), message);
}

boost::system::result<model::ThingModel> check_against_ancestors(registry::Registry& reg, std::string_view org,
                                                                 model::ThingModel candidate, std::string& message) {
  auto chain = load_chain(reg, org, candidate.parent_model_id, message);
  if (!chain) {
    if (chain.error() == registry::errc::not_found) {
      message = "parent model " + candidate.parent_model_id + " does not exist";
      return make_error_code(registry::errc::model_not_found);
    }
    return chain.error();
  }
  for (const auto& rec : *chain)
    if (rec.model_id == candidate.model_id) {
      message = "model " + candidate.model_id + " cannot inherit from " + candidate.parent_model_id +
                ": the chain would loop";
      return make_error_code(registry::errc::inheritance_cycle);
    }
  auto parent = resolve_chain(std::move(*chain), message);
  if (!parent) return parent.error();
  // Elements repeated unchanged from an ancestor are the ancestor's (a client sending back what get returned).
  for (model::ElementKind kind : model::kAllElementKinds) {
    auto& own = candidate.elements(kind);
    const auto& inherited = parent->resolved.elements(kind);
    for (auto it = own.begin(); it != own.end();) {
      auto found = inherited.find(it->first);
      it = found != inherited.end() && model::same_definition(it->second, found->second) ? own.erase(it) : std::next(it);
    }
  }
  std::vector<const model::ThingModel*> ptrs{&parent->own};
  for (const auto& a : parent->ancestors) ptrs.push_back(&a);
  std::string detail;
  auto resolved = model::resolve_inheritance(candidate, ptrs, &detail);
  if (!resolved) {
    message = detail.empty() ? resolved.error().message() : detail;
    return resolved.error();
  }
  return candidate;
}

std::vector<registry::ModelRecord> all_org_models(registry::Registry& reg, std::string_view org) {
  std::vector<registry::ModelRecord> out;
  registry::Page page{1, registry::kMaxPageSize};
  for (;;) {
    auto r = reg.search_models(org, "", page);
    const std::size_t n = r.items.size();
    for (auto& m : r.items) out.push_back(std::move(m));
    if (n == 0 || static_cast<int64_t>(out.size()) >= r.total) break;
    ++page.page_no;
  }
  return out;
}

boost::system::error_code check_descendants(registry::Registry& reg, std::string_view org,
                                            const model::ThingModel& candidate, std::string& message) {
  auto records = all_org_models(reg, org);
  std::map<std::string, const registry::ModelRecord*, std::less<>> by_id;
  for (const auto& r : records) by_id.emplace(r.model_id, &r);

  // The ids above `id` (parent first), with `candidate` standing in for its stored version.
  auto parent_of = [&](const std::string& id) -> std::string {
    if (id == candidate.model_id) return candidate.parent_model_id;
    auto it = by_id.find(id);
    return it == by_id.end() ? std::string() : it->second->parent_model_id;
  };
  std::map<std::string, model::ThingModel, std::less<>> parsed;
  auto get_parsed = [&](const std::string& id) -> const model::ThingModel* {
    if (id == candidate.model_id) return &candidate;
    if (auto it = parsed.find(id); it != parsed.end()) return &it->second;
    auto rec = by_id.find(id);
    if (rec == by_id.end()) return nullptr;
    std::string ignored;
    auto m = parse_record(*rec->second, ignored);
    if (!m) return nullptr;
    return &parsed.emplace(id, std::move(*m)).first->second;
  };

  for (const auto& rec : records) {
    if (rec.model_id == candidate.model_id) continue;
    // Walk up; a descendant meets the candidate on the way.
    std::vector<std::string> up;
    bool descends = false;
    for (std::string id = rec.parent_model_id; !id.empty() && up.size() <= model::kMaxInheritanceDepth;
         id = parent_of(id)) {
      if (id == rec.model_id) break;  // a loop; load_chain reports it when the model is used
      up.push_back(id);
      if (id == candidate.model_id) descends = true;
    }
    if (!descends) continue;
    const model::ThingModel* child = get_parsed(rec.model_id);
    std::vector<const model::ThingModel*> ancestors;
    for (const auto& id : up)
      if (const auto* a = get_parsed(id)) ancestors.push_back(a);
    if (!child || ancestors.size() != up.size()) continue;  // a broken stored model is reported where it is used
    std::string detail;
    auto resolved = model::resolve_inheritance(*child, ancestors, &detail);
    if (!resolved) {
      message = "model " + rec.model_id + " inherits from " + candidate.model_id + ": " +
                (detail.empty() ? resolved.error().message() : detail);
      return resolved.error();
    }
  }
  return {};
}

}  // namespace gridhub::api
