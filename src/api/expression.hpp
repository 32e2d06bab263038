// The subset of EnOS's SQL-like search `expression` that gridhub answers: conditions joined by `and`, each
// `field = 'v'`, `field like 'v'` or `field in ('a', 'b')`. Anything else is refused with a message, never
// guessed at.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gridhub::api {

struct Condition {
  enum class Op : uint8_t { Eq, Like, In };
  std::string field;
  Op op = Op::Eq;
  std::vector<std::string> values;  // one for Eq and Like
};

// Values may be 'single' or "double" quoted (a doubled quote inside stands for one) or bare words/numbers.
// Keywords are case-insensitive. Bounded by kMaxExpressionBytes, kMaxExpressionTerms and kMaxIdsPerRequest.
bool parse_expression(std::string_view text, std::vector<Condition>& out, std::string& message);

}  // namespace gridhub::api
