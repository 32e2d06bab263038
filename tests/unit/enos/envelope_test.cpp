// Tests of the EnOS envelope (spec §2): request and reply parsing, byte-exact replies and commands, limits.
#include "enos/envelope.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>

#include "enos/codes.hpp"
#include "enos/limits.hpp"

namespace gridhub::enos {
namespace {

boost::system::error_code code_of(errc e) { return make_error_code(e); }

TEST(ParseRequest, ReadsAPythonMeasurepointPost) {
  auto r = parse_request(R"({"id":"17","version":"1.0","method":"thing.measurepoint.post",)"
                         R"("params":{"measurepoints":{"temp":61.2},"time":1700000000000}})");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->id, "17");
  EXPECT_EQ(r->version, "1.0");
  EXPECT_EQ(r->method, "thing.measurepoint.post");
  ASSERT_TRUE(r->params.is_object());
  EXPECT_EQ(r->params.at("time").as_int64(), 1700000000000);
  EXPECT_FALSE(r->allow_offline_sub_device);
  EXPECT_FALSE(r->skip_invalid_measurepoints);
}

TEST(ParseRequest, StringIdIsKeptAsIsAndNumericIdIsPrintedAsInteger) {
  struct Case {
    const char* payload;
    const char* id;
  };
  for (const Case& c :
       {Case{R"({"id":"0017"})", "0017"}, Case{R"({"id":"abc"})", "abc"}, Case{R"({"id":17})", "17"},
        Case{R"({"id":-3})", "-3"}, Case{R"({"id":17.0})", "17"}, Case{R"({"id":1e3})", "1000"},
        Case{R"({"id":18446744073709551615})", "18446744073709551615"}, Case{R"({"id":1.5})", "1.5E0"},
        Case{R"({})", ""}, Case{R"({"id":null})", ""}, Case{R"({"id":true})", ""},
        Case{R"({"id":{"a":1}})", ""}}) {
    SCOPED_TRACE(c.payload);
    auto r = parse_request(c.payload);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->id, c.id);
  }
}

TEST(ParseRequest, ParamsAreKeptAsSentAndNullWhenAbsent) {
  auto obj = parse_request(R"({"id":"1","params":{}})");
  ASSERT_TRUE(obj);
  EXPECT_TRUE(obj->params.is_object());
  auto arr = parse_request(R"({"id":"1","params":[{"productKey":"p"}]})");
  ASSERT_TRUE(arr);
  ASSERT_TRUE(arr->params.is_array());
  EXPECT_EQ(arr->params.as_array().size(), 1u);
  auto none = parse_request(R"({"id":"1"})");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->params.is_null());
  auto str = parse_request(R"({"id":"1","params":"x"})");
  ASSERT_TRUE(str);  // the handler answers 460 with the request's id
  EXPECT_TRUE(str->params.is_string());
}

TEST(ParseRequest, MethodAndVersionAreInformationalAndNeverRejected) {
  auto r = parse_request(R"({"id":"1","version":1.1,"method":"thing.event.%s.poste1"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->version, "");
  EXPECT_EQ(r->method, "thing.event.%s.poste1");
}

TEST(ParseRequest, BatchFlagsAcceptBooleansStringsAndPythonsEmptyString) {
  struct Case {
    const char* value;
    bool expected;
  };
  for (const Case& c : {Case{R"("")", false}, Case{"false", false}, Case{"true", true},
                        Case{R"("true")", true}, Case{R"("True")", true}, Case{R"("false")", false},
                        Case{"null", false}, Case{"1", false}, Case{R"("yes")", false}}) {
    SCOPED_TRACE(c.value);
    const std::string payload = std::string(R"({"id":"5","params":[],"allowOfflineSubDevice":)") + c.value +
                                R"(,"skipInvalidMeasurepoints":)" + c.value + "}";
    auto r = parse_request(payload);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->allow_offline_sub_device, c.expected);
    EXPECT_EQ(r->skip_invalid_measurepoints, c.expected);
  }
  auto absent = parse_request(R"({"id":"5","params":[]})");
  ASSERT_TRUE(absent);
  EXPECT_FALSE(absent->allow_offline_sub_device);
  EXPECT_FALSE(absent->skip_invalid_measurepoints);
}

