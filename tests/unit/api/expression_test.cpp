// The search expression subset: =, like, in, joined by and; everything else refused with a message.
#include "api/expression.hpp"

#include <gtest/gtest.h>

#include "api/limits.hpp"

namespace gridhub::api {
namespace {

TEST(Expression, EmptyMeansNoCondition) {
  std::vector<Condition> c;
  std::string msg;
  EXPECT_TRUE(parse_expression("  ", c, msg));
  EXPECT_TRUE(c.empty());
}

TEST(Expression, EqLikeAndInJoinedByAnd) {
  std::vector<Condition> c;
  std::string msg;
  ASSERT_TRUE(parse_expression(R"(productKey = 'ab' AND deviceName like "bat" and modelId in ('m1', "m2",m3))", c, msg))
      << msg;
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].field, "productKey");
  EXPECT_EQ(c[0].op, Condition::Op::Eq);
  EXPECT_EQ(c[0].values, std::vector<std::string>{"ab"});
  EXPECT_EQ(c[1].op, Condition::Op::Like);
  EXPECT_EQ(c[1].values, std::vector<std::string>{"bat"});
  EXPECT_EQ(c[2].op, Condition::Op::In);
  EXPECT_EQ(c[2].values, (std::vector<std::string>{"m1", "m2", "m3"}));
}

TEST(Expression, DoubledQuoteStandsForOne) {
  std::vector<Condition> c;
  std::string msg;
  ASSERT_TRUE(parse_expression("deviceName = 'it''s'", c, msg));
  EXPECT_EQ(c[0].values[0], "it's");
}

TEST(Expression, MalformedIsRefusedWithAMessage) {
  for (const char* bad : {"productKey", "productKey =", "= 'x'", "a = 'x' or b = 'y'", "a = 'open", "a in 'x'",
                          "a in ('x'", "a in ()", "a > 3", "a = 'x' and", "a = 'x' b = 'y'", "(a = 'x')"}) {
    std::vector<Condition> c;
    std::string msg;
    EXPECT_FALSE(parse_expression(bad, c, msg)) << bad;
    EXPECT_EQ(msg.rfind("expression", 0), 0u) << bad << ": " << msg;
  }
}

TEST(Expression, TermLimitAtNAndNPlusOne) {
  std::string text = "a = 1";
  for (std::size_t i = 1; i < kMaxExpressionTerms; ++i) text += " and a = 1";
  std::vector<Condition> c;
  std::string msg;
  EXPECT_TRUE(parse_expression(text, c, msg)) << msg;
  EXPECT_EQ(c.size(), kMaxExpressionTerms);
  EXPECT_FALSE(parse_expression(text + " and a = 1", c, msg));
}

TEST(Expression, LengthLimitAtNAndNPlusOne) {
  std::string text = "a = '" + std::string(kMaxExpressionBytes - 6, 'x') + "'";
  ASSERT_EQ(text.size(), kMaxExpressionBytes);
  std::vector<Condition> c;
  std::string msg;
  EXPECT_TRUE(parse_expression(text, c, msg)) << msg;
  text.insert(5, "x");
  EXPECT_FALSE(parse_expression(text, c, msg));
}

}  // namespace
}  // namespace gridhub::api
