// Tests of the compiled validator: every data type accepted and refused, bounds at N and just past, the
// quality form, unknown elements, open models, service inputs and event outputs, and the messages.
#include "model/validator.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <thread>
#include <vector>

#include "model/compiled_type.hpp"
#include "model/errc.hpp"
#include "model/limits.hpp"
#include "model_test_util.hpp"

// Counts allocations so a test can show that a passing check allocates nothing (the hot path of a post).
// Not under ASan, whose runtime owns operator new.
#if !defined(__SANITIZE_ADDRESS__)
namespace {
std::atomic<std::size_t> g_allocations{0};
}  // namespace
void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
// GCC flags free() on memory from operator new, not knowing that this operator new is malloc.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop
#endif

namespace gridhub::model {
namespace {

using boost::json::parse;
using boost::json::value;

class ValidatorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    all_ = Validator::compile(test::all_types_model());
    seed_ = Validator::compile(test::seed_model());
  }
  static void TearDownTestSuite() {
    all_.reset();
    seed_.reset();
  }

  // The errc of checking measure point `id` (0 when accepted), from JSON text.
  static boost::system::error_code point(std::string_view id, std::string_view json) {
    std::string message;
    return all_->check_measurepoint(id, parse(json), message);
  }
  static boost::system::error_code attr(std::string_view id, std::string_view json) {
    std::string message;
    return all_->check_attribute(id, parse(json), message);
  }
  static std::string point_message(const Validator& v, std::string_view id, std::string_view json) {
    std::string message;
    v.check_measurepoint(id, parse(json), message);
    return message;
  }
  static boost::system::error_code service(std::string_view id, std::string_view json,
                                           std::string* msg = nullptr) {
    std::string message;
    auto ec = all_->check_service_input(id, parse(json).as_object(), message);
    if (msg) *msg = message;
    return ec;
  }
  static boost::system::error_code event(std::string_view id, std::string_view json,
                                         std::string* msg = nullptr) {
    std::string message;
    auto ec = all_->check_event(id, parse(json).as_object(), message);
    if (msg) *msg = message;
    return ec;
  }

  static inline std::shared_ptr<const Validator> all_, seed_;
};

const boost::system::error_code kOk{};

TEST_F(ValidatorTest, IntAcceptsInt32IntegersOnly) {
  EXPECT_EQ(point("p_int", "0"), kOk);
  EXPECT_EQ(point("p_int", "2147483647"), kOk);
  EXPECT_EQ(point("p_int", "-2147483648"), kOk);
  EXPECT_EQ(point("p_int", "2147483648"), errc::out_of_range);
  EXPECT_EQ(point("p_int", "-2147483649"), errc::out_of_range);
  EXPECT_EQ(point("p_int", "18446744073709551615"), errc::out_of_range);
  EXPECT_EQ(point("p_int", "3.0"), errc::type_mismatch);
  EXPECT_EQ(point("p_int", "\"3\""), errc::type_mismatch);
  EXPECT_EQ(point("p_int", "true"), errc::type_mismatch);
  EXPECT_EQ(point("p_int", "null"), errc::null_value);
}

TEST_F(ValidatorTest, IntBoundsRespectExclusiveFlagsAtTheEdge) {
  // a_int: minimum -5 exclusive, maximum 5 inclusive.
  EXPECT_EQ(attr("a_int", "-5"), errc::out_of_range);
  EXPECT_EQ(attr("a_int", "-4"), kOk);
  EXPECT_EQ(attr("a_int", "5"), kOk);
  EXPECT_EQ(attr("a_int", "6"), errc::out_of_range);
}

TEST_F(ValidatorTest, FloatAcceptsAnyNumberWithinTheFloatRange) {
  EXPECT_EQ(point("p_float", "1"), kOk);
  EXPECT_EQ(point("p_float", "1.5"), kOk);
  EXPECT_EQ(point("p_float", "3.4028235E38"), kOk);
  EXPECT_EQ(point("p_float", "-3.4028235E38"), kOk);
  EXPECT_EQ(point("p_float", "3.4028236E38"), errc::out_of_range);
  EXPECT_EQ(point("p_float", "-1e300"), errc::out_of_range);
  EXPECT_EQ(point("p_float", "\"1.5\""), errc::type_mismatch);
}

