// Tests of the enos error category and the single errc -> EnOS return code mapping.
#include "enos/errc.hpp"

#include <gtest/gtest.h>

#include <boost/json/error.hpp>

#include "enos/codes.hpp"

namespace gridhub::enos {
namespace {

TEST(Errc, EachEnvelopeErrorMapsToItsSpecCode) {
  EXPECT_EQ(to_return_code(errc::empty_payload), kEmptyPayload);
  EXPECT_EQ(to_return_code(errc::bad_json), kBadJson);
  EXPECT_EQ(to_return_code(errc::too_large), kTooLarge);
  EXPECT_EQ(to_return_code(errc::bad_reply_code), kParamError);
  EXPECT_EQ(kEmptyPayload, 1251);
  EXPECT_EQ(kBadJson, 1220);
  EXPECT_EQ(kTooLarge, 1008);
}

TEST(Errc, LoginErrorsMapToAuthFailed) {
  for (errc e : {errc::bad_client_id, errc::bad_secure_mode, errc::bad_sign_method, errc::missing_timestamp,
                 errc::bad_username})
    EXPECT_EQ(to_return_code(e), kAuthFailed);
}

TEST(Errc, NoErrorIsSuccessAndForeignErrorsAreInternal) {
  EXPECT_EQ(to_return_code({}), kSuccess);
  EXPECT_EQ(to_return_code(boost::json::error::syntax), kInternalError);
  EXPECT_EQ(to_return_code(boost::system::error_code(1, boost::system::generic_category())), kInternalError);
}

TEST(Errc, CategoryNamesItselfAndEveryCodeHasAMessage) {
  const boost::system::error_code ec = errc::bad_json;
  EXPECT_STREQ(ec.category().name(), "gridhub.enos");
  for (int v = static_cast<int>(errc::empty_payload); v <= static_cast<int>(errc::bad_username); ++v)
    EXPECT_NE(boost::system::error_code(v, enos_category()).message(), "unknown enos error") << v;
  EXPECT_EQ(boost::system::error_code(999, enos_category()).message(), "unknown enos error");
}

TEST(Codes, SpecTableValues) {
  EXPECT_EQ(kSuccess, 200);
  EXPECT_EQ(kInternalError, 400);
  EXPECT_EQ(kParamError, 460);
  EXPECT_EQ(kTooManyRequests, 429);
  EXPECT_EQ(kTopicNotAllowed, 1009);
  EXPECT_EQ(kParseError, 1200);
  EXPECT_EQ(kModelValidateFailed, 1204);
  EXPECT_EQ(kMethodMismatch, 1260);
  EXPECT_EQ(kNoHandler, 1101);
}

}  // namespace
}  // namespace gridhub::enos
