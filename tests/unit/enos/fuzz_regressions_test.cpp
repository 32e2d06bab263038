// Device payloads found by the libFuzzer targets (tests/fuzz/, docs/reliability.md) that the envelope once
// accepted wrongly.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "enos/envelope.hpp"

namespace gridhub::enos {
namespace {

// device_json fuzz target: "data": 214741e308 was read as inf; the reply's data, kept in the command record
// and shown by the API, then serialized as "Infinity" (not JSON). Such a payload is bad JSON (1220) now.
TEST(FuzzRegressions, ReplyWithANumberBeyondTheDoubleRangeIsBadJson) {
  auto r = parse_reply(R"({"id": "7", "code": 200, "data": 214741e308})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::bad_json);
  auto ok = parse_reply(R"({"id": "7", "code": 200, "data": 1.7976931348623157e308})");  // DBL_MAX: fine
  ASSERT_TRUE(ok) << ok.error().message();
  EXPECT_EQ(ok->data.as_double(), 1.7976931348623157e308);
}

TEST(FuzzRegressions, MeasurePointBeyondTheDoubleRangeIsBadJson) {
  auto r = parse_request(R"({"id":"1","params":{"measurepoints":{"temp":1e309}}})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::bad_json);
}

}  // namespace
}  // namespace gridhub::enos
