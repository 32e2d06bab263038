// Making, checking and revoking application access tokens (HMAC under the app's secret; see apim_token.hpp).
#include "api/apim_token.hpp"

#include <charconv>

#include "api/apim_digest.hpp"
#include "api/cursor.hpp"

namespace gridhub::api {

namespace {

constexpr std::string_view kVersion = "gh1";
// Domain separation: the app secret also ends the plain-SHA-256 request signatures; an HMAC over a labelled
// message cannot be confused with those.
constexpr std::string_view kMacLabel = "gridhub apim access token\n";
constexpr std::size_t kNonceBytes = 12;

std::string hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
  }
  return out;
}

}  // namespace

ApimTokens::ApimTokens(int64_t lifetime_ms, int64_t renew_margin_ms)
    : lifetime_ms_(lifetime_ms), renew_margin_ms_(renew_margin_ms) {}

std::optional<ApimTokens::Parsed> ApimTokens::parse(std::string_view token) {
  if (token.empty() || token.size() > kMaxTokenLength) return std::nullopt;
  const auto dot = token.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::string payload;
  if (!base64url_decode(token.substr(0, dot), payload)) return std::nullopt;
  // "gh1:<appKey>:<expire_ms>:<nonce>"
  std::string_view p = payload;
  auto next = [&p](std::string_view& field) {
    const auto colon = p.find(':');
    if (colon == std::string_view::npos) return false;
    field = p.substr(0, colon);
    p.remove_prefix(colon + 1);
    return true;
  };
  std::string_view version, app_key, expire;
  if (!next(version) || version != kVersion || !next(app_key) || app_key.empty() || !next(expire) ||
      p.empty())
    return std::nullopt;
  Parsed out;
  auto [end, ec] = std::from_chars(expire.data(), expire.data() + expire.size(), out.expire_at);
  if (ec != std::errc() || end != expire.data() + expire.size() || out.expire_at <= 0) return std::nullopt;
  out.app_key = std::string(app_key);
  return out;
}

std::string ApimTokens::app_key_of(std::string_view token) {
  auto p = parse(token);
  return p ? std::move(p->app_key) : std::string();
}

std::optional<IssuedToken> ApimTokens::make(const registry::App& app, int64_t now) const {
  auto nonce = random_bytes(kNonceBytes);
  if (!nonce) return std::nullopt;
  IssuedToken t;
  t.expire_at = now + lifetime_ms_;
  const std::string head = base64url_encode(std::string(kVersion) + ":" + app.app_key + ":" +
                                            std::to_string(t.expire_at) + ":" + hex(*nonce));
  const std::string mac = hmac_sha256(app.app_secret, std::string(kMacLabel) + head);
  if (mac.empty()) return std::nullopt;
  t.token = head + "." + base64url_encode(mac);
  return t;
}

bool ApimTokens::valid_locked(std::string_view token, const registry::App& app, int64_t now) const {
  auto p = parse(token);
  if (!p || p->app_key != app.app_key) return false;
  if (now >= p->expire_at || p->expire_at - now > lifetime_ms_) return false;
  const auto dot = token.find('.');
  std::string mac;
  const std::string expected =
      hmac_sha256(app.app_secret, std::string(kMacLabel) + std::string(token.substr(0, dot)));
  if (!base64url_decode(token.substr(dot + 1), mac) || expected.empty() ||
      !equal_constant_time(mac, expected))
    return false;
  auto it = apps_.find(app.app_key);
  if (it != apps_.end() && it->second.revoked_before > 0) {
    if (p->expire_at < it->second.revoked_before) return false;
    if (p->expire_at == it->second.revoked_before && token != it->second.current.token) return false;
  }
  return true;
}

bool ApimTokens::valid(std::string_view token, const registry::App& app, int64_t now) const {
  std::lock_guard lock(mutex_);
  return valid_locked(token, app, now);
}

std::optional<IssuedToken> ApimTokens::current(const registry::App& app, int64_t now) {
  std::lock_guard lock(mutex_);
  auto it = apps_.find(app.app_key);
  if (it != apps_.end() && it->second.current.expire_at - now > renew_margin_ms_ &&
      valid_locked(it->second.current.token, app, now))
    return it->second.current;
  auto t = make(app, now);
  if (!t) return std::nullopt;
  apps_[app.app_key].current = *t;
  return t;
}

std::optional<IssuedToken> ApimTokens::renew(const registry::App& app, int64_t now) {
  std::lock_guard lock(mutex_);
  auto t = make(app, now);
  if (!t) return std::nullopt;
  State& s = apps_[app.app_key];
  s.current = *t;
  s.revoked_before = t->expire_at;
  return t;
}

void ApimTokens::forget(std::string_view app_key) {
  std::lock_guard lock(mutex_);
  apps_.erase(std::string(app_key));
}

}  // namespace gridhub::api
