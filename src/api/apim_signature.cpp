// Timestamps, paramsData and the two SHA-256 constructions of EnOS application credentials.
#include "api/apim_signature.hpp"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <utility>
#include <vector>

#include "api/apim_digest.hpp"
#include "api/limits.hpp"

namespace gridhub::api {

std::optional<int64_t> parse_timestamp_ms(std::string_view text) {
  if (text.empty() || text.size() > kMaxApimTimestampLength) return std::nullopt;
  const auto point = text.find('.');
  const std::string_view whole = text.substr(0, point);
  // 18 digits cannot overflow int64 and reach far past any plausible clock.
  if (whole.empty() || whole.size() > 18) return std::nullopt;
  int64_t v = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (point != std::string_view::npos) {
    const std::string_view fraction = text.substr(point + 1);
    if (fraction.empty()) return std::nullopt;
    for (char c : fraction)
      if (c < '0' || c > '9') return std::nullopt;
  }
  return v;
}

bool timestamp_fresh(int64_t ts, int64_t now_ms) {
  // Both are far from the int64 limits (parse_timestamp_ms caps ts at 18 digits), so the difference is exact.
  const int64_t d = now_ms - ts;
  return d <= kApimTimestampSkewMs && d >= -kApimTimestampSkewMs;
}

std::optional<std::string> params_data(std::string_view target, std::string_view body) {
  auto url = boost::urls::parse_origin_form(target);
  if (!url) return std::nullopt;
  std::vector<std::pair<std::string, std::string>> params;
  for (auto p : url->params())
    params.emplace_back(std::string(p.key), p.has_value ? std::string(p.value) : std::string());
  std::stable_sort(params.begin(), params.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (const auto& [k, v] : params) {
    out += k;
    out += v;
  }
  out += body;
  return out;
}

std::string request_signature(std::string_view access_token, std::string_view params_data,
                              std::string_view timestamp, std::string_view app_secret) {
  return sha256_hex({access_token, params_data, timestamp, app_secret});
}

std::string token_encryption(std::string_view app_key, std::string_view timestamp,
                             std::string_view app_secret) {
  return sha256_hex({app_key, timestamp, app_secret});
}

}  // namespace gridhub::api
