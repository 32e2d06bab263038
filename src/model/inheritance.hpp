// Models made from other models: clone (a full copy with no link) and inherit (a child model sees every
// element of its ancestors, read-only; identifiers must not collide).
#pragma once
#include <boost/system/result.hpp>
#include <span>
#include <string>

#include "model/thing_model.hpp"

namespace gridhub::model {

// A full copy of `src` under `new_model_id`, with no link afterwards: parent_model_id is cleared, the
// inherited*Ids lists are emptied and extraInfo (creator, times of the source) is dropped. Pass a resolved
// model to copy inherited elements too. The caller checks that `new_model_id` is a valid, unused id.
ThingModel clone_model(const ThingModel& src, std::string new_model_id);

// `child` with every element of its ancestors (parent first, then grandparent...) merged in: one model that
// the validator and the tsltemplate export can use. The result keeps the child's id, name, flags, tags and
// parent_model_id, and lists the elements that came from ancestors in extra's inherited{Attribute,
// Measurepoint,Service,Event}Ids. An element that a model of the chain lists in its own inherited*Ids (an
// EnOS export of a child repeats its inherited elements) is taken from the ancestor that defines it.
// Errors: an identifier (of any kind: attribute, point, service or event)
// defined twice along the chain -> errc::duplicate_identifier, *error_detail names it and both models;
// an ancestor repeated or equal to the child -> errc::inheritance_cycle; more than kMaxInheritanceDepth
// ancestors or a null pointer -> errc::limit_exceeded / errc::invalid_value; more than kMaxElements elements
// in total -> errc::too_many_elements.
[[nodiscard]] boost::system::result<ThingModel> resolve_inheritance(
    const ThingModel& child, std::span<const ThingModel* const> ancestors,
    std::string* error_detail = nullptr);

}  // namespace gridhub::model