TEST_F(ValidatorTest, DoubleAcceptsAnyNumberWithinTheModelBounds) {
  EXPECT_EQ(point("p_double", "1e300"), kOk);
  EXPECT_EQ(point("p_double", "-5"), kOk);
  EXPECT_EQ(point("p_double", "false"), errc::type_mismatch);
  // a_double: [0.5, 99.25]
  EXPECT_EQ(attr("a_double", "0.5"), kOk);
  EXPECT_EQ(attr("a_double", "0.49"), errc::out_of_range);
  EXPECT_EQ(attr("a_double", "99.25"), kOk);
  EXPECT_EQ(attr("a_double", "99.26"), errc::out_of_range);
}

TEST_F(ValidatorTest, EnumAcceptsOnlyItsKeysOfTheRightType) {
  EXPECT_EQ(point("p_enum", "1"), kOk);
  EXPECT_EQ(point("p_enum", "2"), kOk);
  EXPECT_EQ(point("p_enum", "3"), errc::out_of_range);
  EXPECT_EQ(point("p_enum", "\"1\""), errc::type_mismatch);
  EXPECT_EQ(point("p_enum", "1.0"), errc::type_mismatch);
  EXPECT_EQ(attr("a_senum", "\"red\""), kOk);
  EXPECT_EQ(attr("a_senum", "\"green\""), errc::out_of_range);
  EXPECT_EQ(attr("a_senum", "1"), errc::type_mismatch);
}

TEST_F(ValidatorTest, BoolAcceptsTrueFalseZeroAndOne) {
  for (const char* ok : {"true", "false", "0", "1"}) EXPECT_EQ(point("p_bool", ok), kOk) << ok;
  for (const char* bad : {"2", "-1", "\"true\"", "1.0"})
    EXPECT_EQ(point("p_bool", bad), errc::type_mismatch) << bad;
}

TEST_F(ValidatorTest, StringLengthIsCountedInCharactersUpToTheLimit) {
  auto quoted = [](const std::string& s) { return "\"" + s + "\""; };
  EXPECT_EQ(point("p_string", quoted(std::string(kMaxStringLength, 'a'))), kOk);
  EXPECT_EQ(point("p_string", quoted(std::string(kMaxStringLength + 1, 'a'))), errc::too_long);
  std::string two_byte, one_more;
  for (std::size_t i = 0; i < kMaxStringLength; ++i) two_byte += "\xC3\xA9";  // é
  EXPECT_EQ(point("p_string", quoted(two_byte)), kOk);
  EXPECT_EQ(point("p_string", quoted(two_byte + "\xC3\xA9")), errc::too_long);
  EXPECT_EQ(point("p_string", "5"), errc::type_mismatch);
  // a_string: maxLength 16
  EXPECT_EQ(attr("a_string", quoted(std::string(16, 'x'))), kOk);
  EXPECT_EQ(attr("a_string", quoted(std::string(17, 'x'))), errc::too_long);
}

TEST_F(ValidatorTest, DateAcceptsBothConsoleForms) {
  for (const char* ok : {"\"2022-01-01\"", "\"2024-02-29 23:59:59\"", "\"1999-12-31 00:00:00\""})
    EXPECT_EQ(point("p_date", ok), kOk) << ok;
  for (const char* bad : {"\"2023-02-29\"", "\"2022-13-01\"", "\"2022-01-01T00:00:00\"", "\"2022-1-1\"",
                          "\"2022-01-01 24:00:00\"", "\"2022-04-31\"", "20220101", "\"\""})
    EXPECT_EQ(point("p_date", bad), errc::type_mismatch) << bad;
  EXPECT_TRUE(is_valid_date("2000-02-29"));
  EXPECT_FALSE(is_valid_date("1900-02-29"));
}

TEST_F(ValidatorTest, TimestampAcceptsIntegersWithinBounds) {
  EXPECT_EQ(point("p_ts", "1700000000000"), kOk);
  EXPECT_EQ(point("p_ts", "-5"), kOk);
  EXPECT_EQ(point("p_ts", "1.5"), errc::type_mismatch);
  EXPECT_EQ(point("p_ts", "\"1700000000000\""), errc::type_mismatch);
  // a_ts: minimum 0
  EXPECT_EQ(attr("a_ts", "0"), kOk);
  EXPECT_EQ(attr("a_ts", "-1"), errc::out_of_range);
}

