// Registration, rendering of whole families, exact text.
#include "metrics/registry.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "metrics/counter.hpp"
#include "metrics/labelled_counter.hpp"

namespace gridhub::metrics {
namespace {

TEST(Registry, RendersCountersAndGaugesExactly) {
  Registry r;
  Counter c("test_requests_total", "Requests \"served\".", r);
  Gauge g("test_open", "Open now.", r);
  c.inc();
  c.inc(41);
  g.add(5);
  g.sub(7);
  EXPECT_EQ(r.render(),
            "# HELP test_requests_total Requests \"served\".\n"
            "# TYPE test_requests_total counter\n"
            "test_requests_total 42\n"
            "# HELP test_open Open now.\n"
            "# TYPE test_open gauge\n"
            "test_open -2\n");
  g.set(3);
  EXPECT_EQ(g.value(), 3);
}

TEST(Registry, GaugeFunctionIsReadAtScrapeTime) {
  Registry r;
  double v = 1.5;
  GaugeFunction f("test_level", "Level.", [&] { return v; }, r);
  EXPECT_EQ(r.render(), "# HELP test_level Level.\n# TYPE test_level gauge\ntest_level 1.5\n");
  v = 7;
  EXPECT_EQ(r.render(), "# HELP test_level Level.\n# TYPE test_level gauge\ntest_level 7\n");
  GaugeFunction empty("test_empty", "No reader.", nullptr, r);
  EXPECT_NE(r.render().find("test_empty 0\n"), std::string::npos);
}

TEST(Registry, RefusesDuplicateAndInvalidNames) {
  Registry r;
  Counter a("test_a_total", "A.", r);
  Counter dup("test_a_total", "Again.", r);
  Counter bad("bad-name", "Bad.", r);
  EXPECT_TRUE(a.registered());
  EXPECT_FALSE(dup.registered());
  EXPECT_FALSE(bad.registered());
  dup.inc();  // still usable, never shown
  bad.inc();
  EXPECT_EQ(r.size(), 1u);
  EXPECT_EQ(r.render(), "# HELP test_a_total A.\n# TYPE test_a_total counter\ntest_a_total 0\n");
}

TEST(Registry, MetricLeavesTheRegistryWhenDestroyed) {
  Registry r;
  auto c = std::make_unique<Counter>("test_tmp_total", "Temporary.", r);
  EXPECT_TRUE(r.contains("test_tmp_total"));
  c.reset();
  EXPECT_FALSE(r.contains("test_tmp_total"));
  EXPECT_EQ(r.render(), "");
  Counter again("test_tmp_total", "Back.", r);  // the name is free again
  EXPECT_TRUE(again.registered());
}

TEST(Registry, DefaultRegistryIsOneObject) { EXPECT_EQ(&default_registry(), &default_registry()); }

TEST(LabelledCounter, RendersEveryValueInOrderWithEscaping) {
  Registry r;
  LabelledCounter f("test_logins_failed_total", "Failures.", "reason", {"bad_credentials", "say \"no\"", "a\\b\nc"}, r);
  f.inc(0);
  f.inc(0, 2);
  f.inc(2);
  EXPECT_EQ(r.render(),
            "# HELP test_logins_failed_total Failures.\n"
            "# TYPE test_logins_failed_total counter\n"
            "test_logins_failed_total{reason=\"bad_credentials\"} 3\n"
            "test_logins_failed_total{reason=\"say \\\"no\\\"\"} 0\n"
            "test_logins_failed_total{reason=\"a\\\\b\\nc\"} 1\n");
}

TEST(LabelledCounter, IndexBounds) {
  Registry r;
  LabelledCounter f("test_f_total", "F.", "k", {"a", "b"}, r);
  EXPECT_EQ(f.size(), 2u);
  EXPECT_EQ(f.index_of("a"), 0u);
  EXPECT_EQ(f.index_of("b"), 1u);
  EXPECT_EQ(f.index_of("c"), 2u);  // absent: size()
  f.inc(1);                        // last valid index (N-1)
  f.inc(2);                        // N: ignored
  f.inc(static_cast<std::size_t>(-1));
  EXPECT_EQ(f.value(0), 0u);
  EXPECT_EQ(f.value(1), 1u);
  EXPECT_EQ(f.value(2), 0u);
}

TEST(CodeCounter, CodesAscendingThenOther) {
  Registry r;
  CodeCounter c("test_replies_total", "Replies.", "code", 3, r);
  c.inc(1204);
  c.inc(200);
  c.inc(200);
  c.inc(-5);
  EXPECT_EQ(r.render(),
            "# HELP test_replies_total Replies.\n"
            "# TYPE test_replies_total counter\n"
            "test_replies_total{code=\"-5\"} 1\n"
            "test_replies_total{code=\"200\"} 2\n"
            "test_replies_total{code=\"1204\"} 1\n");
}

TEST(CodeCounter, CapacityBoundsTheLabelSet) {
  Registry r;
  CodeCounter c("test_codes_total", "Codes.", "code", 2, r);
  c.inc(1);
  c.inc(2);  // fills the capacity (N)
  c.inc(3);  // N+1: other
  c.inc(4, 5);
  c.inc(1);  // a known code still counts as itself
  EXPECT_EQ(c.value(1), 2u);
  EXPECT_EQ(c.value(2), 1u);
  EXPECT_EQ(c.value(3), 0u);
  EXPECT_EQ(c.other(), 6u);
  EXPECT_EQ(r.render(),
            "# HELP test_codes_total Codes.\n"
            "# TYPE test_codes_total counter\n"
            "test_codes_total{code=\"1\"} 2\n"
            "test_codes_total{code=\"2\"} 1\n"
            "test_codes_total{code=\"other\"} 6\n");
}

TEST(CodeCounter, ExtremeCodes) {
  Registry r;
  CodeCounter c("test_x_total", "X.", "code", 4, r);
  c.inc(INT64_MIN);  // the free-slot marker cannot be a label: other
  c.inc(INT64_MAX);
  EXPECT_EQ(c.other(), 1u);
  EXPECT_EQ(c.value(INT64_MIN), 0u);
  EXPECT_EQ(c.value(INT64_MAX), 1u);
  CodeCounter none("test_none_total", "None.", "code", 0, r);
  none.inc(200);
  EXPECT_EQ(none.other(), 1u);
}

}  // namespace
}  // namespace gridhub::metrics
