// What a route handler receives: the request, its decoded query and the caller's identity and OU, already
// checked by the router.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/router.hpp"
#include "registry/registry.hpp"

namespace gridhub::api {

// Decoded query parameters in their order; a repeated name keeps its first value.
class Query {
 public:
  void add(std::string name, std::string value) { params_.emplace_back(std::move(name), std::move(value)); }
  // nullptr when absent.
  const std::string* find(std::string_view name) const {
    for (const auto& [k, v] : params_)
      if (k == name) return &v;
    return nullptr;
  }
  // "" when absent.
  std::string_view get(std::string_view name) const {
    const std::string* v = find(name);
    return v ? std::string_view(*v) : std::string_view();
  }

 private:
  std::vector<std::pair<std::string, std::string>> params_;
};

struct ApiCall {
  const ApiRequest& request;
  const Query& query;
  const registry::ApiCredential& caller;
  std::string org_id;  // the OU every registry call of this request is scoped to
};

}  // namespace gridhub::api