TEST_F(ValidatorTest, StructItemsAreCheckedAndRequiredOnesPresent) {
  std::string message;
  EXPECT_EQ(attr("a_struct", R"({"x":1,"label":"ab"})"), kOk);
  EXPECT_EQ(attr("a_struct", R"({"x":1})"), kOk);
  EXPECT_EQ(all_->check_attribute("a_struct", parse(R"({"label":"ab"})"), message), errc::missing_parameter);
  EXPECT_EQ(message, "attribute [a_struct] missing item [x]");
  EXPECT_EQ(all_->check_attribute("a_struct", parse(R"({"x":1,"y":2})"), message), errc::unknown_parameter);
  EXPECT_EQ(message, "attribute [a_struct] unknown item [y]");
  EXPECT_EQ(attr("a_struct", R"({"x":1,"label":"abcde"})"), errc::too_long);
  EXPECT_EQ(attr("a_struct", "[1]"), errc::type_mismatch);
  // p_struct allows additional items.
  EXPECT_EQ(point("p_struct", R"({"v":1.5,"extra":"anything"})"), kOk);
  EXPECT_EQ(point_message(*all_, "p_struct", R"({"v":"x"})"),
            "measurepoint [p_struct] item [v] type mismatch: expected FLOAT");
}

TEST_F(ValidatorTest, ArrayItemsMatchTheInnerTypeUpToTheItemLimit) {
  EXPECT_EQ(point("p_array", R"(["abc",""])"), kOk);
  EXPECT_EQ(point_message(*all_, "p_array", R"(["abc","abcd"])"),
            "measurepoint [p_array] item [1] string longer than 3 characters");
  EXPECT_EQ(point("p_array", R"("abc")"), errc::type_mismatch);
  boost::json::array items(kMaxArrayItems, boost::json::value("a"));
  std::string message;
  EXPECT_EQ(all_->check_measurepoint("p_array", value(items), message), kOk);
  items.push_back("a");
  EXPECT_EQ(all_->check_measurepoint("p_array", value(items), message), errc::too_long);
  // a_array: DOUBLE items in [0, 10]
  EXPECT_EQ(attr("a_array", "[0, 10, 5.5]"), kOk);
  EXPECT_EQ(attr("a_array", "[11]"), errc::out_of_range);
  EXPECT_EQ(attr("a_array", "[null]"), errc::null_value);
}

TEST_F(ValidatorTest, FileAcceptsStrings) {
  EXPECT_EQ(point("p_file", "\"https://files.example/report.pdf\""), kOk);
  EXPECT_EQ(point("p_file", "5"), errc::type_mismatch);
}

TEST_F(ValidatorTest, QualityFormIsAcceptedForAnyPointWithAnIntegerQuality) {
  EXPECT_EQ(point("p_int", R"({"value":5,"quality":9})"), kOk);       // hasQuality point
  EXPECT_EQ(point("p_double", R"({"value":2.5,"quality":0})"), kOk);  // plain point
  EXPECT_EQ(point("p_int", "5"), kOk);                                // plain value on a quality point
  EXPECT_EQ(point("p_int", R"({"value":5,"quality":1.5})"), errc::invalid_quality);
  EXPECT_EQ(point("p_int", R"({"value":5,"quality":"9"})"), errc::invalid_quality);
  EXPECT_EQ(point("p_int", R"({"value":"x","quality":9})"), errc::type_mismatch);
  EXPECT_EQ(point("p_int", R"({"value":2147483648,"quality":9})"), errc::out_of_range);
  EXPECT_EQ(point("p_int", R"({"value":5})"), errc::type_mismatch);
  EXPECT_EQ(attr("a_double", R"({"value":1,"quality":3})"), kOk);
}

TEST_F(ValidatorTest, StructWithAValueItemIsNotReadAsAQualityPair) {
  auto m = from_api_json(parse(R"({"modelId":"M","measurepoints":{"pair":{"dataType":"STRUCT",
      "dataDefinition":{"items":[{"identifier":"value","dataType":"INT"},{"identifier":"quality","dataType":"STRING"}]}}}})"));
  ASSERT_TRUE(m);
  auto v = Validator::compile(*m);
  std::string message;
  EXPECT_EQ(v->check_measurepoint("pair", parse(R"({"value":1,"quality":"good"})"), message), kOk) << message;
}

TEST_F(ValidatorTest, UnknownPointsAndAttributesAreRefusedWithTheirName) {
  std::string message;
  EXPECT_EQ(seed_->check_measurepoint("soc", value(1), message), errc::unknown_element);
  EXPECT_EQ(message, "measurepoint [soc] not found");
  EXPECT_EQ(seed_->check_attribute("colour", value("red"), message), errc::unknown_element);
  EXPECT_EQ(message, "attribute [colour] not found");
}

