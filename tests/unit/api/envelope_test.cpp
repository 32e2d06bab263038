// The envelope's shape, request ids, and the one error -> (HTTP status, EnOS code) table.
#include "api/envelope.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "model/errc.hpp"
#include "registry/errc.hpp"

namespace gridhub::api {
namespace {

TEST(Envelope, OkCarriesCodeZeroMsgOkRequestIdAndData) {
  auto r = ok(boost::json::object{{"productKey", "abc"}});
  EXPECT_EQ(r.status, 200u);
  auto v = boost::json::parse(r.body).as_object();
  EXPECT_EQ(v.at("code"), 0);
  EXPECT_EQ(v.at("msg"), "OK");
  EXPECT_EQ(v.at("data").at("productKey"), "abc");
  EXPECT_TRUE(v.at("requestId").is_string());
  EXPECT_FALSE(v.contains("pagination"));
}

TEST(Envelope, KeysComeInEnosOrder) {
  auto r = ok_page(boost::json::array{}, 2, 10, 11);
  EXPECT_EQ(r.body.find(R"({"code":0,"msg":"OK","requestId":")"), 0u) << r.body;
  EXPECT_NE(r.body.find(R"("data":[],"pagination":{"pageNo":2,"pageSize":10,"totalSize":11}})"), std::string::npos)
      << r.body;
}

TEST(Envelope, ErrorHasNullDataAndTheGivenMessage) {
  auto r = error(errc::invalid_param, "productKey is required");
  EXPECT_EQ(r.status, 400u);
  auto v = boost::json::parse(r.body).as_object();
  EXPECT_EQ(v.at("code"), 99400);
  EXPECT_EQ(v.at("msg"), "productKey is required");
  EXPECT_TRUE(v.at("data").is_null());
}

TEST(Envelope, ErrorWithoutMessageUsesTheCodesOwn) {
  auto r = error(make_error_code(registry::errc::not_found), Subject::Product);
  EXPECT_EQ(boost::json::parse(r.body).at("msg"), "not found");
}

TEST(Envelope, RequestIdIsUuidV4) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = new_request_id();
    ASSERT_EQ(id.size(), 36u);
    EXPECT_EQ(id[8], '-');
    EXPECT_EQ(id[13], '-');
    EXPECT_EQ(id[14], '4');
    EXPECT_EQ(id[18], '-');
    EXPECT_TRUE(id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b') << id;
    EXPECT_EQ(id[23], '-');
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

struct Case {
  boost::system::error_code ec;
  Subject subject;
  unsigned status;
  int code;
};

TEST(MapError, EveryDocumentedCode) {
  using registry::errc;
  const Case cases[] = {
      {make_error_code(api::errc::unauthorized), Subject::None, 401, 401},
      {make_error_code(api::errc::forbidden), Subject::None, 403, 99403},
      {make_error_code(api::errc::not_found), Subject::None, 404, 99404},
      {make_error_code(api::errc::invalid_param), Subject::None, 400, 99400},
      {make_error_code(api::errc::unknown_action), Subject::None, 400, 99400},
      {make_error_code(api::errc::method_not_allowed), Subject::None, 405, 99405},
      {make_error_code(api::errc::body_too_large), Subject::None, 413, 99400},
      {make_error_code(api::errc::model_in_use), Subject::Model, 409, 99400},
      {make_error_code(api::errc::internal), Subject::None, 500, 99500},
      {make_error_code(errc::not_found), Subject::Device, 404, 99404},
      {make_error_code(errc::product_not_found), Subject::Device, 404, 99404},
      {make_error_code(errc::model_not_found), Subject::Product, 404, 11699},
      {make_error_code(errc::already_exists), Subject::Device, 409, 11702},
      {make_error_code(errc::already_exists), Subject::Product, 409, 99400},
      {make_error_code(errc::already_exists), Subject::Model, 409, 99400},
      {make_error_code(errc::limit_exceeded), Subject::Device, 409, 11739},
      {make_error_code(errc::in_use), Subject::Product, 409, 11619},
      {make_error_code(errc::in_use), Subject::Model, 409, 99400},
      {make_error_code(errc::invalid_argument), Subject::Device, 400, 99400},
      {make_error_code(errc::inheritance_cycle), Subject::Model, 400, 99400},
      {make_error_code(errc::key_generation_failed), Subject::Device, 500, 11714},
      {registry::storage_error("disk I/O error"), Subject::Device, 500, 99500},
      {make_error_code(model::errc::invalid_json), Subject::Model, 400, 99400},
      {make_error_code(model::errc::duplicate_identifier), Subject::Model, 400, 99400},
      {make_error_code(model::errc::type_mismatch), Subject::Device, 400, 99400},
      {make_error_code(std::errc::io_error), Subject::None, 500, 99500},
  };
  for (const auto& c : cases) {
    auto s = map_error(c.ec, c.subject);
    EXPECT_EQ(s.http_status, c.status) << c.ec.message();
    EXPECT_EQ(s.code, c.code) << c.ec.message();
  }
}

}  // namespace
}  // namespace gridhub::api
