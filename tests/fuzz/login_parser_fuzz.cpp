// Feeds the EnOS CONNECT login (hub::decide_login: client id, username, password sign) input lines
// "clientId\nusername\npassword". A password "$SIGN" ("$SIGNUP": upper case) is replaced by the right signature,
// which must then be accepted; $PK/$GPK/$SECRET... are the fuzz world's keys (fuzz_world.hpp).
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "enos/login.hpp"
#include "fuzz_world.hpp"
#include "hub/handle_login.hpp"

namespace {

using namespace gridhub;

bool inside(std::string_view whole, std::string_view part) {
  return part.empty() || (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)fuzz::world();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string input = fuzz::expand_placeholders(std::string(reinterpret_cast<const char*>(data), size));
  mqtt::Connect c;
  c.protocol_name = "MQTT";
  c.protocol_level = 4;
  const std::size_t nl1 = input.find('\n');
  c.client_id = input.substr(0, nl1);
  if (nl1 != std::string::npos) {
    const std::size_t nl2 = input.find('\n', nl1 + 1);
    c.username = input.substr(nl1 + 1, nl2 == std::string::npos ? std::string::npos : nl2 - nl1 - 1);
    if (nl2 != std::string::npos) c.password = input.substr(nl2 + 1);
  }

  // The parsers alone: views into their input, the documented grammar.
  auto id = enos::parse_client_id(c.client_id);
  if (id) {
    if (id->prefix.empty() || !inside(c.client_id, id->prefix) || !inside(c.client_id, id->timestamp)) std::abort();
    if (id->secure_mode < 0 || c.client_id.back() != '|') std::abort();
  }
  std::optional<enos::Username> user;
  if (c.username) {
    auto u = enos::parse_username(*c.username);
    if (u) {
      if (u->device_key.empty() || u->product_key.empty()) std::abort();
      if (u->device_key.size() + u->product_key.size() + 1 != c.username->size()) std::abort();
      user = *u;
    }
  }
  (void)enos::parse_sign_method(c.client_id);

  // The right signature for what the CONNECT claims, when the password asks for it.
  const bool wants_sign = c.password && (*c.password == "$SIGN" || *c.password == "$SIGNUP");
  const fuzz::World& w = fuzz::world();
  const registry::Device* claimed = nullptr;
  if (user)
    for (const auto* d : {&w.gateway, &w.sub_device, &w.device})
      if (d->product_key == user->product_key && d->device_key == user->device_key) claimed = d;
  if (wants_sign && id && claimed && id->secure_mode == 2) {
    std::string sig = enos::sign(id->sign_method, id->prefix, user->device_key, user->product_key, id->timestamp,
                                 claimed->device_secret);
    if (sig.empty()) std::abort();
    if (*c.password == "$SIGNUP")
      std::transform(sig.begin(), sig.end(), sig.begin(), [](unsigned char ch) { return std::toupper(ch); });
    c.password = sig;
  }

  auto snapshot = w.view->current();
  const hub::LoginDecision d = hub::decide_login(c, *snapshot);
  const bool accepted = d.connack == mqtt::kConnackAccepted;
  if (accepted && (!id || !user)) std::abort();  // nothing unparsed gets in
  if (wants_sign && id && claimed && id->secure_mode == 2 && !accepted) std::abort();  // the right sign gets in
  if (accepted && d.kind == hub::LoginKind::Device &&
      (d.device.product_key != user->product_key || d.device.device_key != user->device_key))
    std::abort();

  // Sub-device signs: the fields sorted by key, then the secret. The order given must not matter.
  if (c.password && user) {
    std::vector<std::pair<std::string_view, std::string_view>> fields = {
        {"deviceKey", user->device_key}, {"productKey", user->product_key}, {"clientId", *c.password}};
    const std::string a = enos::sign_fields(enos::SignMethod::Sha1, fields, "secret");
    std::reverse(fields.begin(), fields.end());
    if (a != enos::sign_fields(enos::SignMethod::Sha1, fields, "secret")) std::abort();
  }
  return 0;
}
