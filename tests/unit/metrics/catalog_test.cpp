// The process-wide metrics: names and types as documented, HTTP status classes at their bounds, and the
// /proc readers.
#include "metrics/catalog.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "metrics/process_stats.hpp"
#include "metrics/text_format.hpp"

namespace gridhub::metrics {
namespace {

TEST(Catalog, EveryMetricIsRegisteredWithItsType) {
  const std::string text = scrape();
  for (const char* line : {
           "# TYPE gridhub_mqtt_connections_open gauge\n",
           "# TYPE gridhub_mqtt_connections_accepted_total counter\n",
           "# TYPE gridhub_device_logins_total counter\n",
           "# TYPE gridhub_device_login_failures_total counter\n",
           "# TYPE gridhub_measurepoint_posts_total counter\n",
           "# TYPE gridhub_device_replies_total counter\n",
           "# TYPE gridhub_command_latency_seconds histogram\n",
           "# TYPE gridhub_store_samples_written_total counter\n",
           "# TYPE gridhub_store_wal_fsync_seconds histogram\n",
           "# TYPE gridhub_http_requests_total counter\n",
           "# TYPE gridhub_live_sessions gauge\n",
           "# TYPE gridhub_process_resident_memory_bytes gauge\n",
           "# TYPE gridhub_process_open_fds gauge\n",
           "# TYPE gridhub_uptime_seconds gauge\n",
       })
    EXPECT_NE(text.find(line), std::string::npos) << line;
  EXPECT_EQ(default_registry().size(), 14u);
}

TEST(Catalog, LoginFailureReasonsMatchTheEnum) {
  EXPECT_EQ(device_login_failures.size(), static_cast<std::size_t>(LoginFailure::Other) + 1);
  EXPECT_EQ(device_login_failures.index_of("bad_credentials"), static_cast<std::size_t>(LoginFailure::BadCredentials));
  EXPECT_EQ(device_login_failures.index_of("throttled"), static_cast<std::size_t>(LoginFailure::Throttled));
  const uint64_t before = device_login_failures.value(static_cast<std::size_t>(LoginFailure::Certificate));
  login_failed(LoginFailure::Certificate);
  EXPECT_EQ(device_login_failures.value(static_cast<std::size_t>(LoginFailure::Certificate)), before + 1);
}

TEST(Catalog, HttpStatusClassesAtTheirBounds) {
  auto counts = [] {
    std::vector<uint64_t> v;
    for (std::size_t i = 0; i < http_responses.size(); ++i) v.push_back(http_responses.value(i));
    return v;
  };
  const auto before = counts();
  count_http_response(99);   // below 100: not counted
  count_http_response(100);  // 1xx
  count_http_response(199);
  count_http_response(200);  // 2xx
  count_http_response(404);  // 4xx
  count_http_response(599);  // 5xx
  count_http_response(600);  // above 599: not counted
  count_http_response(0);
  const auto after = counts();
  ASSERT_EQ(after.size(), 5u);
  EXPECT_EQ(after[0] - before[0], 2u);
  EXPECT_EQ(after[1] - before[1], 1u);
  EXPECT_EQ(after[2] - before[2], 0u);
  EXPECT_EQ(after[3] - before[3], 1u);
  EXPECT_EQ(after[4] - before[4], 1u);
}

TEST(Catalog, ScrapeIsWellFormed) {
  // Every line is a comment or "name[{labels}] value", and every name is valid.
  const std::string text = scrape();
  ASSERT_FALSE(text.empty());
  ASSERT_EQ(text.back(), '\n');
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) continue;
    const std::size_t name_end = line.find_first_of("{ ");
    ASSERT_NE(name_end, std::string::npos) << line;
    EXPECT_TRUE(valid_metric_name(line.substr(0, name_end))) << line;
    const std::string value = line.substr(line.rfind(' ') + 1);
    EXPECT_FALSE(value.empty()) << line;
  }
}

TEST(ProcessStats, StatmParsing) {
  EXPECT_EQ(resident_pages_from_statm("1000 250 30 1 0 200 0\n"), 250u);
  EXPECT_EQ(resident_pages_from_statm("1000 250"), 250u);
  EXPECT_EQ(resident_pages_from_statm(""), 0u);
  EXPECT_EQ(resident_pages_from_statm("1000"), 0u);
  EXPECT_EQ(resident_pages_from_statm("1000 "), 0u);
  EXPECT_EQ(resident_pages_from_statm("x 250"), 0u);
  EXPECT_EQ(resident_pages_from_statm("1000\t250"), 0u);
}

TEST(ProcessStats, ReadsThisProcess) {
  EXPECT_GT(resident_memory_bytes(), 1024u * 1024u);  // a test binary is more than a MiB resident
  const uint64_t before = open_fds();
  EXPECT_GE(before, 3u);  // stdin, stdout, stderr
  const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(open_fds(), before + 1);
  ::close(fd);
  EXPECT_EQ(open_fds(), before);
}

}  // namespace
}  // namespace gridhub::metrics
