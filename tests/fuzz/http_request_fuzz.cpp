// Feeds the API's request path without a socket (api::handle_request: body bound, target parsing, query,
// authentication, route table, the handlers' body parsing, the envelope). Input: "METHOD TARGET\n", then the
// Authorization header line ("$TOKEN" = an admin token of the world's OU), then the body; $ORG/$PK/$GPK are the
// world's ids (fuzz_world.hpp). Every answer must be an HTTP status with a JSON body.
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "api/context.hpp"
#include "api/router.hpp"
#include "fuzz_world.hpp"
#include "hub/hub.hpp"
#include "registry/event_log.hpp"

namespace {

using namespace gridhub;

struct Api {
  boost::asio::io_context io;  // never run: the hub is only asked who is online
  std::unique_ptr<registry::EventLog> events;
  std::unique_ptr<hub::Hub> hub;
  std::unique_ptr<api::ApiContext> ctx;
  std::string token;
};

Api& api_world() {
  static Api* a = [] {
    auto* a = new Api;
    fuzz::World& w = fuzz::world();
    auto events = registry::open_sqlite_event_log(w.dir + "/events.db");
    if (!events) fuzz::setup_failed("open event log");
    a->events = std::move(*events);
    a->hub = std::make_unique<hub::Hub>(std::vector<boost::asio::io_context*>{&a->io}, *w.registry, *w.store,
                                        *a->events, hub::HubOptions{});
    a->ctx = std::make_unique<api::ApiContext>(*w.registry, *w.store, *a->hub, *a->events);
    a->ctx->now_ms = [] { return int64_t{1'700'000'000'000}; };
    auto token = w.registry->create_api_token(w.org, "admin", "fuzz");
    if (!token) fuzz::setup_failed("create token");
    a->token = *token;
    return a;
  }();
  return *a;
}

std::string expand(std::string s) {
  const Api& a = api_world();
  const fuzz::World& w = fuzz::world();
  for (const auto& [from, to] : {std::pair<std::string_view, const std::string*>{"$TOKEN", &a.token}, {"$ORG", &w.org}}) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to->size()))
      s.replace(at, from.size(), *to);
  }
  return fuzz::expand_placeholders(std::move(s));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  (void)api_world();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string input = expand(std::string(reinterpret_cast<const char*>(data), size));
  api::ApiRequest req;
  const std::size_t nl1 = input.find('\n');
  const std::string first = input.substr(0, nl1);
  const std::size_t sp = first.find(' ');
  if (sp == std::string::npos) return 0;
  req.method = first.substr(0, sp);
  req.target = first.substr(sp + 1);
  if (nl1 != std::string::npos) {
    const std::size_t nl2 = input.find('\n', nl1 + 1);
    req.authorization = input.substr(nl1 + 1, nl2 == std::string::npos ? std::string::npos : nl2 - nl1 - 1);
    if (nl2 != std::string::npos) req.body = input.substr(nl2 + 1);
  }
  req.remote_address = "192.0.2.1";
  req.host = "localhost:8080";

  const api::ApiResponse res = api::handle_request(*api_world().ctx, req);
  boost::system::error_code ec;
  const boost::json::value body = boost::json::parse(res.body, ec);
  // 500 is an internal error: a handler threw or broke an invariant. The one expected 500 here: the hub's loop
  // never runs in this harness, so commands to a device answer that the hub is not running.
  const bool hub_not_running = res.status == 500 && res.body.find("the hub is not running") != std::string::npos;
  if (hub_not_running) return 0;
  if (res.status < 200 || res.status > 599 || res.status == 500 || ec || !body.is_object()) {
    std::fprintf(stderr, "http_request: %s %s -> %u %s\n", req.method.c_str(), req.target.c_str(), res.status,
                 res.body.substr(0, 2000).c_str());
    std::abort();
  }
  return 0;
}
