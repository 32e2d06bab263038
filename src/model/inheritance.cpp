// Clone and inherit: copying a model, and merging a model with its ancestors' elements.
#include "model/inheritance.hpp"

#include <array>
#include <boost/json/array.hpp>
#include <map>
#include <set>
#include <vector>

#include "model/json_read.hpp"
#include "model/limits.hpp"

namespace gridhub::model {

namespace {

constexpr std::array<std::string_view, 4> kInheritedKeys = {
    "inheritedAttributeIds", "inheritedMeasurepointIds", "inheritedServiceIds", "inheritedEventIds"};

std::string_view inherited_key(ElementKind k) { return kInheritedKeys[static_cast<std::size_t>(k)]; }

// True when `m`'s console extra lists `id` among its inherited elements of kind `k`.
bool lists_inherited(const ThingModel& m, ElementKind k, std::string_view id) {
  const boost::json::value* v = m.extra.if_contains(inherited_key(k));
  if (!v || !v->is_array()) return false;
  for (const boost::json::value& x : v->get_array()) {
    if (const boost::json::string* s = x.if_string(); s && std::string_view(s->data(), s->size()) == id)
      return true;
  }
  return false;
}

// True when a model after position `i` of the chain defines `id` as an element of kind `k`.
bool defined_above(const std::vector<const ThingModel*>& chain, std::size_t i, ElementKind k,
                   std::string_view id) {
  for (std::size_t j = i + 1; j < chain.size(); ++j) {
    const auto& elements = chain[j]->elements(k);
    if (elements.find(std::string(id)) != elements.end()) return true;
  }
  return false;
}

}  // namespace

ThingModel clone_model(const ThingModel& src, std::string new_model_id) {
  ThingModel m = src;
  m.model_id = std::move(new_model_id);
  m.parent_model_id.clear();
  m.extra.erase("extraInfo");
  for (std::string_view key : kInheritedKeys) {
    if (m.extra.contains(key)) m.extra[key] = boost::json::array{};
  }
  return m;
}

boost::system::result<ThingModel> resolve_inheritance(const ThingModel& child,
                                                      std::span<const ThingModel* const> ancestors,
                                                      std::string* error_detail) {
  const Where w{"model [" + child.model_id + "]", error_detail};
  if (ancestors.size() > kMaxInheritanceDepth) {
    return w.fail(errc::limit_exceeded, "more than " + std::to_string(kMaxInheritanceDepth) +
                                            " ancestors in the inheritance chain");
  }
  std::vector<const ThingModel*> chain{&child};
  std::set<std::string_view> ids{child.model_id};
  for (const ThingModel* a : ancestors) {
    if (!a) return w.fail(errc::invalid_value, "null ancestor");
    if (!ids.insert(a->model_id).second)
      return w.fail(errc::inheritance_cycle,
                    "model [" + a->model_id + "] appears twice in the inheritance chain");
    chain.push_back(a);
  }
  // Which model defines each identifier (any kind: an identifier names one feature of the model).
  std::map<std::string_view, const ThingModel*, std::less<>> owner;
  ThingModel m = child;
  for (ElementKind k : kAllElementKinds) m.elements(k).clear();
  std::array<boost::json::array, 4> inherited;
  std::size_t total = 0;
  for (std::size_t i = 0; i < chain.size(); ++i) {
    const ThingModel& model = *chain[i];
    for (ElementKind k : kAllElementKinds) {
      for (const auto& [id, e] : model.elements(k)) {
        // An export of a child model repeats its inherited elements and lists them in inherited*Ids: the
        // ancestor's definition is the live one, so the copy is skipped when an ancestor defines it.
        if (lists_inherited(model, k, id) && defined_above(chain, i, k, id)) continue;
        auto [it, fresh] = owner.emplace(id, &model);
        if (!fresh) {
          return w.fail(errc::duplicate_identifier, "identifier [" + id + "] of model [" +
                                                        it->second->model_id + "] collides with " +
                                                        std::string(to_string(k)) + " [" + id +
                                                        "] of ancestor model [" + model.model_id + "]");
        }
        if (++total > kMaxElements) {
          return w.fail(errc::too_many_elements,
                        "more than " + std::to_string(kMaxElements) + " elements with the inherited ones");
        }
        m.elements(k).emplace(id, e);
        if (i > 0) inherited[static_cast<std::size_t>(k)].emplace_back(id);
      }
    }
  }
  if (!ancestors.empty()) {
    for (ElementKind k : kAllElementKinds)
      m.extra[inherited_key(k)] = std::move(inherited[static_cast<std::size_t>(k)]);
  }
  return m;
}

}  // namespace gridhub::model
