// Field checks at their limits (N passes, N+1 fails) and their character sets.
#include "registry/validate.hpp"

#include <gtest/gtest.h>

#include "registry/errc.hpp"
#include "registry/limits.hpp"

namespace gridhub::registry {
namespace {

TEST(Validate, DeviceKeyLengthIsFourToSixtyFour) {
  EXPECT_FALSE(valid_device_key(std::string(3, 'a')));
  EXPECT_TRUE(valid_device_key(std::string(4, 'a')));
  EXPECT_TRUE(valid_device_key(std::string(64, 'a')));
  EXPECT_FALSE(valid_device_key(std::string(65, 'a')));
}

TEST(Validate, DeviceKeyAllowsAlnumAndUnderscoreDashDotColon) {
  EXPECT_TRUE(valid_device_key("aZ09_-.:"));
  for (const std::string& bad : {std::string("abc/d"), std::string("abc d"), std::string("abc#"),
                                 std::string("abcé"), std::string("ab\0c", 4)})
    EXPECT_FALSE(valid_device_key(bad)) << bad;
}

TEST(Validate, ModelIdIsOneToSixtyFourOfAlnumUnderscoreDashDot) {
  EXPECT_FALSE(valid_model_id(""));
  EXPECT_TRUE(valid_model_id("a"));
  EXPECT_TRUE(valid_model_id(std::string(kMaxModelIdLength, 'm')));
  EXPECT_FALSE(valid_model_id(std::string(kMaxModelIdLength + 1, 'm')));
  EXPECT_TRUE(valid_model_id("Smart_Battery-1.0"));
  EXPECT_FALSE(valid_model_id("a:b"));
}

TEST(Validate, ImportedKeysAreAlnumUpToSixtyFour) {
  EXPECT_TRUE(valid_imported_key(std::string(64, 'x')));
  EXPECT_FALSE(valid_imported_key(std::string(65, 'x')));
  EXPECT_FALSE(valid_imported_key("abc-d"));
  EXPECT_FALSE(valid_imported_key(""));
}

TEST(Validate, TimezoneAcceptsOffsetsAndIanaNames) {
  for (const char* ok :
       {"+08:00", "-05:30", "+14:00", "+00:00", "UTC", "Asia/Shanghai", "America/Los_Angeles", "Etc/GMT+8"})
    EXPECT_TRUE(valid_timezone(ok)) << ok;
  for (const char* bad : {"", "+8:00", "+15:00", "+08:60", "08:00", "+08:00x", "/etc", "Asia/Shang hai"})
    EXPECT_FALSE(valid_timezone(bad)) << bad;
  EXPECT_TRUE(valid_timezone("A" + std::string(kMaxTimezoneLength - 1, 'b')));
  EXPECT_FALSE(valid_timezone("A" + std::string(kMaxTimezoneLength, 'b')));
}

TEST(Validate, NameStringsUpToTheLimit) {
  Json name{{"defaultValue", std::string(kMaxNameBytes, 'n')}, {"i18nValue", Json{{"zh_CN", "电池"}}}};
  EXPECT_FALSE(check_name(name, true));
  name["defaultValue"] = std::string(kMaxNameBytes + 1, 'n');
  EXPECT_EQ(check_name(name, true), errc::limit_exceeded);
  name["defaultValue"] = "ok";
  name["i18nValue"].as_object()["en_US"] = std::string(kMaxNameBytes + 1, 'n');
  EXPECT_EQ(check_name(name, true), errc::limit_exceeded);
}

TEST(Validate, NameShapeIsDefaultValuePlusI18nMap) {
  EXPECT_FALSE(check_name(Json{}, false));
  EXPECT_EQ(check_name(Json{}, true), errc::invalid_argument);
  EXPECT_EQ(check_name(Json{{"defaultValue", ""}}, true), errc::invalid_argument);
  EXPECT_EQ(check_name(Json{{"defaultValue", 5}}, false), errc::invalid_argument);
  EXPECT_EQ(check_name(Json{{"defaultValue", "a"}, {"other", "x"}}, false), errc::invalid_argument);
  EXPECT_EQ(check_name(Json{{"defaultValue", "a"}, {"i18nValue", Json{{"en_US", 1}}}}, false),
            errc::invalid_argument);
}

TEST(Validate, NameLocalesUpToTheLimit) {
  Json locales;
  for (std::size_t i = 0; i < kMaxNameLocales; ++i) locales["l" + std::to_string(i)] = "x";
  Json name{{"defaultValue", "a"}, {"i18nValue", locales}};
  EXPECT_FALSE(check_name(name, true));
  name["i18nValue"].as_object()["one_more"] = "x";
  EXPECT_EQ(check_name(name, true), errc::limit_exceeded);
}

TEST(Validate, TagCountKeyAndValueLimits) {
  Json tags;
  for (std::size_t i = 0; i < kMaxTags; ++i) tags["k" + std::to_string(i)] = "v";
  EXPECT_FALSE(check_tags(tags));
  tags["extra"] = "v";
  EXPECT_EQ(check_tags(tags), errc::limit_exceeded);

  EXPECT_FALSE(check_tags(Json{{std::string(kMaxTagKeyLength, 'k'), "v"}}));
  EXPECT_EQ(check_tags(Json{{std::string(kMaxTagKeyLength + 1, 'k'), "v"}}), errc::invalid_argument);
  EXPECT_FALSE(check_tags(Json{{"k", std::string(kMaxTagValueLength, 'v')}}));
  EXPECT_EQ(check_tags(Json{{"k", std::string(kMaxTagValueLength + 1, 'v')}}), errc::limit_exceeded);
  EXPECT_FALSE(check_tags(Json{{"site/area_1-b", "v"}}));
  EXPECT_EQ(check_tags(Json{{"bad key", "v"}}), errc::invalid_argument);
  EXPECT_EQ(check_tags(Json{{"k", 5}}), errc::invalid_argument);
}

TEST(Validate, ProductVocabularies) {
  Product p;
  p.name = Json{{"defaultValue", "P"}};
  p.model_id = "M";
  EXPECT_FALSE(check_product(p));
  p.node_type = "Gateway";
  p.data_format = "Custom";
  EXPECT_FALSE(check_product(p));
  p.node_type = "Edge";
  EXPECT_EQ(check_product(p), errc::invalid_argument);
  p.node_type = "Device";
  p.data_format = "Binary";
  EXPECT_EQ(check_product(p), errc::invalid_argument);
  p.data_format = "Json";
  p.description = std::string(kMaxDescriptionBytes, 'd');
  EXPECT_FALSE(check_product(p));
  p.description.push_back('d');
  EXPECT_EQ(check_product(p), errc::limit_exceeded);
}

TEST(Validate, DeviceAttributesUpToTheSerializedLimit) {
  Device d;
  // {"a":"..."} is 8 bytes of framing around the value.
  d.attributes = Json{{"a", std::string(kMaxAttributesBytes - 8, 'x')}};
  EXPECT_FALSE(check_device(d));
  d.attributes = Json{{"a", std::string(kMaxAttributesBytes - 7, 'x')}};
  EXPECT_EQ(check_device(d), errc::limit_exceeded);
}

TEST(Validate, ModelBodyUpToTheLimitAndNoSelfParent) {
  ModelRecord m;
  m.model_id = "M";
  m.body.assign(kMaxModelBodyBytes, ' ');
  EXPECT_FALSE(check_model(m));
  m.body.push_back(' ');
  EXPECT_EQ(check_model(m), errc::limit_exceeded);
  m.body.clear();
  m.draft_body.assign(kMaxModelBodyBytes + 1, ' ');
  EXPECT_EQ(check_model(m), errc::limit_exceeded);
  m.draft_body.clear();
  m.parent_model_id = "M";
  EXPECT_EQ(check_model(m), errc::inheritance_cycle);
}

TEST(Validate, NameSearchTextHoldsEveryStringOnce) {
  Json name{{"defaultValue", "Battery"}, {"i18nValue", Json{{"zh_CN", "电池"}, {"en_US", "Battery EN"}}}};
  std::string text = name_search_text(name);
  EXPECT_NE(text.find("Battery"), std::string::npos);
  EXPECT_NE(text.find("电池"), std::string::npos);
  EXPECT_EQ(text.find("defaultValue"), std::string::npos);
}

TEST(Validate, LikePatternEscapesWildcards) {
  EXPECT_EQ(like_pattern("a%b_c\\d"), "%a\\%b\\_c\\\\d%");
  EXPECT_EQ(like_pattern(""), "%%");
}

TEST(Validate, UsernameIsThreeToSixtyFourOfAlnumAndUnderscoreDotAtDash) {
  EXPECT_FALSE(valid_username(std::string(kMinUsernameLength - 1, 'u')));
  EXPECT_TRUE(valid_username(std::string(kMinUsernameLength, 'u')));
  EXPECT_TRUE(valid_username(std::string(kMaxUsernameLength, 'u')));
  EXPECT_FALSE(valid_username(std::string(kMaxUsernameLength + 1, 'u')));
  EXPECT_TRUE(valid_username("ops.team_1@acme-co"));
  for (const std::string& bad : {std::string("a b c"), std::string("a+bc"), std::string("abé"),
                                 std::string("ab\0c", 4), std::string("abc:")})
    EXPECT_FALSE(valid_username(bad)) << bad;
}

TEST(Validate, RolesAreClosedVocabularies) {
  for (const char* r : {"admin", "viewer"}) EXPECT_TRUE(valid_user_role(r)) << r;
  for (const char* r : {"system", "full", "read", "", "ADMIN"}) EXPECT_FALSE(valid_user_role(r)) << r;
  for (const char* r : {"system", "admin", "viewer", "full", "read"}) EXPECT_TRUE(valid_token_role(r)) << r;
  for (const char* r : {"", "root", "Read", "full "}) EXPECT_FALSE(valid_token_role(r)) << r;
  for (const char* a : {"full", "read"}) EXPECT_TRUE(valid_app_access(a)) << a;
  for (const char* a : {"", "write", "FULL"}) EXPECT_FALSE(valid_app_access(a)) << a;
}

TEST(Validate, AppNameCountsCharactersNotBytes) {
  EXPECT_FALSE(valid_app_name(""));
  EXPECT_TRUE(valid_app_name(std::string(kMaxAppNameChars, 'a')));
  EXPECT_FALSE(valid_app_name(std::string(kMaxAppNameChars + 1, 'a')));
  std::string four_byte;  // U+20000, a CJK Extension B ideograph: 4 bytes, 1 character
  for (std::size_t i = 0; i < kMaxAppNameChars; ++i) four_byte += "\xF0\xA0\x80\x80";
  EXPECT_TRUE(valid_app_name(four_byte));
  EXPECT_FALSE(valid_app_name(four_byte + "a"));
  for (const std::string& bad : {std::string("\xC0\xAF"), std::string("\xED\xA0\x80"), std::string("ab\xE4\xB8"),
                                 std::string("tab\tname"), std::string("del\x7F"), std::string("c1\xC2\x85")})
    EXPECT_FALSE(valid_app_name(bad)) << "overlong, surrogate, truncated or control";
  EXPECT_TRUE(valid_app_name("My App (prod) — 应用"));
}

TEST(Validate, CommandNeedsAnIdAnOuAKnownTypeAndStateAndNoNegativeTimes) {
  Command c;
  c.command_id = 1;
  c.org_id = "o1";
  EXPECT_FALSE(check_command(c));
  auto with = [&](auto change) {
    Command x = c;
    change(x);
    return check_command(x);
  };
  EXPECT_EQ(with([](Command& x) { x.command_id = 0; }), errc::invalid_argument);
  EXPECT_EQ(with([](Command& x) { x.org_id.clear(); }), errc::invalid_argument);
  EXPECT_EQ(with([](Command& x) { x.type = static_cast<CommandType>(0); }), errc::invalid_argument);
  EXPECT_FALSE(with([](Command& x) { x.type = CommandType::SetMeasurepoint; }));
  EXPECT_FALSE(with([](Command& x) { x.type = CommandType::InvokeService; }));
  EXPECT_EQ(with([](Command& x) { x.type = static_cast<CommandType>(3); }), errc::invalid_argument);
  EXPECT_EQ(with([](Command& x) { x.state = static_cast<CommandState>(0); }), errc::invalid_argument);
  EXPECT_FALSE(with([](Command& x) { x.state = CommandState::ResponseTimeout; }));
  EXPECT_EQ(with([](Command& x) { x.state = static_cast<CommandState>(8); }), errc::invalid_argument);
  EXPECT_EQ(with([](Command& x) { x.pending_ttl_s = -1; }), errc::invalid_argument);
  EXPECT_EQ(with([](Command& x) { x.timeout_s = -1; }), errc::invalid_argument);
  EXPECT_EQ(with([](Command& x) { x.release_time = -1; }), errc::invalid_argument);
  EXPECT_EQ(with([](Command& x) { x.reply_time = -1; }), errc::invalid_argument);
}

}  // namespace
}  // namespace gridhub::registry
