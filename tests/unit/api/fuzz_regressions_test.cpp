// Requests found by the libFuzzer targets (tests/fuzz/, docs/reliability.md) that the API once answered wrongly.
#include "api_fixture.hpp"

namespace gridhub::api::testing {
namespace {

using FuzzRegressions = ApiTest;

// http_request fuzz target: the method "POST\xFF" was quoted in the 405 message as is, so the body was not UTF-8
// and not JSON. Each ill-formed sequence is now U+FFFD.
TEST_F(FuzzRegressions, MessageQuotingBytesThatAreNotUtf8IsStillJson) {
  Answer a = raw("POST\xFF", std::string(kMeasurepoints) + "?action=queryLatest", "{}", "Bearer " + token_);
  EXPECT_EQ(a.status, 405u) << a.body;
  ASSERT_FALSE(a.json.is_null()) << a.body;
  EXPECT_NE(a.msg().find("POST\xEF\xBF\xBD"), std::string::npos) << a.msg();

  // The same through a percent-decoded action, which any HTTP client can send; well-formed UTF-8 is kept.
  a = call("GET", kDevices, "action=%FF%C3%A9%ED%A0%80");
  EXPECT_EQ(a.status, 400u) << a.body;
  ASSERT_FALSE(a.json.is_null()) << a.body;
  EXPECT_NE(a.msg().find("\xEF\xBF\xBD\xC3\xA9\xEF\xBF\xBD"), std::string::npos) << a.msg();  // é kept, surrogate not
}

// A number beyond the double range in a body was read as inf and stored; it is refused now (400).
TEST_F(FuzzRegressions, BodyWithANumberBeyondTheDoubleRangeIs400) {
  Answer a = call("POST", kProducts, "action=create",
                  R"({"productName":{"defaultValue":"p"},"productType":"Device","modelId":"x","tags":{"a":1e309}})");
  EXPECT_EQ(a.status, 400u) << a.body;
  EXPECT_NE(a.msg().find("not valid JSON"), std::string::npos) << a.msg();
}

}  // namespace
}  // namespace gridhub::api::testing