TEST(ParseRequest, EmptyOrBlankPayloadIsEmptyPayload) {
  for (const char* p : {"", " ", "\r\n\t "}) {
    auto r = parse_request(p);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), code_of(errc::empty_payload));
    EXPECT_EQ(to_return_code(r.error()), kEmptyPayload);
  }
}

TEST(ParseRequest, InvalidJsonAndNonObjectTopLevelAreBadJson) {
  for (const char* p : {"{", "not json", R"({"id":"1",})", "{} x", "{}/*c*/", "[1,2]", R"("str")", "17",
                        "null", "{\"id\":\"\xff\"}", "{\"id\":\"a\nb\"}", "\xef\xbb\xbf{}"}) {
    SCOPED_TRACE(p);
    auto r = parse_request(p);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), code_of(errc::bad_json));
    EXPECT_EQ(to_return_code(r.error()), kBadJson);
  }
}

// {"id":"1","params":[[...]]} with the whole document nesting `depth` containers deep.
std::string nested(std::size_t depth) {
  return R"({"id":"1","params":)" + std::string(depth - 1, '[') + std::string(depth - 1, ']') + "}";
}

TEST(ParseRequest, NestingAtTheDepthLimitIsAcceptedAndOneDeeperIsBadJson) {
  auto at = parse_request(nested(kMaxJsonDepth));
  ASSERT_TRUE(at) << at.error().message();
  EXPECT_TRUE(at->params.is_array());
  auto over = parse_request(nested(kMaxJsonDepth + 1));
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error(), code_of(errc::bad_json));
}

// A valid request of exactly `size` bytes.
std::string payload_of_size(std::size_t size) {
  const std::string head = R"({"id":"1","params":{"s":")", tail = "\"}}";
  return head + std::string(size - head.size() - tail.size(), 'x') + tail;
}

TEST(ParseRequest, PayloadAtTheSizeLimitIsAcceptedAndOneByteMoreIsTooLarge) {
  const std::string at = payload_of_size(kMaxPayloadSize);
  ASSERT_EQ(at.size(), kMaxPayloadSize);
  EXPECT_TRUE(parse_request(at));
  auto over = parse_request(payload_of_size(kMaxPayloadSize + 1));
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error(), code_of(errc::too_large));
  EXPECT_EQ(to_return_code(over.error()), kTooLarge);
  auto blank = parse_request(std::string(kMaxPayloadSize + 1, ' '));
  ASSERT_FALSE(blank);
  EXPECT_EQ(blank.error(), code_of(errc::too_large));
}

TEST(MakeReply, WritesKeysInOrderWithStringIdAndIntegerCode) {
  EXPECT_EQ(make_reply("17", kSuccess, "", boost::json::object()),
            R"({"id":"17","code":200,"message":"","data":{}})");
  EXPECT_EQ(make_reply("3", kModelValidateFailed, "measurepoint [x] not found", nullptr),
            R"({"id":"3","code":1204,"message":"measurepoint [x] not found","data":null})");
  EXPECT_EQ(make_reply("", -1, "", boost::json::array{1, "a"}),
            R"({"id":"","code":-1,"message":"","data":[1,"a"]})");
}

TEST(MakeReply, EscapesIdAndMessageSoTheReplyIsAlwaysValidJson) {
  const std::string id = "a\"b\\c\n\x01\xff";
  const std::string msg = "bad \"point\"\t\xc3";
  const std::string reply = make_reply(id, kParamError, msg, boost::json::object{{"k", "v"}});
  boost::system::error_code ec;
  auto v = boost::json::parse(reply, ec);
  ASSERT_FALSE(ec) << reply;
  EXPECT_EQ(v.at("id").as_string(), "a\"b\\c\n\x01\xef\xbf\xbd");
  EXPECT_EQ(v.at("code").as_int64(), kParamError);
  EXPECT_EQ(v.at("message").as_string(), "bad \"point\"\t\xef\xbf\xbd");
  EXPECT_EQ(v.at("data").at("k").as_string(), "v");
}

TEST(AppendReply, MatchesMakeReplyAndAppendsAfterExistingContent) {
  std::string out = "prefix";
  append_reply("17", kSuccess, "", "{}", out);
  EXPECT_EQ(out, "prefix" + make_reply("17", kSuccess, "", boost::json::object()));
}

