// /system/v2.1/stats?action=get: the hub's and the store's counters (logins refused by reason, protocol errors,
// keepalive losses, samples and events stored, commands, group commits), for operators and benchmarks.
// /system/v2.1/environment?action=get: the addresses a device (and the console) should use.
#include <boost/asio/ip/address.hpp>
#include <boost/json.hpp>

#include "api/envelope.hpp"
#include "api/limits.hpp"
#include "api/routes.hpp"

namespace gridhub::api {

namespace {

bool is_ipv6_literal(std::string_view s) {
  boost::system::error_code ec;
  boost::asio::ip::make_address_v6(std::string(s), ec);
  return !ec && s.find('%') == std::string_view::npos;  // no zone ids: they mean nothing to another machine
}

// RFC 1123 host name (an IPv4 literal is one too): dot-separated labels of letters, digits and '-', 1..63
// characters each, not starting or ending with '-', at most 253 characters in all.
bool is_host_name(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t label = 0;
  char prev = '.';
  for (char c : s) {
    if (c == '.') {
      if (label == 0 || prev == '-') return false;
      label = 0;
    } else {
      const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && !(c == '-' && label > 0)) return false;
      if (++label > 63) return false;
    }
    prev = c;
  }
  return label > 0 && prev != '-';
}

// As it goes into a URL: an IPv6 literal in brackets.
std::string url_host(std::string_view host) {
  if (host.find(':') != std::string_view::npos && host.front() != '[') return "[" + std::string(host) + "]";
  return std::string(host);
}

}  // namespace

bool is_valid_host(std::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') return is_ipv6_literal(host.substr(1, host.size() - 2));
  if (host.find(':') != std::string_view::npos) return is_ipv6_literal(host);
  return is_host_name(host);
}

std::string host_of_header(std::string_view value) {
  std::string_view host = value, port;
  if (value.starts_with('[')) {
    const std::size_t close = value.find(']');
    if (close == std::string_view::npos) return {};
    host = value.substr(0, close + 1);
    std::string_view rest = value.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return {};
      port = rest.substr(1);
      if (port.empty()) return {};
    }
  } else if (const std::size_t colon = value.find(':'); colon != std::string_view::npos) {
    host = value.substr(0, colon);
    port = value.substr(colon + 1);
    if (port.empty()) return {};
  }
  if (port.size() > 5) return {};
  for (char c : port)
    if (c < '0' || c > '9') return {};
  const bool valid = host.starts_with('[') ? is_valid_host(host) : is_host_name(host);
  if (!valid) return {};
  return std::string(host);
}

ApiResponse system_stats(ApiContext& ctx, const ApiCall&) {
  const auto& h = ctx.hub.stats();
  auto n = [](const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); };
  boost::json::object hub{
      {"connectionsAccepted", n(h.connections_accepted)},
      {"connectionsOpen", n(h.connections_open)},
      {"devicesOnline", ctx.hub.online_count()},
      {"logins", n(h.logins)},
      {"loginRefusedBadCredentials", n(h.login_refused_credentials)},
      {"loginRefusedNotAuthorized", n(h.login_refused_not_authorized)},
      {"loginRefusedOther", n(h.login_refused_other)},
      {"loginRefusedThrottled", n(h.login_refused_throttled)},
      {"loginRefusedCertificate", n(h.login_refused_certificate)},
      {"tlsHandshakes", n(h.tls_handshakes)},
      {"tlsHandshakeFailures", n(h.tls_handshake_failures)},
      {"takeovers", n(h.takeovers)},
      {"protocolErrors", n(h.protocol_errors)},
      {"keepaliveTimeouts", n(h.keepalive_timeouts)},
      {"connectTimeouts", n(h.connect_timeouts)},
      {"messagesIn", n(h.messages_in)},
      {"repliesOut", n(h.replies_out)},
      {"samplesStored", n(h.samples_stored)},
      {"eventsStored", n(h.events_stored)},
  };
  const auto c = ctx.hub.commands().stats();
  boost::json::object commands{
      {"submitted", c.submitted}, {"delivered", c.delivered},   {"replied", c.replied},
      {"timedOut", c.timed_out},  {"expired", c.expired},       {"refusedOffline", c.refused_offline},
  };
  const auto s = ctx.store.stats();
  boost::json::object store{
      {"appendedSamples", s.appended_samples}, {"appendedBatches", s.appended_batches},
      {"rejectedBatches", s.rejected_batches}, {"walBytes", s.wal_bytes},
      {"fsyncs", s.fsyncs},                    {"groupCommits", s.group_commits},
      {"maxGroupBatches", s.max_group_batches}, {"checkpoints", s.checkpoints},
      {"latestPoints", s.latest_points},
  };
  return ok(boost::json::object{{"hub", std::move(hub)}, {"commands", std::move(commands)}, {"store", std::move(store)}});
}

}  // namespace gridhub::api

namespace gridhub::api {

ApiResponse system_environment(ApiContext& ctx, const ApiCall& call) {
  const EnvironmentInfo& env = ctx.environment;
  // A browser at http://10.0.0.5:8080 reached us as 10.0.0.5: devices on its network can too.
  std::string host = env.public_host;
  if (host.empty()) host = host_of_header(call.request.host);
  if (host.empty()) host = env.listen_host;
  host = url_host(host);
  auto address = [&](std::string_view scheme, uint16_t port) {
    return std::string(scheme) + "://" + host + ":" + std::to_string(port);
  };
  const bool tls = env.mqtt_tls_port != 0;
  return ok(boost::json::object{
      {"orgId", call.org_id},
      {"mqtt", {{"host", host}, {"port", env.mqtt_port}, {"url", address("tcp", env.mqtt_port)}}},
      {"mqttTls",
       {{"enabled", tls},
        {"host", host},
        {"port", env.mqtt_tls_port},
        {"url", tls ? address("ssl", env.mqtt_tls_port) : std::string()}}},
      {"api", {{"url", address(env.https ? "https" : "http", env.http_port)}}},
      {"live", {{"url", address(env.https ? "wss" : "ws", env.http_port) + std::string(kLivePath)}}},
  });
}

}  // namespace gridhub::api