TEST_F(ValidatorTest, SeedMessagesNameThePointAndTheExpectedType) {
  EXPECT_EQ(point_message(*seed_, "cycle_number", "3.0"),
            "measurepoint [cycle_number] type mismatch: expected INT");
  EXPECT_EQ(point_message(*seed_, "health_level", "2147483648"), "measurepoint [health_level] out of range");
  std::string message = "untouched";
  EXPECT_EQ(seed_->check_measurepoint("temp", value(25.5), message), kOk);
  EXPECT_EQ(seed_->check_measurepoint("cycle_number", value(354), message), kOk);
  EXPECT_EQ(message, "untouched");  // success leaves the message alone
  EXPECT_EQ(seed_->check_attribute("UpperLimitTemp", value(48.0), message), kOk);
}

TEST_F(ValidatorTest, OpenModelsAcceptUnknownIdsButStillCheckKnownOnes) {
  ThingModel m = test::seed_model();
  m.allow_additional_measurepoint = true;
  auto open_points = Validator::compile(m);
  std::string message;
  EXPECT_EQ(open_points->check_measurepoint("anything", value("x"), message), kOk);
  EXPECT_EQ(open_points->check_measurepoint("cycle_number", value(1.5), message), errc::type_mismatch);
  EXPECT_EQ(open_points->check_attribute("anything", value(1), message), errc::unknown_element);
  EXPECT_EQ(open_points->find_measurepoint("anything"), nullptr);
  m.allow_additional_attribute = true;
  auto open_both = Validator::compile(m);
  EXPECT_EQ(open_both->check_attribute("anything", value(1), message), kOk);
}

TEST_F(ValidatorTest, FindMeasurepointReturnsTypeSignalAndQuality) {
  const PointInfo* p = all_->find_measurepoint("p_int");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->type, DataType::Int);
  EXPECT_EQ(p->signal, SignalType::DI);
  EXPECT_TRUE(p->has_quality);
  EXPECT_EQ(p->element->identifier, "p_int");
  EXPECT_EQ(p->element, &all_->model().measurepoints.at("p_int"));
  const PointInfo* acc = seed_->find_measurepoint("accumulating_power");
  ASSERT_NE(acc, nullptr);
  EXPECT_EQ(acc->signal, SignalType::PI);
  EXPECT_EQ(seed_->find_measurepoint("nope"), nullptr);
  EXPECT_EQ(seed_->find_measurepoint(""), nullptr);
}

TEST_F(ValidatorTest, ServiceInputRefusesMissingRequiredAndUnknownParameters) {
  std::string message;
  EXPECT_EQ(service("set_mode", R"({"mode":"eco"})"), kOk);
  EXPECT_EQ(service("set_mode", R"({"mode":"max","delay":60,"when":"2022-01-01","points":[1,2]})"), kOk);
  EXPECT_EQ(service("set_mode", "{}", &message), errc::missing_parameter);
  EXPECT_EQ(message, "service [set_mode] missing parameter [mode]");
  EXPECT_EQ(service("set_mode", R"({"mode":"eco","foo":1})", &message), errc::unknown_parameter);
  EXPECT_EQ(message, "service [set_mode] unknown parameter [foo]");
  EXPECT_EQ(service("set_mode", R"({"mode":"eco","delay":61})", &message), errc::out_of_range);
  EXPECT_EQ(message, "service [set_mode] parameter [delay] out of range");
  EXPECT_EQ(service("set_mode", R"({"mode":"turbo"})"), errc::out_of_range);
  EXPECT_EQ(service("set_mode", R"({"mode":"eco","points":[1.5]})"), errc::type_mismatch);
  EXPECT_EQ(service("reboot", "{}", &message), errc::unknown_element);
  EXPECT_EQ(message, "service [reboot] not found");
  // The seed's services: interval is an optional INT.
  EXPECT_EQ(seed_->check_service_input("high_frequency_report_service",
                                       parse(R"({"interval":5})").as_object(), message),
            kOk);
  EXPECT_EQ(seed_->check_service_input("high_frequency_report_service",
                                       parse(R"({"interval":"5"})").as_object(), message),
            errc::type_mismatch);
}

