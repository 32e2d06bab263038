// The text format's escaping, number spelling and name rules.
#include "metrics/text_format.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace gridhub::metrics {
namespace {

std::string label(std::string_view v) {
  std::string out;
  append_label_value(v, out);
  return out;
}

std::string help(std::string_view v) {
  std::string out;
  append_help_text(v, out);
  return out;
}

template <class T>
std::string value(T v) {
  std::string out;
  append_value(v, out);
  return out;
}

TEST(TextFormat, LabelValueEscapesBackslashQuoteAndNewline) {
  EXPECT_EQ(label(R"(a\b)"), R"(a\\b)");
  EXPECT_EQ(label(R"(say "hi")"), R"(say \"hi\")");
  EXPECT_EQ(label("two\nlines"), R"(two\nlines)");
  EXPECT_EQ(label("tab\tstays"), "tab\tstays");
  EXPECT_EQ(label("中文"), "中文");  // UTF-8 passes through
  EXPECT_EQ(label(""), "");
  EXPECT_EQ(label(R"(\"
)"), R"(\\\"\n)");
}

TEST(TextFormat, HelpEscapesBackslashAndNewlineButNotQuotes) {
  EXPECT_EQ(help(R"(a "quoted" \ word)"), R"(a "quoted" \\ word)");
  EXPECT_EQ(help("x\ny"), R"(x\ny)");
}

TEST(TextFormat, Values) {
  EXPECT_EQ(value(uint64_t{0}), "0");
  EXPECT_EQ(value(std::numeric_limits<uint64_t>::max()), "18446744073709551615");
  EXPECT_EQ(value(int64_t{-3}), "-3");
  EXPECT_EQ(value(std::numeric_limits<int64_t>::min()), "-9223372036854775808");
  EXPECT_EQ(value(0.0), "0");
  EXPECT_EQ(value(2.5), "2.5");
  EXPECT_EQ(value(0.005), "0.005");
  EXPECT_EQ(value(1.0), "1");
  EXPECT_EQ(value(0.1 + 0.2), "0.30000000000000004");  // round-trips exactly
  EXPECT_EQ(value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(value(std::nan("")), "NaN");
}

TEST(TextFormat, Header) {
  std::string out;
  append_header("gridhub_x_total", "What x\\y is.\nMore.", "counter", out);
  EXPECT_EQ(out, "# HELP gridhub_x_total What x\\\\y is.\\nMore.\n# TYPE gridhub_x_total counter\n");
}

TEST(TextFormat, MetricNames) {
  EXPECT_TRUE(valid_metric_name("gridhub_x_total"));
  EXPECT_TRUE(valid_metric_name("a"));
  EXPECT_TRUE(valid_metric_name("_a:b9"));
  EXPECT_TRUE(valid_metric_name(":recorded"));
  EXPECT_FALSE(valid_metric_name(""));
  EXPECT_FALSE(valid_metric_name("9a"));
  EXPECT_FALSE(valid_metric_name("a-b"));
  EXPECT_FALSE(valid_metric_name("a b"));
  EXPECT_FALSE(valid_metric_name("é"));
}

TEST(TextFormat, LabelNames) {
  EXPECT_TRUE(valid_label_name("code"));
  EXPECT_TRUE(valid_label_name("_x1"));
  EXPECT_FALSE(valid_label_name(""));
  EXPECT_FALSE(valid_label_name("__name__"));  // reserved
  EXPECT_FALSE(valid_label_name("a:b"));       // colons are for metric names only
  EXPECT_FALSE(valid_label_name("1a"));
}

}  // namespace
}  // namespace gridhub::metrics
