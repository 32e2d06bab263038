// Tests of the EnOS topic grammar: every topic of spec §4.1/§4.2, the tricky shapes, formatting, namespaces.
#include "enos/topic.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gridhub::enos {
namespace {

using K = TopicKind;

struct Case {
  std::string topic;
  TopicKind kind;
  std::string pk, dk, identifier;
};

void expect_parses(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    SCOPED_TRACE(c.topic);
    auto t = parse_topic(c.topic);
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(t->kind, c.kind);
    EXPECT_EQ(t->product_key, c.pk);
    EXPECT_EQ(t->device_key, c.dk);
    EXPECT_EQ(t->identifier, c.identifier);
  }
}

TEST(ParseTopic, RecognisesEveryUpstreamTopicOfTheSpec) {
  expect_parses({
      {"/sys/pk1/dk1/thing/measurepoint/post", K::MeasurepointPost, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/thing/measurepoint/post/batch", K::MeasurepointPostBatch, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/thing/measurepoint/resume", K::MeasurepointResume, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/thing/measurepoint/resume/batch", K::MeasurepointResumeBatch, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/thing/event/overheat/post", K::EventPost, "pk1", "dk1", "overheat"},
      {"/sys/pk1/dk1/thing/attribute/query", K::AttributeQuery, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/thing/attribute/update", K::AttributeUpdate, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/thing/attribute/delete", K::AttributeDelete, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/thing/tag/query", K::TagQuery, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/thing/tag/update", K::TagUpdate, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/thing/tag/delete", K::TagDelete, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/thing/model/up_raw", K::ModelUpRaw, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/thing/tsltemplate/get", K::TslTemplateGet, "pk1", "dk1", ""},
      {"/sys/gpk/gdk/thing/device/register", K::DeviceRegister, "gpk", "gdk", ""},
      {"/sys/gpk/gdk/thing/topo/add", K::TopoAdd, "gpk", "gdk", ""},
      {"/sys/gpk/gdk/thing/topo/delete", K::TopoDelete, "gpk", "gdk", ""},
      {"/sys/gpk/gdk/thing/topo/get", K::TopoGet, "gpk", "gdk", ""},
      {"/ext/session/gpk/gdk/combine/login", K::SubDeviceLogin, "gpk", "gdk", ""},
      {"/ext/session/gpk/gdk/combine/login/batch", K::SubDeviceLoginBatch, "gpk", "gdk", ""},
      {"/ext/session/gpk/gdk/combine/logout", K::SubDeviceLogout, "gpk", "gdk", ""},
      {"/sys/pk1/dk1/ota/device/inform", K::OtaInform, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/ota/device/progress", K::OtaProgress, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/ota/device/getversion", K::OtaGetVersion, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/ota/device/request", K::OtaRequest, "pk1", "dk1", ""},
      {"/sys/pk1/integration/measurepoint/post", K::IntegrationMeasurepointPost, "pk1", "", ""},
      {"/sys/pk1/integration/event/post", K::IntegrationEventPost, "pk1", "", ""},
      {"/sys/pk1/integration/attribute/post", K::IntegrationAttributePost, "pk1", "", ""},
      {"/sys/pk1/integration/model/up_raw", K::IntegrationUpRaw, "pk1", "", ""},
      {"/sys/pk1/dk1/thing/log/post", K::LogPost, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/network/status/report", K::NetworkStatusReport, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/connection/state/post", K::ConnectionStatePost, "pk1", "dk1", ""},
  });
}

TEST(ParseTopic, RecognisesEveryDeviceReplyToADownstreamCommand) {
  expect_parses({
      {"/sys/pk1/dk1/thing/service/multiply_reply", K::ServiceInvocationReply, "pk1", "dk1", "multiply"},
      {"/sys/pk1/dk1/thing/service/measurepoint/set_reply", K::MeasurepointSetReply, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/thing/service/measurepoint/get_reply", K::MeasurepointGetReply, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/thing/model/down_raw_reply", K::ModelDownRawReply, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/ota/device/upgrade_reply", K::OtaUpgradeReply, "pk1", "dk1", ""},
      {"/ext/session/pk1/dk1/thing/activate/info_reply", K::ActivateInfoReply, "pk1", "dk1", ""},
      {"/ext/session/gpk/gdk/combine/enable_reply", K::SubDeviceEnableReply, "gpk", "gdk", ""},
      {"/ext/session/gpk/gdk/combine/disable_reply", K::SubDeviceDisableReply, "gpk", "gdk", ""},
      {"/ext/session/gpk/gdk/combine/delete_reply", K::SubDeviceDeleteReply, "gpk", "gdk", ""},
  });
}

TEST(ParseTopic, ServiceNamedLikeMeasurepointIsAServiceReply) {
  expect_parses({
      {"/sys/pk1/dk1/thing/service/measurepoint_reply", K::ServiceInvocationReply, "pk1", "dk1",
       "measurepoint"},
      {"/sys/pk1/dk1/thing/service/set_reply", K::ServiceInvocationReply, "pk1", "dk1", "set"},
      {"/sys/pk1/dk1/thing/service/high_frequency_report_service_reply", K::ServiceInvocationReply, "pk1",
       "dk1", "high_frequency_report_service"},
  });
}

TEST(ParseTopic, EventAndServiceIdsAreOneNonEmptyLevel) {
  expect_parses({
      {"/sys/pk1/dk1/thing/event/post", K::Unknown, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/thing/event//post", K::Unknown, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/thing/event/a/b/post", K::Unknown, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/thing/event/+/post", K::Unknown, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/thing/event/e1/post_reply", K::Unknown, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/thing/service/_reply", K::Unknown, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/thing/service/a/b_reply", K::Unknown, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/thing/service/measurepoint/put_reply", K::Unknown, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/thing/event/post/post", K::EventPost, "pk1", "dk1", "post"},
  });
}

TEST(ParseTopic, DownstreamCommandTopicsAreUnknownWhenADevicePublishesThem) {
  expect_parses({
      {"/sys/pk1/dk1/thing/service/multiply", K::Unknown, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/thing/service/measurepoint/set", K::Unknown, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/thing/model/down_raw", K::Unknown, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/ota/device/upgrade", K::Unknown, "pk1", "dk1", ""},
      {"/ext/session/pk1/dk1/thing/activate/info", K::Unknown, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/thing/measurepoint/post_reply", K::Unknown, "pk1", "dk1", ""},
  });
}

TEST(ParseTopic, OperationUnderTheWrongRootIsUnknown) {
  expect_parses({
      {"/ext/session/pk1/dk1/thing/measurepoint/post", K::Unknown, "pk1", "dk1", ""},
      {"/sys/gpk/gdk/combine/login", K::Unknown, "gpk", "gdk", ""},
      {"/sys/pk1/dk1/thing/activate/info_reply", K::Unknown, "pk1", "dk1", ""},
      {"/ext/session/pk1/dk1/thing/event/e1/post", K::Unknown, "pk1", "dk1", ""},
      {"/ext/session/pk1/dk1/thing/service/s1_reply", K::Unknown, "pk1", "dk1", ""},
      {"/ext/session/pk1/integration/measurepoint/post", K::Unknown, "pk1", "integration", ""},
  });
}

TEST(ParseTopic, EmptyLevelsTrailingSlashAndExtraLevelsInTheOperationAreUnknown) {
  expect_parses({
      {"/sys/pk1/dk1/thing/measurepoint/post/", K::Unknown, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/thing//measurepoint/post", K::Unknown, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/thing/measurepoint/post/extra", K::Unknown, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/thing/measurepoint", K::Unknown, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/", K::Unknown, "pk1", "dk1", ""},
      {"/sys/pk1/dk1/THING/measurepoint/post", K::Unknown, "pk1", "dk1", ""},
  });
}

TEST(ParseTopic, RejectsTopicsOutsideTheDeviceNamespaces) {
  for (const char* t : {"",
                        "/",
                        "/sys",
                        "/sys/",
                        "/sys/pk1",
                        "/sys/pk1/",
                        "/sys/pk1/dk1",
                        "//sys/pk1/dk1/thing/measurepoint/post",
                        "sys/pk1/dk1/thing/measurepoint/post",
                        "/sys//dk1/thing/measurepoint/post",
                        "/sys/pk1//thing/measurepoint/post",
                        "/sys/+/dk1/thing/measurepoint/post",
                        "/sys/pk1/#",
                        "/sys/pk1/+/thing/measurepoint/post",
                        "/SYS/pk1/dk1/thing/measurepoint/post",
                        "/ext/session/pk1",
                        "/ext/session//dk1/combine/login",
                        "/ext/pk1/dk1/combine/login",
                        "/sys/pk1/integration",
                        "/other/pk1/dk1/a"}) {
    SCOPED_TRACE(t);
    EXPECT_FALSE(parse_topic(t).has_value());
  }
}

TEST(ParseTopic, IntegrationAsADeviceKeyIsADeviceTopicForDeviceOperations) {
  expect_parses({
      {"/sys/pk1/integration/thing/measurepoint/post", K::MeasurepointPost, "pk1", "integration", ""},
      {"/sys/pk1/integration/measurepoint/post/batch", K::Unknown, "pk1", "integration", ""},
  });
}

TEST(ParseTopic, ViewsPointIntoTheInput) {
  const std::string topic = "/sys/pk1/dk1/thing/event/e1/post";
  auto t = parse_topic(topic);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->product_key.data(), topic.data() + 5);
  EXPECT_EQ(t->device_key.data(), topic.data() + 9);
  EXPECT_EQ(t->identifier.data(), topic.data() + 25);
}

TEST(FormatTopic, AppendsEachDownstreamTopic) {
  std::string out;
  append_service_topic("pk1", "dk1", "multiply", out);
  EXPECT_EQ(out, "/sys/pk1/dk1/thing/service/multiply");
  out.clear();
  append_measurepoint_set_topic("pk1", "dk1", out);
  EXPECT_EQ(out, "/sys/pk1/dk1/thing/service/measurepoint/set");
  out.clear();
  append_measurepoint_get_topic("pk1", "dk1", out);
  EXPECT_EQ(out, "/sys/pk1/dk1/thing/service/measurepoint/get");
  out.clear();
  append_down_raw_topic("pk1", "dk1", out);
  EXPECT_EQ(out, "/sys/pk1/dk1/thing/model/down_raw");
  out.clear();
  append_activate_info_topic("pk1", "dk1", out);
  EXPECT_EQ(out, "/ext/session/pk1/dk1/thing/activate/info");
  for (const char* op : {"enable", "disable", "delete"}) {
    out.clear();
    append_sub_device_notice_topic("gpk", "gdk", op, out);
    EXPECT_EQ(out, std::string("/ext/session/gpk/gdk/combine/") + op);
  }
}

TEST(FormatTopic, AppendsAfterExistingContent) {
  std::string out = "x";
  append_reply_topic("/sys/pk1/dk1/thing/measurepoint/post", out);
  EXPECT_EQ(out, "x/sys/pk1/dk1/thing/measurepoint/post_reply");
}

TEST(FormatTopic, FormattedCommandRepliesParseBackToTheirKind) {
  struct Round {
    void (*append)(std::string_view, std::string_view, std::string&);
    TopicKind reply_kind;
  };
  for (const Round& r : {Round{append_measurepoint_set_topic, K::MeasurepointSetReply},
                         Round{append_measurepoint_get_topic, K::MeasurepointGetReply},
                         Round{append_down_raw_topic, K::ModelDownRawReply},
                         Round{append_activate_info_topic, K::ActivateInfoReply}}) {
    std::string command, reply;
    r.append("pk1", "dk1", command);
    append_reply_topic(command, reply);
    auto t = parse_topic(reply);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->kind, r.reply_kind) << reply;
  }
  std::string command, reply;
  append_service_topic("pk1", "dk1", "disconnect", command);
  append_reply_topic(command, reply);
  auto t = parse_topic(reply);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->kind, K::ServiceInvocationReply);
  EXPECT_EQ(t->identifier, "disconnect");
}

TEST(DeviceNamespace, ContainsTheDevicesSysAndSessionTopics) {
  EXPECT_TRUE(in_device_namespace("/sys/pk1/dk1/thing/measurepoint/post", "pk1", "dk1"));
  EXPECT_TRUE(in_device_namespace("/ext/session/pk1/dk1/combine/login", "pk1", "dk1"));
  EXPECT_TRUE(in_device_namespace("/sys/pk1/dk1/anything/at/all", "pk1", "dk1"));
}

TEST(DeviceNamespace, ExcludesOtherDevicesAndPrefixLookalikes) {
  EXPECT_FALSE(in_device_namespace("/sys/pk1/dk2/thing/measurepoint/post", "pk1", "dk1"));
  EXPECT_FALSE(in_device_namespace("/sys/pk2/dk1/thing/measurepoint/post", "pk1", "dk1"));
  EXPECT_FALSE(in_device_namespace("/sys/pk1/dk10/thing/measurepoint/post", "pk1", "dk1"));
  EXPECT_FALSE(in_device_namespace("/sys/pk10/dk1/thing/measurepoint/post", "pk1", "dk1"));
  EXPECT_FALSE(in_device_namespace("/sys/pk1/dk1", "pk1", "dk1"));
  EXPECT_FALSE(in_device_namespace("//sys/pk1/dk1/x", "pk1", "dk1"));
  EXPECT_FALSE(in_device_namespace("/ext/session/pk1/dk2/combine/login", "pk1", "dk1"));
  EXPECT_FALSE(in_device_namespace("/sys/pk1/integration/measurepoint/post", "pk1", "dk1"));
}

TEST(DeviceNamespace, AllowsWildcardsOnlyAfterTheDeviceKeys) {
  EXPECT_TRUE(in_device_namespace("/sys/pk1/dk1/#", "pk1", "dk1"));
  EXPECT_TRUE(in_device_namespace("/sys/pk1/dk1/thing/service/+", "pk1", "dk1"));
  EXPECT_TRUE(in_device_namespace("/sys/pk1/dk1/thing/event/+/post_reply", "pk1", "dk1"));
  EXPECT_TRUE(in_device_namespace("/ext/session/pk1/dk1/combine/#", "pk1", "dk1"));
  EXPECT_FALSE(in_device_namespace("/sys/+/dk1/#", "pk1", "dk1"));
  EXPECT_FALSE(in_device_namespace("/sys/pk1/+/#", "pk1", "dk1"));
  EXPECT_FALSE(in_device_namespace("/sys/+/+/thing/service/+", "pk1", "dk1"));
  EXPECT_FALSE(in_device_namespace("/sys/#", "pk1", "dk1"));
  EXPECT_FALSE(in_device_namespace("/sys/pk1/#", "pk1", "dk1"));
  EXPECT_FALSE(in_device_namespace("#", "pk1", "dk1"));
}

TEST(DeviceNamespace, EmptyOrWildcardKeysOwnNothing) {
  EXPECT_FALSE(in_device_namespace("/sys/pk1//thing/measurepoint/post", "pk1", ""));
  EXPECT_FALSE(in_device_namespace("/sys//dk1/thing/measurepoint/post", "", "dk1"));
  EXPECT_FALSE(in_device_namespace("/sys/+/+/x", "+", "+"));
  EXPECT_FALSE(in_device_namespace("/sys/a/b/c/x", "a/b", "c"));
}

TEST(IntegrationNamespace, ContainsOnlyTheProductsIntegrationTopics) {
  EXPECT_TRUE(in_integration_namespace("/sys/pk1/integration/measurepoint/post", "pk1"));
  EXPECT_TRUE(in_integration_namespace("/sys/pk1/integration/#", "pk1"));
  EXPECT_FALSE(in_integration_namespace("/sys/pk2/integration/measurepoint/post", "pk1"));
  EXPECT_FALSE(in_integration_namespace("/sys/pk1/dk1/thing/measurepoint/post", "pk1"));
  EXPECT_FALSE(in_integration_namespace("/sys/pk1/integrationX/measurepoint/post", "pk1"));
  EXPECT_FALSE(in_integration_namespace("/sys/pk1/integration", "pk1"));
  EXPECT_FALSE(in_integration_namespace("/sys/+/integration/#", "pk1"));
  EXPECT_FALSE(in_integration_namespace("/sys/#", "pk1"));
  EXPECT_FALSE(in_integration_namespace("/ext/session/pk1/integration/x", "pk1"));
  EXPECT_FALSE(in_integration_namespace("/sys//integration/x", ""));
}

}  // namespace
}  // namespace gridhub::enos
