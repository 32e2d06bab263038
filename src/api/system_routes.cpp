// /system/v2.1/stats?action=get: the hub's and the store's counters (logins refused by reason, protocol errors,
// keepalive losses, samples and events stored, commands, group commits), for operators and benchmarks.
#include <boost/json.hpp>

#include "api/envelope.hpp"
#include "api/routes.hpp"

namespace gridhub::api {

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
