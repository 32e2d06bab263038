// Many threads updating while another scrapes: no update is lost, every scrape is well formed, and the
// histogram's +Inf bucket always equals its _count.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "metrics/counter.hpp"
#include "metrics/histogram.hpp"
#include "metrics/labelled_counter.hpp"

namespace gridhub::metrics {
namespace {

uint64_t sample(const std::string& text, const std::string& prefix) {
  const auto at = text.find("\n" + prefix + " ");
  if (at == std::string::npos) return UINT64_MAX;
  return std::stoull(text.substr(at + prefix.size() + 2));
}

TEST(Concurrency, NoUpdateIsLost) {
  Registry r;
  Counter c("test_total", "C.", r);
  Gauge g("test_gauge", "G.", r);
  CodeCounter codes("test_codes_total", "Codes.", "code", 8, r);
  LabelledCounter labelled("test_labelled_total", "L.", "k", {"a", "b"}, r);
  Histogram h("test_seconds", "H.", {0.5, 1.5}, r);
  constexpr int kThreads = 8, kPerThread = 20000;
  std::atomic<bool> stop{false};
  std::atomic<int> scrapes{0};
  std::thread scraper([&] {
    while (!stop.load()) {
      const std::string text = r.render();
      // A scrape taken mid-update is still consistent where it has to be.
      EXPECT_EQ(sample(text, "test_seconds_bucket{le=\"+Inf\"}"), sample(text, "test_seconds_count"));
      EXPECT_LE(sample(text, "test_seconds_bucket{le=\"0.5\"}"), sample(text, "test_seconds_bucket{le=\"1.5\"}"));
      ++scrapes;
    }
  });
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        c.inc();
        g.add(1);
        g.sub(1);
        codes.inc(200 + (i % 3) * 1000);  // three codes claimed by racing threads
        labelled.inc(t % 2);
        h.observe((i % 2) ? 1.0 : 0.25);
      }
    });
  }
  for (auto& w : workers) w.join();
  stop = true;
  scraper.join();
  EXPECT_GT(scrapes.load(), 0);
  constexpr uint64_t kAll = uint64_t{kThreads} * kPerThread;
  EXPECT_EQ(c.value(), kAll);
  EXPECT_EQ(g.value(), 0);
  EXPECT_EQ(codes.value(200) + codes.value(1200) + codes.value(2200), kAll);
  EXPECT_EQ(codes.other(), 0u);  // each code took one slot, even when threads raced for it
  EXPECT_EQ(labelled.value(0) + labelled.value(1), kAll);
  EXPECT_EQ(h.count(), kAll);
  EXPECT_EQ(h.cumulative_count(0), kAll / 2);
  EXPECT_DOUBLE_EQ(h.sum(), kAll / 2 * 1.0 + kAll / 2 * 0.25);
  const std::string text = r.render();
  EXPECT_EQ(sample(text, "test_total"), kAll);
  EXPECT_EQ(sample(text, "test_codes_total{code=\"200\"}") + sample(text, "test_codes_total{code=\"1200\"}") +
                sample(text, "test_codes_total{code=\"2200\"}"),
            kAll);
}

TEST(Concurrency, RegistrationWhileScraping) {
  Registry r;
  std::atomic<bool> stop{false};
  std::thread scraper([&] {
    while (!stop.load()) (void)r.render();
  });
  for (int i = 0; i < 2000; ++i) {
    Counter c("test_short_lived_total", "Comes and goes.", r);
    c.inc();
  }
  stop = true;
  scraper.join();
  EXPECT_EQ(r.size(), 0u);
}

}  // namespace
}  // namespace gridhub::metrics