TEST(AppendReply, EmptyDataJsonIsWrittenAsNull) {
  std::string out;
  append_reply("9", kTopicNotAllowed, "topic not allowed", "", out);
  EXPECT_EQ(out, R"({"id":"9","code":1009,"message":"topic not allowed","data":null})");
}

TEST(MakeCommand, WritesTheDownstreamEnvelopeByteExact) {
  EXPECT_EQ(
      make_command("77", "thing.service.high_frequency_report_service", boost::json::object{{"interval", 2}}),
      R"({"id":"77","version":"1.0","method":"thing.service.high_frequency_report_service","params":{"interval":2}})");
  EXPECT_EQ(make_command("1", "thing.service.measurepoint.get", boost::json::array{"temp"}),
            R"({"id":"1","version":"1.0","method":"thing.service.measurepoint.get","params":["temp"]})");
}

TEST(MakeCommand, ParsesBackAsARequest) {
  auto r =
      parse_request(make_command("5", "thing.activate.info", boost::json::object{{"deviceSecret", "s"}}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, "5");
  EXPECT_EQ(r->version, "1.0");
  EXPECT_EQ(r->method, "thing.activate.info");
  EXPECT_EQ(r->params.at("deviceSecret").as_string(), "s");
}

TEST(ParseReply, ReadsAPythonServiceReply) {
  auto r = parse_reply(R"({"id":"77","code":200,"data":{"result":0},"message":""})");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->id, "77");
  EXPECT_EQ(r->code, 200);
  EXPECT_EQ(r->message, "");
  EXPECT_EQ(r->data.at("result").as_int64(), 0);
}

TEST(ParseReply, CodeAsNumericStringIsAccepted) {
  auto r = parse_reply(R"({"id":"8","code":"1101","message":"downstream command handler not registered"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, kNoHandler);
  EXPECT_EQ(r->message, "downstream command handler not registered");
  EXPECT_TRUE(r->data.is_null());
  auto py500 = parse_reply(R"({"id":"8","code":"500"})");
  ASSERT_TRUE(py500);
  EXPECT_EQ(py500->code, kHandlerFailedPython);
  auto integral = parse_reply(R"({"id":"8","code":200.0})");
  ASSERT_TRUE(integral);
  EXPECT_EQ(integral->code, 200);
}

TEST(ParseReply, MissingMessageAndAnyDataShapeAreAccepted) {
  for (const char* data : {"null", R"("")", "{}", "[]"}) {
    SCOPED_TRACE(data);
    auto r = parse_reply(std::string(R"({"id":12,"code":200,"data":)") + data + "}");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->id, "12");
    EXPECT_EQ(r->message, "");
    EXPECT_EQ(boost::json::serialize(r->data), data);
  }
}

TEST(ParseReply, MissingOrNonIntegerCodeIsRejected) {
  for (const char* p :
       {R"({"id":"1"})", R"({"id":"1","code":null})", R"({"id":"1","code":"abc"})",
        R"({"id":"1","code":"12x"})", R"({"id":"1","code":""})", R"({"id":"1","code":" 200"})",
        R"({"id":"1","code":1.5})", R"({"id":"1","code":1e10})", R"({"id":"1","code":"99999999999"})",
        R"({"id":"1","code":true})", R"({"id":"1","code":{}})"}) {
    SCOPED_TRACE(p);
    auto r = parse_reply(p);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), code_of(errc::bad_reply_code));
    EXPECT_EQ(to_return_code(r.error()), kParamError);
  }
}

TEST(ParseReply, SharesTheRequestPayloadChecks) {
  EXPECT_EQ(parse_reply("").error(), code_of(errc::empty_payload));
  EXPECT_EQ(parse_reply("[]").error(), code_of(errc::bad_json));
  EXPECT_EQ(parse_reply(nested(kMaxJsonDepth + 1)).error(), code_of(errc::bad_json));
  EXPECT_EQ(parse_reply(std::string(kMaxPayloadSize + 1, ' ')).error(), code_of(errc::too_large));
}

TEST(ParseReply, RoundTripsMakeReply) {
  auto r = parse_reply(make_reply("42", 2001, "custom failure", boost::json::object{{"x", 1}}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, "42");
  EXPECT_EQ(r->code, 2001);
  EXPECT_EQ(r->message, "custom failure");
  EXPECT_EQ(r->data.at("x").as_int64(), 1);
}

}  // namespace
}  // namespace gridhub::enos
