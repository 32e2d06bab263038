#include "sdk/wire.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "gridhub/device/requests.hpp"

namespace json = boost::json;
using namespace gridhub::device;
using namespace gridhub::device::detail;

TEST(Wire, RequestTopicUsesTheClientsKeysUnlessTheRequestNamesASubDevice) {
  auto r = MeasurepointPost().add_measurepoint("temp", 1.5).build();
  EXPECT_EQ(request_topic(r, "pk", "dk"), "/sys/pk/dk/thing/measurepoint/post");
  auto sub = MeasurepointPost().add_measurepoint("temp", 1.5).set_device("spk", "sdk").build();
  EXPECT_EQ(request_topic(sub, "pk", "dk"), "/sys/spk/sdk/thing/measurepoint/post");
  EXPECT_EQ(request_topic(sub_device_logout("spk", "sdk"), "gpk", "gdk"), "/ext/session/gpk/gdk/combine/logout");
}

TEST(Wire, PayloadCarriesTheIdAsAStringAndTheExtraKeys) {
  auto r = MeasurepointPostBatch().add(MeasurepointPost().add_measurepoint("a", 1).set_timestamp(5)).build();
  auto v = json::parse(request_payload(r, "17"));
  EXPECT_EQ(v.at("id"), "17");
  EXPECT_EQ(v.at("method"), "thing.measurepoint.post.batch");
  EXPECT_EQ(v.at("params").at(0).at("time"), 5);
  EXPECT_EQ(v.at("allowOfflineSubDevice"), false);
  EXPECT_EQ(v.at("skipInvalidMeasurepoints"), false);
  EXPECT_EQ(request_payload(up_raw(std::string("\x01\x02", 2)), "9"), std::string("\x01\x02", 2));
}

TEST(Wire, ClassifiesDownstreamTopics) {
  auto s = classify_topic("/sys/pk/dk/thing/service/high_frequency_report_service");
  EXPECT_EQ(s.what, Downstream::command);
  EXPECT_EQ(s.command_class, CommandClass::service_invocation);
  EXPECT_EQ(s.service_id, "high_frequency_report_service");
  EXPECT_EQ(s.product_key, "pk");
  EXPECT_EQ(s.device_key, "dk");
  EXPECT_EQ(classify_topic("/sys/pk/dk/thing/service/measurepoint/set").command_class, CommandClass::measurepoint_set);
  EXPECT_EQ(classify_topic("/sys/pk/dk/thing/service/measurepoint/get").command_class, CommandClass::measurepoint_get);
  EXPECT_EQ(classify_topic("/sys/pk/dk/thing/model/down_raw").command_class, CommandClass::model_down_raw);
  EXPECT_EQ(classify_topic("/ext/session/pk/dk/combine/disable").command_class, CommandClass::sub_device_disable);
  EXPECT_EQ(classify_topic("/ext/session/pk/dk/thing/activate/info").what, Downstream::activate_info);
  EXPECT_EQ(classify_topic("/sys/pk/dk/thing/measurepoint/post_reply").what, Downstream::reply);
  for (const char* other : {"/sys/pk/dk/thing/service/", "/sys/pk/dk/thing/service/a/b", "/sys/pk//thing/service/x",
                            "/other/pk/dk/thing/service/x", "/sys/pk/dk/thing/enable", ""})
    EXPECT_EQ(classify_topic(other).what, Downstream::other) << other;
}

TEST(Wire, ParsesACommandAndWritesItsReply) {
  const std::string topic = "/sys/pk/dk/thing/service/svc";
  auto t = classify_topic(topic);
  auto c = parse_command(t, topic, R"({"id":"77","version":"1.0","method":"thing.service.svc","params":{"interval":2}})");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->id, "77");
  EXPECT_EQ(c->params.at("interval"), 2);
  EXPECT_EQ(c->service_id, "svc");
  EXPECT_EQ(reply_payload(*c, Reply().add_output_data("result", 0)),
            R"({"id":"77","code":200,"message":"","data":{"result":0}})");
  EXPECT_FALSE(parse_command(t, topic, "not json"));
  // Raw commands keep their bytes and are answered with bytes.
  const std::string raw_topic = "/sys/pk/dk/thing/model/down_raw";
  auto raw = parse_command(classify_topic(raw_topic), raw_topic, std::string("\0\xff", 2));
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->raw, std::string("\0\xff", 2));
  EXPECT_EQ(reply_payload(*raw, Reply().set_raw("ok")), "ok");
}