TEST_F(ValidatorTest, EventOutputIsCheckedLikeServiceInput) {
  std::string message;
  EXPECT_EQ(event("overheat", R"({"temp":80.5})"), kOk);
  EXPECT_EQ(
      event("overheat", R"({"temp":80.5,"at":1700000000000,"note":"hot","where":{"lat":1.5,"file":"f"}})"),
      kOk);
  EXPECT_EQ(event("overheat", R"({"at":1})", &message), errc::missing_parameter);
  EXPECT_EQ(message, "event [overheat] missing parameter [temp]");
  EXPECT_EQ(event("overheat", R"({"temp":1,"x":1})"), errc::unknown_parameter);
  EXPECT_EQ(event("overheat", R"({"temp":1,"where":{"lat":"x"}})", &message), errc::type_mismatch);
  EXPECT_EQ(message, "event [overheat] parameter [where] item [lat] type mismatch: expected FLOAT");
  EXPECT_EQ(event("overheat", R"({"temp":null})"), errc::null_value);
  EXPECT_EQ(event("fire", "{}", &message), errc::unknown_element);
  EXPECT_EQ(message, "event [fire] not found");
}

TEST_F(ValidatorTest, ModelIsKeptAndChecksRunConcurrently) {
  EXPECT_EQ(all_->model().model_id, "AllTypes");
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      std::string message;
      const value good(42), bad(1.5);
      for (int i = 0; i < 2000; ++i) {
        if (seed_->check_measurepoint("cycle_number", good, message)) ++failures;
        if (!seed_->check_measurepoint("cycle_number", bad, message)) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST_F(ValidatorTest, PassingChecksAllocateNothing) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "allocation counting is off under AddressSanitizer";
#else
  const value number(25.5), integer(354), quality = parse(R"({"value":5,"quality":9})");
  const value structure = parse(R"({"x":1,"label":"ab"})"), array = parse("[0, 10, 5.5]");
  const boost::json::object input = parse(R"({"mode":"eco","delay":5})").as_object();
  std::string message;
  const std::size_t before = g_allocations.load();
  for (int i = 0; i < 100; ++i) {
    EXPECT_FALSE(seed_->check_measurepoint("temp", number, message));
    EXPECT_FALSE(seed_->check_measurepoint("cycle_number", integer, message));
    EXPECT_FALSE(all_->check_measurepoint("p_int", quality, message));
    EXPECT_FALSE(all_->check_attribute("a_struct", structure, message));
    EXPECT_FALSE(all_->check_attribute("a_array", array, message));
    EXPECT_FALSE(all_->check_service_input("set_mode", input, message));
    EXPECT_NE(seed_->find_measurepoint("voltage"), nullptr);
  }
  EXPECT_EQ(g_allocations.load(), before);
  // The counter works: a refusal builds its message.
  EXPECT_TRUE(seed_->check_measurepoint("no_such_point_here", number, message));
  EXPECT_GT(g_allocations.load(), before);
#endif
}

TEST(ModelErrc, CodesHaveTheModelCategoryAndMessages) {
  boost::system::error_code ec = errc::out_of_range;
  EXPECT_STREQ(ec.category().name(), "gridhub.model");
  EXPECT_EQ(ec.message(), "value out of range");
  std::error_code std_ec = ec;
  EXPECT_TRUE(std_ec == errc::out_of_range);
  EXPECT_EQ(make_error_code(errc::invalid_json).message(), "not valid JSON, too deep or too large");
}

TEST(ThingModelNames, DataAndSignalTypesHaveApiNames) {
  EXPECT_EQ(to_string(DataType::Int), "INT");
  EXPECT_EQ(to_string(DataType::String), "STRING");
  EXPECT_EQ(to_string(DataType::File), "FILE");
  EXPECT_EQ(to_string(SignalType::Generic), "Generic");
  EXPECT_EQ(to_string(SignalType::PI), "PI");
  EXPECT_EQ(parse_data_type("timestamp"), DataType::Timestamp);
  EXPECT_EQ(parse_data_type("TEXT"), std::nullopt);
  EXPECT_EQ(parse_signal_type("UNKNOWN"), SignalType::Generic);
  EXPECT_EQ(parse_signal_type("AO"), std::nullopt);
}

TEST(ThingModelNames, SameDefinitionComparesArrayItemsByValue) {
  TypeSpec a;
  a.type = DataType::Array;
  a.array_item = std::make_shared<TypeSpec>();
  TypeSpec b = a;
  b.array_item = std::make_shared<TypeSpec>(*a.array_item);
  EXPECT_TRUE(a == b);
  b.array_item->maximum = 3;
  EXPECT_FALSE(a == b);
}

}  // namespace
}  // namespace gridhub::model
