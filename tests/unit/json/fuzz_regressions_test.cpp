// Inputs found by the libFuzzer targets (tests/fuzz/, docs/reliability.md) that json::parse once got wrong.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <string>

#include "json/parse.hpp"

namespace gridhub::json {
namespace {

namespace bj = boost::json;

// device_json fuzz target: a service reply with "data": 214741e308 was read as inf, and serialized as
// "Infinity", which is not JSON (the command record and the API answer would carry it). parse_finite, which
// the envelope, the model import and the API bodies use, refuses such a number; parse keeps Boost's inf.
TEST(FuzzRegressions, NumberBeyondTheDoubleRangeIsRefused) {
  for (const char* text : {"214741e308", "1e309", "-1e309", "1.7976931348623159e308", "-1.7976931348623159e308",
                           "1e2147483647", R"({"id":"7","code":200,"data":214741e308})", "[0,1e400]"}) {
    boost::system::error_code ec;
    const bj::value v = parse_finite(text, ec);
    EXPECT_EQ(ec, bj::error::exponent_overflow) << text;
    EXPECT_TRUE(v.is_null()) << text;
  }
  boost::system::error_code ec;
  EXPECT_EQ(parse("1e309", ec).as_double(), INFINITY);  // parse itself still reads like Boost
  EXPECT_FALSE(ec);
  // An integer of 309 digits is beyond the double range too (it arrives as a double, past uint64).
  (void)parse_finite("1" + std::string(309, '0'), ec);
  EXPECT_EQ(ec, bj::error::exponent_overflow);
}

TEST(FuzzRegressions, TheLargestDoublesStillParse) {
  // N = DBL_MAX parses, N + 1 (above its halfway point to the next power) does not: checked above.
  // 1e308 written as an integer: 308 zeros (309 are refused above).
  for (const std::string text : {std::string("1.7976931348623157e308"), std::string("-1.7976931348623157e308"),
                                 std::string("1.7976931348623158e308"), "1" + std::string(308, '0')}) {
    boost::system::error_code ec;
    const bj::value v = parse_finite(text, ec);
    ASSERT_FALSE(ec) << text << ": " << ec.message();
    ASSERT_TRUE(v.is_double()) << text;
    // What parse returns serializes to JSON that parses back to it.
    const bj::value again = parse_finite(bj::serialize(v), ec);
    ASSERT_FALSE(ec) << bj::serialize(v);
    EXPECT_EQ(again.as_double(), v.as_double());
  }
  boost::system::error_code ec;
  const bj::value tiny = parse_finite("-1e-400", ec);  // an underflow is still 0, as in Boost
  ASSERT_FALSE(ec);
  EXPECT_EQ(tiny.as_double(), 0.0);
}

}  // namespace
}  // namespace gridhub::json