TEST(Wire, ParsesRepliesWithStringOrIntegerCodes) {
  auto r = parse_response("t_reply", R"({"id":"3","code":200,"message":"","data":{}})", false);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->ok());
  auto s = parse_response("t_reply", R"({"id":"4","code":"1204","message":"measurepoint [x] not found"})", false);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->code, 1204);
  EXPECT_FALSE(s->ok());
  EXPECT_FALSE(parse_response("t_reply", R"({"id":"4"})", false));
  auto raw = parse_response("t_reply", "anything", true);
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->raw, "anything");
}

TEST(Wire, BufferRecordTurnsAPostIntoAResumeWithItsOwnTimeAndDigits) {
  // 3.9659989991214197: a double Boost.JSON 1.81's parser reads one unit in the last place off.
  auto post = MeasurepointPost().add_measurepoint("voltage", 3.9659989991214197).set_timestamp(1700000000000).build();
  const std::string rec = to_buffer_record(post, "pk", "dk");
  EXPECT_EQ(rec.find('\n'), std::string::npos);
  auto back = from_buffer_record(rec);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->request.kind, RequestKind::measurepoint_resume);
  EXPECT_EQ(request_topic(back->request, "x", "y"), "/sys/pk/dk/thing/measurepoint/resume");
  const std::string payload = request_payload(back->request, "5", back->params_json, back->extra_json);
  EXPECT_EQ(payload, R"({"id":"5","version":"1.0","method":"thing.measurepoint.resume","params":)" +
                         json::serialize(post.params) + "}");
  EXPECT_NE(payload.find("3.9659989991214197"), std::string::npos) << payload;

  auto batch = MeasurepointPostBatch().add(MeasurepointPost().add_measurepoint("a", "tab\tline\nbreak")).build();
  const std::string brec = to_buffer_record(batch, "pk", "dk");
  EXPECT_EQ(brec.find('\n'), std::string::npos);
  auto bback = from_buffer_record(brec);
  ASSERT_TRUE(bback);
  EXPECT_EQ(bback->request.kind, RequestKind::measurepoint_resume_batch);
  EXPECT_EQ(bback->request.topic_suffix, "thing/measurepoint/resume/batch");
  auto v = json::parse(request_payload(bback->request, "6", bback->params_json, bback->extra_json));
  EXPECT_EQ(v.at("skipInvalidMeasurepoints"), false);
  EXPECT_EQ(v.at("params").at(0).at("measurepoints").at("a"), "tab\tline\nbreak");

  EXPECT_EQ(to_buffer_record(post, "p\tk", "dk"), "");
  for (const char* bad : {"garbage", "post\tpk\tdk\t{}\t{}", "resume\tpk\tdk\t{}", "resume\t\tdk\t{}\t{}",
                          "resume\tpk\tdk\tnot json\t{}", "resume\tpk\tdk\t{}\t[]", "resume\tpk\tdk\t{}\t{}\textra"})
    EXPECT_FALSE(from_buffer_record(bad)) << bad;
}

TEST(Wire, OnlyMeasurePointPostsAreBufferable) {
  EXPECT_TRUE(bufferable(RequestKind::measurepoint_post));
  EXPECT_TRUE(bufferable(RequestKind::measurepoint_resume_batch));
  EXPECT_FALSE(bufferable(RequestKind::event_post));
  EXPECT_FALSE(bufferable(RequestKind::sub_device_login));
}
