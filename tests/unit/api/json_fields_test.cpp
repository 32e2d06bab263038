// Body parsing (BOM, empty, depth, non-objects) and typed field reads whose messages name the field.
#include "api/json_fields.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/limits.hpp"

namespace gridhub::api {
namespace {

std::string nested(std::size_t depth) {
  // depth levels: {"a":{"a":...{}...}}
  std::string s;
  for (std::size_t i = 1; i < depth; ++i) s += R"({"a":)";
  s += "{}";
  for (std::size_t i = 1; i < depth; ++i) s += "}";
  return s;
}

TEST(ParseBody, EmptyAndWhitespaceAreAnEmptyObject) {
  boost::json::object o{{"x", 1}};
  std::string msg;
  EXPECT_TRUE(parse_body_object("", o, msg));
  EXPECT_TRUE(o.empty());
  EXPECT_TRUE(parse_body_object(" \r\n\t", o, msg));
  EXPECT_TRUE(o.empty());
}

TEST(ParseBody, BomIsSkipped) {
  boost::json::object o;
  std::string msg;
  EXPECT_TRUE(parse_body_object("\xEF\xBB\xBF{\"a\":1}", o, msg)) << msg;
  EXPECT_EQ(o.at("a"), 1);
}

TEST(ParseBody, NotJsonOrNotAnObjectIsRefusedWithAMessage) {
  boost::json::object o;
  for (const char* bad : {"{nope", "[1,2]", "\"text\"", "1", "null", "{\"a\":1}x", "{\"a\":\"\xff\"}", "\xEF\xBB"}) {
    std::string msg;
    EXPECT_FALSE(parse_body_object(bad, o, msg)) << bad;
    EXPECT_FALSE(msg.empty());
  }
}

TEST(ParseBody, DepthAtLimitPassesOneMoreIsRefused) {
  boost::json::object o;
  std::string msg;
  EXPECT_TRUE(parse_body_object(nested(kMaxJsonDepth), o, msg)) << msg;
  EXPECT_FALSE(parse_body_object(nested(kMaxJsonDepth + 1), o, msg));
  EXPECT_NE(msg.find("deeper"), std::string::npos) << msg;
}

TEST(ParseBody, VeryDeepInputDoesNotExhaustTheStack) {
  boost::json::object o;
  std::string msg;
  EXPECT_FALSE(parse_body_object(std::string(1'000'000, '['), o, msg));
  EXPECT_FALSE(parse_body_object(std::string(1'000'000, '{'), o, msg));
}

TEST(FieldReader, ReadsTypedFieldsAndNamesTheFirstBadOne) {
  auto o = boost::json::parse(R"({"s":"x","b":true,"n":3,"t":{"k":"v"}})").as_object();
  FieldReader f(o);
  std::string s;
  bool b = false;
  EXPECT_TRUE(f.string("s", s));
  EXPECT_TRUE(f.boolean("b", b));
  EXPECT_EQ(s, "x");
  EXPECT_TRUE(b);
  EXPECT_FALSE(f.string("n", s));
  EXPECT_FALSE(f.boolean("s", b));  // a second failure keeps the first message
  EXPECT_EQ(f.error(), "n must be a string, not a number");
}

TEST(FieldReader, RequiredAbsentOrNullFails) {
  auto o = boost::json::parse(R"({"a":null})").as_object();
  std::string s = "keep";
  FieldReader f(o);
  EXPECT_TRUE(f.string("missing", s));
  EXPECT_EQ(s, "keep");
  EXPECT_FALSE(f.string("a", s, true));
  EXPECT_EQ(f.error(), "a is required");
}

TEST(FieldReader, I18nAcceptsStringOrObject) {
  auto o = boost::json::parse(
               R"({"a":"plain","b":{"defaultValue":"d","i18nValue":{"zh_CN":"z"}},"c":{"i18nValue":{}},"d":5,
                   "e":{"defaultValue":"d","i18nValue":{"en_US":3}}})")
               .as_object();
  boost::json::object out;
  FieldReader f(o);
  EXPECT_TRUE(f.i18n("a", out));
  EXPECT_EQ(out, boost::json::parse(R"({"defaultValue":"plain","i18nValue":{}})"));
  EXPECT_TRUE(f.i18n("b", out));
  EXPECT_EQ(out.at("i18nValue").at("zh_CN"), "z");
  for (const char* bad : {"c", "d", "e"}) {
    FieldReader g(o);
    EXPECT_FALSE(g.i18n(bad, out)) << bad;
    EXPECT_EQ(g.error().rfind(bad, 0), 0u) << g.error();
  }
}

TEST(FieldReader, TagsFollowEnosRulesAtTheirLimits) {
  auto check = [](const boost::json::object& tags) {
    boost::json::object body{{"tags", tags}}, out;
    FieldReader f(body);
    return f.tags("tags", out);
  };
  boost::json::object hundred;
  for (int i = 0; i < 100; ++i) hundred["k" + std::to_string(i)] = "v";
  EXPECT_TRUE(check(hundred));
  hundred["one-more"] = "v";
  EXPECT_FALSE(check(hundred));
  EXPECT_TRUE(check({{std::string(50, 'k'), std::string(200, 'v')}}));
  EXPECT_FALSE(check({{std::string(51, 'k'), "v"}}));
  EXPECT_FALSE(check({{"k", std::string(201, 'v')}}));
  EXPECT_TRUE(check({{"a_b-c/d", "x"}}));
  EXPECT_FALSE(check({{"a b", "x"}}));
  EXPECT_FALSE(check({{"k", " lead"}}));
  EXPECT_FALSE(check({{"k", 1}}));
}

TEST(FieldReader, OneOfListsTheChoices) {
  auto o = boost::json::parse(R"({"t":"Edge"})").as_object();
  std::string out;
  FieldReader f(o);
  EXPECT_FALSE(f.one_of("t", out, {"Device", "Gateway"}));
  EXPECT_EQ(f.error(), R"(t must be one of "Device" "Gateway")");
}

TEST(FieldReader, StringListBoundAtNAndNPlusOne) {
  boost::json::array ids;
  for (int i = 0; i < 3; ++i) ids.emplace_back("p" + std::to_string(i));
  boost::json::object o{{"ids", ids}};
  std::vector<std::string> out;
  EXPECT_TRUE(FieldReader(o).string_list("ids", out, 3));
  EXPECT_EQ(out.size(), 3u);
  EXPECT_FALSE(FieldReader(o).string_list("ids", out, 2));
  o["ids"] = boost::json::array{"a", 1};
  EXPECT_FALSE(FieldReader(o).string_list("ids", out, 3));
}

TEST(ReadPage, DefaultsAndBounds) {
  registry::Page p;
  std::string msg;
  EXPECT_TRUE(read_page({}, p, msg));
  EXPECT_EQ(p.page_no, 1);
  EXPECT_EQ(p.page_size, 10);
  auto page = [&](const char* json) {
    return read_page(boost::json::parse(json).as_object(), p, msg);
  };
  EXPECT_TRUE(page(R"({"pagination":{"pageNo":3,"pageSize":200}})"));
  EXPECT_EQ(p.page_no, 3);
  EXPECT_EQ(p.page_size, 200);
  EXPECT_FALSE(page(R"({"pagination":{"pageSize":201}})"));
  EXPECT_NE(msg.find("pagination.pageSize"), std::string::npos);
  EXPECT_FALSE(page(R"({"pagination":{"pageSize":0}})"));
  EXPECT_FALSE(page(R"({"pagination":{"pageNo":0}})"));
  EXPECT_FALSE(page(R"({"pagination":{"pageNo":1.5}})"));
  EXPECT_FALSE(page(R"({"pagination":{"pageNo":"1"}})"));
  EXPECT_FALSE(page(R"({"pagination":{"pageNo":18446744073709551615}})"));
  EXPECT_FALSE(page(R"({"pagination":[]})"));
  EXPECT_TRUE(page(R"({"pagination":null})"));
}

TEST(QueryBool, OnlyTrueOrFalse) {
  Query q;
  q.add("a", "true");
  q.add("b", "false");
  q.add("c", "yes");
  bool v = false;
  std::string msg;
  EXPECT_TRUE(query_bool(q, "a", v, msg));
  EXPECT_TRUE(v);
  EXPECT_TRUE(query_bool(q, "b", v, msg));
  EXPECT_FALSE(v);
  EXPECT_TRUE(query_bool(q, "absent", v, msg));
  EXPECT_FALSE(query_bool(q, "c", v, msg));
  EXPECT_EQ(msg, "c must be true or false");
}

}  // namespace
}  // namespace gridhub::api
