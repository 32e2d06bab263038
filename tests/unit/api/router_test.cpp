// handle_request without a socket: authentication, the one-OU rule, path/action/method dispatch, /healthz and
// the body bound, every refusal with the JSON envelope.
#include "api/router.hpp"

#include "api/limits.hpp"
#include "api_fixture.hpp"

namespace gridhub::api::testing {
namespace {

class RouterTest : public ApiTest {};

TEST_F(RouterTest, HealthzNeedsNoToken) {
  auto a = raw("GET", "/healthz", "", "");
  EXPECT_EQ(a.status, 200u);
  EXPECT_EQ(a.json, boost::json::parse(R"({"status":"ok"})"));
}

TEST_F(RouterTest, MissingAuthorizationIs401WithEnvelope) {
  auto a = raw("GET", std::string(kProducts) + "?action=get&productKey=x", "", "");
  EXPECT_EQ(a.status, 401u);
  EXPECT_EQ(a.code(), 401);
  EXPECT_FALSE(a.msg().empty());
  EXPECT_TRUE(a.json.as_object().contains("requestId"));
}

TEST_F(RouterTest, WrongTokenIs401) {
  for (const std::string& auth : std::vector<std::string>{"Bearer nope", "Bearer ", "Basic " + token_, token_, "Bearer " + token_ + "x",
                                 "Bearer " + std::string(kMaxTokenLength + 1, 'a')}) {
    auto a = raw("GET", std::string(kProducts) + "?action=get&productKey=x", "", auth);
    EXPECT_EQ(a.status, 401u) << auth;
    EXPECT_EQ(a.code(), 401) << auth;
  }
}

TEST_F(RouterTest, BearerSchemeIsCaseInsensitive) {
  auto a = raw("POST", std::string(kProducts) + "?action=search", "", "bearer " + token_);
  EXPECT_EQ(a.status, 200u) << a.body;
}

TEST_F(RouterTest, UnknownPathWithTokenIs404) {
  auto a = call("GET", "/connect-service/v2.1/nothing", "action=get");
  EXPECT_EQ(a.status, 404u);
  EXPECT_EQ(a.code(), 99404);
}

TEST_F(RouterTest, UnknownPathWithoutTokenIs401) {
  auto a = raw("GET", "/nothing", "", "");
  EXPECT_EQ(a.status, 401u);
}

TEST_F(RouterTest, UnknownActionIs400NamingIt) {
  auto a = call("POST", kProducts, "action=explode");
  EXPECT_EQ(a.status, 400u);
  EXPECT_EQ(a.code(), 99400);
  EXPECT_NE(a.msg().find("explode"), std::string::npos);
}

TEST_F(RouterTest, MissingActionIs400) {
  auto a = call("POST", kProducts, "");
  EXPECT_EQ(a.status, 400u);
  EXPECT_NE(a.msg().find("action"), std::string::npos);
}

TEST_F(RouterTest, WrongMethodIs405WithEnvelope) {
  auto a = call("POST", kProducts, "action=get&productKey=x");
  EXPECT_EQ(a.status, 405u);
  EXPECT_NE(a.code(), 0);
  a = call("GET", kProducts, "action=create");
  EXPECT_EQ(a.status, 405u);
  a = call("DELETE", kProducts, "action=delete&productKey=x");
  EXPECT_EQ(a.status, 405u);
  a = raw("PUT", "/healthz", "", "");
  EXPECT_EQ(a.status, 405u);
  EXPECT_TRUE(a.json.is_object());
}

TEST_F(RouterTest, OrgIdOfAnotherOuIs403) {
  auto [other_org, other_token] = other_ou();
  auto a = call("POST", kProducts, "action=search&orgId=" + other_org);
  EXPECT_EQ(a.status, 403u);
  EXPECT_EQ(a.code(), 99403);
  a = call("POST", kProducts, "action=search&orgId=" + org_, "", other_token);
  EXPECT_EQ(a.status, 403u);
}

TEST_F(RouterTest, OwnOrgIdOrNoneIsAccepted) {
  EXPECT_EQ(call("POST", kProducts, "action=search&orgId=" + org_).status, 200u);
  EXPECT_EQ(call("POST", kProducts, "action=search").status, 200u);
}

TEST_F(RouterTest, GuessedKeysOfAnotherOuFindNothing) {
  const std::string model = import_seed();
  const std::string pk = create_product("p1", model);
  auto dev = create_device(pk, "d1", "dev-0001");
  auto [other_org, other_token] = other_ou();
  // Without orgId the other OU's token works in its own OU, where these keys do not exist.
  for (const auto& [method, path, query] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"GET", kProducts, "action=get&productKey=" + pk},
           {"GET", kDevices, "action=get&productKey=" + pk + "&deviceKey=dev-0001"},
           {"GET", kDevices, "action=get&assetId=" + std::string(dev.at("assetId").as_string())},
           {"POST", kDevices, "action=disable&productKey=" + pk + "&deviceKey=dev-0001"},
           {"POST", kDevices, "action=delete&productKey=" + pk + "&deviceKey=dev-0001"},
           {"POST", kProducts, "action=delete&productKey=" + pk},
           {"GET", kModels, "action=get&modelId=" + model},
           {"POST", kModels, "action=delete&modelId=" + model},
           {"POST", kMeasurepoints, "action=queryLatest&productKey=" + pk + "&deviceKey=dev-0001"},
       }) {
    auto a = call(method, path, query, "", other_token);
    EXPECT_EQ(a.status, 404u) << path << "?" << query << " " << a.body;
    EXPECT_EQ(a.json.at("data"), nullptr);
    // ...and naming the owner's OU is refused outright.
    a = call(method, path, query + "&orgId=" + org_, "", other_token);
    EXPECT_EQ(a.status, 403u) << path << "?" << query;
  }
  // Creating a device in the other OU's product is refused too.
  auto a = call("POST", kDevices, "action=create",
                boost::json::serialize(boost::json::object{{"productKey", pk}, {"deviceName", "x"}}), other_token);
  EXPECT_EQ(a.status, 404u);
  // Nothing changed for the owner.
  EXPECT_EQ(get(kDevices, "action=get&productKey=" + pk + "&deviceKey=dev-0001").data().at("status"), "inactive");
}

