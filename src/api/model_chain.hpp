// Stored models with their inheritance chain: loading a model and its ancestors from the registry, resolving
// them into one model, and checking that a model about to be stored keeps every chain it is part of valid
// (identifiers unique from the root down to every descendant).
#pragma once
#include <boost/system/result.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "model/thing_model.hpp"
#include "registry/registry.hpp"

namespace gridhub::api {

// The model's record first, then its parent's, grandparent's... Errors: registry::errc::not_found when the
// model is missing; errc::internal (message says why) when an ancestor is missing or the chain loops or is
// longer than model::kMaxInheritanceDepth.
boost::system::result<std::vector<registry::ModelRecord>> load_chain(registry::Registry& reg, std::string_view org,
                                                                     std::string_view model_id, std::string& message);

struct LoadedModel {
  registry::ModelRecord record;
  model::ThingModel own;                     // as stored: the model's own elements only
  std::vector<model::ThingModel> ancestors;  // parent first
  model::ThingModel resolved;                // own + every ancestor's elements (read-only in the child)
  std::string id_path;                       // "/root/parent/model"
};

// Parses and resolves a chain from load_chain. errc::internal when a stored body no longer loads.
boost::system::result<LoadedModel> resolve_chain(std::vector<registry::ModelRecord> chain, std::string& message);

// load_chain + resolve_chain.
boost::system::result<LoadedModel> load_model(registry::Registry& reg, std::string_view org,
                                              std::string_view model_id, std::string& message);

// For a model about to be stored under `candidate.parent_model_id` (non-empty): the parent must exist in the
// OU (registry::errc::model_not_found), the chain must not loop back to the candidate
// (registry::errc::inheritance_cycle), and no identifier of the candidate may repeat an ancestor's
// (model::errc::duplicate_identifier). Elements the candidate repeats from an ancestor with the same
// definition (a get -> update round trip) are dropped from it first, so the returned model holds only its own.
boost::system::result<model::ThingModel> check_against_ancestors(registry::Registry& reg, std::string_view org,
                                                                 model::ThingModel candidate, std::string& message);

// Every stored model that inherits from `candidate.model_id` (directly or not) must still resolve when
// `candidate` replaces the stored version: model::errc::duplicate_identifier otherwise.
boost::system::error_code check_descendants(registry::Registry& reg, std::string_view org,
                                            const model::ThingModel& candidate, std::string& message);

// Every model record of the OU (paged through the registry).
std::vector<registry::ModelRecord> all_org_models(registry::Registry& reg, std::string_view org);

}  // namespace gridhub::api
