// Access tokens of EnOS applications (the token service, spec enos-platform.md §4.2). A token verifies
// itself:
//   base64url("gh1:" appKey ":" expire_ms ":" nonce) "." base64url(HMAC-SHA256(appSecret, domain || first
//   part))
// so it survives a restart with nothing stored, stops working when the app is deleted (its secret is gone)
// and cannot be made by anyone without the app's secret. docs/api_access.md explains the choice.
#pragma once
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/limits.hpp"
#include "registry/records.hpp"

namespace gridhub::api {

struct IssuedToken {
  std::string token;
  int64_t expire_at = 0;  // epoch ms
};

// Thread-safe. Keeps, per app, the token last handed out and the revocation of refreshed tokens (in memory:
// after a restart a refreshed-away token works again until its own expiry, at most the lifetime).
class ApimTokens {
 public:
  explicit ApimTokens(int64_t lifetime_ms = kApimTokenLifetimeMs,
                      int64_t renew_margin_ms = kApimTokenRenewMarginMs);

  // token/get: the app's current token while more than the renew margin is left, else a new one. nullopt only
  // when the system's random generator fails.
  std::optional<IssuedToken> current(const registry::App& app, int64_t now);
  // token/refresh: a new token; every token of the app issued before it stops working.
  std::optional<IssuedToken> renew(const registry::App& app, int64_t now);
  // The appKey a token names, without any check; "" when the text has not the token's shape.
  static std::string app_key_of(std::string_view token);
  // True when `token` is a token of `app` made under its secret, `now` is before its expiry (and its expiry
  // is no further than the lifetime ahead), and no refresh revoked it.
  bool valid(std::string_view token, const registry::App& app, int64_t now) const;
  // Forgets what is kept for a deleted app (its tokens fail anyway: find_app no longer knows it).
  void forget(std::string_view app_key);

 private:
  struct Parsed {
    std::string app_key;
    int64_t expire_at = 0;
  };
  struct State {
    IssuedToken current;
    // Set by renew: tokens expiring before this are revoked, and at exactly this time only `current` is
    // valid.
    int64_t revoked_before = 0;
  };
  static std::optional<Parsed> parse(std::string_view token);
  std::optional<IssuedToken> make(const registry::App& app, int64_t now) const;
  // REQUIRES: mutex_ held.
  bool valid_locked(std::string_view token, const registry::App& app, int64_t now) const;

  const int64_t lifetime_ms_, renew_margin_ms_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, State> apps_;
};

}  // namespace gridhub::api