TEST_F(RouterTest, BodyAtLimitIsAcceptedAndOneByteMoreIs413) {
  // A valid JSON body of exactly kMaxBodyBytes: {"pad":"xxx..."}
  const std::string head = R"({"pad":")", tail = R"("})";
  std::string body = head + std::string(kMaxBodyBytes - head.size() - tail.size(), 'x') + tail;
  ASSERT_EQ(body.size(), kMaxBodyBytes);
  auto a = call("POST", kProducts, "action=search", body);
  EXPECT_EQ(a.status, 200u) << a.msg();
  body.insert(head.size(), "x");
  a = call("POST", kProducts, "action=search", body);
  EXPECT_EQ(a.status, 413u);
  EXPECT_EQ(a.code(), 99400);
}

TEST_F(RouterTest, MalformedTargetsAreRefusedNotCrashed) {
  for (const std::string& target : std::vector<std::string>{"", "nopath", "/a b", "//x", "/connect-service/v2.1/products?%zz",
                                   "/connect-service/v2.1/products?action=%00get", "http://host/x",
                                   std::string(10000, '/')}) {
    auto a = raw("GET", target, "", "Bearer " + token_);
    EXPECT_GE(a.status, 400u) << target;
    EXPECT_TRUE(a.json.is_object()) << target;
  }
}

TEST_F(RouterTest, PercentEncodedQueryValuesAreDecoded) {
  const std::string model = import_seed();
  const std::string pk = create_product("p1", model);
  create_device(pk, "d1", "a:b.c");
  auto a = get(kDevices, "action=get&productKey=" + pk + "&deviceKey=a%3Ab.c");
  EXPECT_EQ(a.status, 200u) << a.body;
}

TEST_F(RouterTest, EveryAnswerHasAFreshUuidRequestId) {
  auto a = call("POST", kProducts, "action=search");
  auto b = call("POST", kProducts, "action=nope");
  const std::string ra(a.json.at("requestId").as_string()), rb(b.json.at("requestId").as_string());
  EXPECT_EQ(ra.size(), 36u);
  EXPECT_NE(ra, rb);
}

}  // namespace
}  // namespace gridhub::api::testing
