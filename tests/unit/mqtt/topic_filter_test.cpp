// Topic names, topic filters and matching by MQTT 3.1.1 §4.7 rules.
#include "mqtt/topic_filter.hpp"

#include <gtest/gtest.h>

#include <string>

#include "mqtt/limits.hpp"

namespace gridhub::mqtt {
namespace {

TEST(TopicName, AcceptsOrdinaryTopics) {
  EXPECT_TRUE(valid_topic_name("/sys/pk1/dk1/thing/measurepoint/post"));
  EXPECT_TRUE(valid_topic_name("a"));
  EXPECT_TRUE(valid_topic_name("/"));
  EXPECT_TRUE(valid_topic_name("a//b"));
  EXPECT_TRUE(valid_topic_name("$SYS/x"));
  EXPECT_TRUE(valid_topic_name("caf\xC3\xA9"));
}

TEST(TopicName, RejectsEmptyWildcardsNulAndBadUtf8) {
  EXPECT_FALSE(valid_topic_name(""));
  EXPECT_FALSE(valid_topic_name("a/+"));
  EXPECT_FALSE(valid_topic_name("a/#"));
  EXPECT_FALSE(valid_topic_name("a+b"));
  EXPECT_FALSE(valid_topic_name(std::string("a\0b", 3)));
  EXPECT_FALSE(valid_topic_name("a\xC0\xAF"));
}

TEST(TopicName, LengthLimitAcceptsNAndRefusesNPlus1) {
  EXPECT_TRUE(valid_topic_name(std::string(kMaxStringLength, 'a')));
  EXPECT_FALSE(valid_topic_name(std::string(kMaxStringLength + 1, 'a')));
}

TEST(TopicFilter, AcceptsWildcardsAsWholeLevels) {
  for (const char* f : {"#", "+", "a/#", "a/+", "+/b", "a/+/c", "+/+", "/+", "+/", "a/+/#",
                        "/sys/pk/dk/thing/service/+", "a", "a/b"})
    EXPECT_TRUE(valid_topic_filter(f)) << f;
}

TEST(TopicFilter, RejectsMisplacedWildcards) {
  for (const char* f : {"", "a#", "#a", "a/#/c", "a/b#", "a+", "+a", "a/+b/c", "##", "++", "#/"})
    EXPECT_FALSE(valid_topic_filter(f)) << f;
  EXPECT_FALSE(valid_topic_filter(std::string("a/\0", 3)));
  EXPECT_FALSE(valid_topic_filter("a/\xED\xA0\x80"));
}

TEST(TopicFilter, LengthLimitAcceptsNAndRefusesNPlus1) {
  EXPECT_TRUE(valid_topic_filter(std::string(kMaxStringLength - 2, 'a') + "/#"));
  EXPECT_FALSE(valid_topic_filter(std::string(kMaxStringLength - 1, 'a') + "/#"));
}

TEST(TopicMatches, ExactTopics) {
  EXPECT_TRUE(topic_matches("a/b", "a/b"));
  EXPECT_FALSE(topic_matches("a/b", "a/c"));
  EXPECT_FALSE(topic_matches("a/b", "a/b/c"));
  EXPECT_FALSE(topic_matches("a/b/c", "a/b"));
  EXPECT_FALSE(topic_matches("a", "/a"));
  EXPECT_TRUE(topic_matches("/a", "/a"));
}

TEST(TopicMatches, PlusMatchesExactlyOneLevel) {
  EXPECT_TRUE(topic_matches("sport/+", "sport/tennis"));
  EXPECT_TRUE(topic_matches("sport/+", "sport/"));  // an empty level is a level
  EXPECT_FALSE(topic_matches("sport/+", "sport"));
  EXPECT_FALSE(topic_matches("sport/+", "sport/tennis/player1"));
  EXPECT_TRUE(topic_matches("+/+", "/finance"));
  EXPECT_TRUE(topic_matches("/+", "/finance"));
  EXPECT_FALSE(topic_matches("+", "/finance"));
  EXPECT_TRUE(topic_matches("/sys/+/+/thing/service/+", "/sys/pk1/dk1/thing/service/setTemp"));
}

TEST(TopicMatches, HashMatchesRemainingLevelsIncludingParent) {
  EXPECT_TRUE(topic_matches("#", "a"));
  EXPECT_TRUE(topic_matches("#", "/a/b"));
  EXPECT_TRUE(topic_matches("sport/tennis/#", "sport/tennis"));
  EXPECT_TRUE(topic_matches("sport/tennis/#", "sport/tennis/"));
  EXPECT_TRUE(topic_matches("sport/tennis/#", "sport/tennis/player1/ranking"));
  EXPECT_FALSE(topic_matches("sport/tennis/#", "sport/tenni"));
  EXPECT_FALSE(topic_matches("sport/tennis/#", "sport"));
  EXPECT_TRUE(topic_matches("+/tennis/#", "sport/tennis/x"));
}

TEST(TopicMatches, DollarTopicsAreNotMatchedByLeadingWildcards) {
  EXPECT_FALSE(topic_matches("#", "$SYS/broker"));
  EXPECT_FALSE(topic_matches("+/broker", "$SYS/broker"));
  EXPECT_TRUE(topic_matches("$SYS/#", "$SYS/broker"));
  EXPECT_TRUE(topic_matches("$SYS/+", "$SYS/broker"));
  EXPECT_TRUE(topic_matches("a/#", "a/$b"));
}

}  // namespace
}  // namespace gridhub::mqtt
