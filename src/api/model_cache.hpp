// Compiled validators of stored models for the API's own checks (device attributes), one per model version,
// so creating many devices of one product compiles its model once.
#pragma once
#include <boost/system/result.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "model/validator.hpp"
#include "registry/registry.hpp"

namespace gridhub::api {

// Thread-safe.
class ModelCache {
 public:
  // The validator of the model with its ancestors as stored now. Errors as load_model (model_chain.hpp).
  boost::system::result<std::shared_ptr<const model::Validator>> validator(registry::Registry& reg,
                                                                          std::string_view org,
                                                                          std::string_view model_id,
                                                                          std::string& message);

 private:
  std::mutex mutex_;
  // "org/model" -> (update times along the chain, validator)
  std::unordered_map<std::string, std::pair<std::string, std::shared_ptr<const model::Validator>>> entries_;
};

}  // namespace gridhub::api
