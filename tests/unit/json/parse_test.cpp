// Tests of gridhub::json::parse: doubles read bit-exactly where Boost 1.81's parser is one ulp off, and
// otherwise the same results and errors as boost::json::parse (integers, bounds, options, bad input).
#include "json/parse.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace gridhub::json {
namespace {

namespace bj = boost::json;

// The shortest text that std::from_chars reads back as exactly `d`.
std::string shortest(double d) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  EXPECT_EQ(ec, std::errc());
  return std::string(buf, end);
}

double parse_double(std::string_view text) {
  boost::system::error_code ec;
  bj::value v = parse(text, ec);
  EXPECT_FALSE(ec) << text << ": " << ec.message();
  EXPECT_TRUE(v.is_double()) << text << " -> " << bj::serialize(v);
  return v.is_double() ? v.get_double() : std::nan("");
}

double boost_double(std::string_view text) {
  boost::system::error_code ec;
  bj::value v = bj::parse(text, ec);
  EXPECT_FALSE(ec) << text;
  return v.is_double() ? v.get_double() : std::nan("");
}

uint64_t bits(double d) { return std::bit_cast<uint64_t>(d); }

TEST(ExactParse, ReadsTheNumberBoostMisreadBitExactly) {
  const std::string_view text = "40.385231401401484";
  double expected = 0;
  std::from_chars(text.data(), text.data() + text.size(), expected);
  EXPECT_EQ(bits(parse_double(text)), bits(expected));
  EXPECT_EQ(shortest(parse_double(text)), text);
  // Why this module exists: Boost 1.81 stores 40.38523140140149 for it.
  EXPECT_NE(bits(boost_double(text)), bits(expected));
  EXPECT_EQ(shortest(boost_double(text)), "40.38523140140149");
}

TEST(ExactParse, NumberInsideAMeasurePointPostIsExact) {
  boost::system::error_code ec;
  bj::value v = parse(R"({"id":"1","params":{"measurepoints":{"soc":40.385231401401484,"v":[1,2.5]}}})", ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(shortest(v.at("params").at("measurepoints").at("soc").as_double()), "40.385231401401484");
  EXPECT_EQ(bj::serialize(v.at("params").at("measurepoints").at("v")), "[1,2.5E0]");
}

// Random bit patterns cover every exponent; each printed shortest must come back as the same bits.
TEST(ExactParse, RandomDoublesRoundTripBitExactly) {
  std::mt19937_64 rng(20240521);
  int checked = 0;
  int boost_wrong = 0;
  while (checked < 5000) {
    const double d = std::bit_cast<double>(rng());
    if (!std::isfinite(d)) continue;
    ++checked;
    std::string text = shortest(d);
    // Integral values print as integers ("-1854800861088937"), which JSON reads as int64: keep them doubles.
    if (text.find_first_of(".eE") == std::string::npos) text += "e0";
    ASSERT_EQ(bits(parse_double(text)), bits(d)) << text;
    if (bits(boost_double(text)) != bits(d)) ++boost_wrong;
  }
  EXPECT_GT(boost_wrong, 0) << "Boost's parser got all of them right: the test no longer shows the bug";
  std::printf("boost::json::parse misread %d of %d random doubles\n", boost_wrong, checked);
}

// Sensor-like values: a few digits before the point, up to 17 significant digits.
TEST(ExactParse, RandomSensorValuesRoundTripBitExactlyInsideObjects) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> dist(-1000.0, 1000.0);
  int boost_wrong = 0;
  for (int i = 0; i < 3000; ++i) {
    const double d = dist(rng);
    const std::string doc = R"({"measurepoints":{"p":)" + shortest(d) + "}}";
    boost::system::error_code ec;
    bj::value v = parse(doc, ec);
    ASSERT_FALSE(ec) << doc;
    ASSERT_EQ(bits(v.at("measurepoints").at("p").as_double()), bits(d)) << doc;
    if (bits(bj::parse(doc).at("measurepoints").at("p").as_double()) != bits(d)) ++boost_wrong;
  }
  EXPECT_GT(boost_wrong, 0);
}

TEST(ExactParse, SerializeThenParseIsTheIdentity) {
  // What the registry relies on: a value written to the DB with boost::json::serialize reads back equal.
  std::mt19937_64 rng(99);
  bj::array a;
  for (int i = 0; i < 1000; ++i) {
    double d = std::bit_cast<double>(rng());
    if (std::isfinite(d)) a.push_back(d);
  }
  boost::system::error_code ec;
  bj::value back = parse(bj::serialize(a), ec);
  ASSERT_FALSE(ec);
  ASSERT_EQ(back.as_array().size(), a.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    ASSERT_EQ(bits(back.as_array()[i].as_double()), bits(a[i].as_double())) << i;
}

TEST(ExactParse, Int64AndUint64BoundsStayIntegers) {
  boost::system::error_code ec;
  bj::value v = parse("9223372036854775807", ec);
  ASSERT_TRUE(v.is_int64());
  EXPECT_EQ(v.get_int64(), std::numeric_limits<int64_t>::max());
  v = parse("9223372036854775808", ec);  // int64 max + 1
  ASSERT_TRUE(v.is_uint64());
  EXPECT_EQ(v.get_uint64(), uint64_t{9223372036854775808u});
  v = parse("-9223372036854775808", ec);
  ASSERT_TRUE(v.is_int64());
  EXPECT_EQ(v.get_int64(), std::numeric_limits<int64_t>::min());
  v = parse("18446744073709551615", ec);
  ASSERT_TRUE(v.is_uint64());
  EXPECT_EQ(v.get_uint64(), std::numeric_limits<uint64_t>::max());
  v = parse("0", ec);
  ASSERT_TRUE(v.is_int64());
  EXPECT_EQ(v.get_int64(), 0);
  EXPECT_FALSE(ec);
}

TEST(ExactParse, IntegersBeyondTheirTypeBecomeExactDoubles) {
  // uint64 max + 1 and int64 min - 1 are doubles in Boost too; ours are read from the text.
  EXPECT_EQ(parse_double("18446744073709551616"), 18446744073709551616.0);
  EXPECT_EQ(parse_double("-9223372036854775809"), -9223372036854775808.0);
  // 2^64 + 2049 is above the midpoint to the next double, so it rounds up, not down to 2^64.
  const double expected = std::nextafter(18446744073709551616.0, INFINITY);
  EXPECT_EQ(bits(parse_double("18446744073709553665")), bits(expected));
  EXPECT_EQ(bits(parse_double("123456789012345678901234567890")), bits(1.2345678901234568e29));
}

TEST(ExactParse, NegativeZero) {
  const double d = parse_double("-0.0");
  EXPECT_EQ(d, 0.0);
  EXPECT_TRUE(std::signbit(d));
  EXPECT_TRUE(std::signbit(parse_double("-0e5")));
  boost::system::error_code ec;
  bj::value v = parse("-0", ec);  // an integer, as in Boost
  ASSERT_TRUE(v.is_int64());
  EXPECT_EQ(v.get_int64(), 0);
  EXPECT_TRUE(bj::parse("-0").is_int64());
}

TEST(ExactParse, LargestAndSmallestDoubles) {
  EXPECT_EQ(parse_double("1e308"), 1e308);
  EXPECT_EQ(parse_double("1.7976931348623157e308"), std::numeric_limits<double>::max());
  EXPECT_EQ(parse_double("1.7976931348623158e308"), std::numeric_limits<double>::max());  // below halfway
  EXPECT_EQ(parse_double("5e-324"), std::numeric_limits<double>::denorm_min());
  EXPECT_EQ(parse_double("2.2250738585072014e-308"), std::numeric_limits<double>::min());
  // The halfway point between 0 and the smallest subnormal ties to even (0); just above it rounds up.
  EXPECT_EQ(parse_double("2.4703282292062328e-324"), std::numeric_limits<double>::denorm_min());
  EXPECT_EQ(parse_double("2.4703282292062327e-324"), 0.0);  // just below halfway
  EXPECT_EQ(parse_double("1e-400"), 0.0);
}

// 2^-1075, half of the smallest subnormal, written out in full (752 significant digits).
const std::string kHalfDenormMin =
    "2.47032822920623272088284396434110686182529901307162382212792841250337753635104375932649918180817996"
    "1898982823477228588654633283551779698981993873980053909390631503565951557022639229085839244910518443"
    "5931802849936536152500319370457678249219365623669863658480757001585769269903706311928279558551332927"
    "8343384093519780155312465972635795746227664652728272200563740064854999770965994704540208281662262378"
    "5739345073633900796776193057750674017632467360096895134053553745851666113422376667860416215968046191"
    "4467291840300530057530849048765391711386591646239524912623653881879636239373280423891018672348497668"
    "2350898633885879256283027559956575244555072551893136908362547791869486679949683240497058210285131854"
    "51396213837722826145437693412532098591327667236328125"
    "e-324";

TEST(ExactParse, HalfwayCasesTieToEven) {
  // 1 + 2^-53 is halfway between 1 and the next double: ties to even gives 1; a hair above gives the next.
  const double next_after_one = std::nextafter(1.0, 2.0);
  EXPECT_EQ(parse_double("1.00000000000000011102230246251565404236316680908203125"), 1.0);
  EXPECT_EQ(parse_double("1.00000000000000011102230246251565404236316680908203126"), next_after_one);
  EXPECT_EQ(parse_double("1.000000000000000111022302462515654042363166809082031249999"), 1.0);
  EXPECT_EQ(parse_double(kHalfDenormMin), 0.0);
  const std::string above = kHalfDenormMin.substr(0, kHalfDenormMin.find('e')) + "1" +
                            kHalfDenormMin.substr(kHalfDenormMin.find('e'));
  EXPECT_EQ(parse_double(above), std::numeric_limits<double>::denorm_min());
}

TEST(ExactParse, OverflowGivesInfinityAsInBoost) {
  // Boost 1.81 reads a number beyond the double range as ±inf without an error; so do we.
  EXPECT_EQ(parse_double("1e309"), INFINITY);
  EXPECT_EQ(boost_double("1e309"), INFINITY);
  EXPECT_EQ(parse_double("-1e309"), -INFINITY);
  EXPECT_EQ(parse_double("1.7976931348623159e308"), INFINITY);  // above DBL_MAX's halfway point
  EXPECT_EQ(parse_double("1e2147483647"), INFINITY);
  const double tiny = parse_double("-1e-400");
  EXPECT_EQ(tiny, 0.0);
  EXPECT_TRUE(std::signbit(tiny));
}

TEST(ExactParse, ExponentBeyondIntMaxIsAnErrorAsInBoost) {
  boost::system::error_code ec;
  parse("1e2147483647", ec);
  EXPECT_FALSE(ec);
  bj::value v = parse("1e2147483648", ec);
  EXPECT_EQ(ec, bj::error::exponent_overflow);
  EXPECT_TRUE(v.is_null());
  boost::system::error_code boost_ec;
  bj::parse("1e2147483648", boost_ec);
  EXPECT_EQ(boost_ec, bj::error::exponent_overflow);
}

TEST(ExactParse, ExponentForms) {
  EXPECT_EQ(parse_double("1E5"), 1e5);
  EXPECT_EQ(parse_double("1e+5"), 1e5);
  EXPECT_EQ(parse_double("1e-5"), 1e-5);
  EXPECT_EQ(parse_double("-2.5E-3"), -2.5e-3);
  EXPECT_EQ(parse_double("0.5e1"), 5.0);
  EXPECT_EQ(parse_double("0e0"), 0.0);
  EXPECT_EQ(parse_double("4038523140140148.4e-14"), 40.385231401401484);
  EXPECT_EQ(parse_double("0.000000000000000000000000000040385231401401484e30"), 40.385231401401484);
  EXPECT_EQ(parse_double("1.0"), 1.0);  // a fraction makes it a double even when integral
}

TEST(ExactParse, DepthLimitAtNAndNPlusOne) {
  for (std::size_t depth : {1u, 5u, 32u}) {
    bj::parse_options opt;
    opt.max_depth = depth;
    const std::string ok = std::string(depth, '[') + "1.5" + std::string(depth, ']');
    const std::string deep = "[" + ok + "]";
    boost::system::error_code ec;
    parse(ok, ec, opt);
    EXPECT_FALSE(ec) << depth;
    bj::value v = parse(deep, ec, opt);
    EXPECT_EQ(ec, bj::error::too_deep) << depth;
    EXPECT_TRUE(v.is_null());
  }
  // The default is Boost's (32).
  boost::system::error_code ec;
  parse(std::string(32, '[') + std::string(32, ']'), ec);
  EXPECT_FALSE(ec);
  parse(std::string(33, '[') + std::string(33, ']'), ec);
  EXPECT_EQ(ec, bj::error::too_deep);
}

TEST(ExactParse, TrailingGarbageIsExtraData) {
  boost::system::error_code ec;
  EXPECT_EQ(parse(" 1.5 \n\t", ec).as_double(), 1.5);
  EXPECT_FALSE(ec);
  for (const char* text : {"1.5 x", "{} {}", "[1]]", "1.5,", "null null", "\"a\"\"b\""}) {
    bj::value v = parse(text, ec);
    EXPECT_EQ(ec, bj::error::extra_data) << text;
    EXPECT_TRUE(v.is_null()) << text;
  }
  // A NUL after the value is garbage too (string_view carries its length).
  parse(std::string_view("1\0", 2), ec);
  EXPECT_EQ(ec, bj::error::extra_data);
}

TEST(ExactParse, EmptyInputIsIncomplete) {
  boost::system::error_code ec;
  for (const char* text : {"", " ", "\n\t ", "[", "{\"a\":", "1e", "-"}) {
    bj::value v = parse(text, ec);
    boost::system::error_code boost_ec;
    bj::parse(text, boost_ec);
    EXPECT_TRUE(ec) << '"' << text << '"';
    EXPECT_EQ(ec, boost_ec) << '"' << text << '"';
    EXPECT_TRUE(v.is_null());
  }
  parse("", ec);
  EXPECT_EQ(ec, bj::error::incomplete);
}

TEST(ExactParse, BadNumbersGiveBoostsErrors) {
  for (const char* text : {"01", "1.", ".5", "+1", "-a", "1e+", "1.e5", "NaN", "Infinity", "-Infinity", "0x10",
                           "1.5.2", "--1", "1e5e5", "[1.5,]", "{\"a\":1.5,}", "[-]"}) {
    boost::system::error_code ec, boost_ec;
    parse(text, ec);
    bj::parse(text, boost_ec);
    EXPECT_TRUE(ec) << text;
    EXPECT_EQ(ec, boost_ec) << text;
  }
}

TEST(ExactParse, OptionsAreHonoured) {
  boost::system::error_code ec;
  const std::string commented = "/* c */ [1.5, // x\n 2.5]";
  parse(commented, ec);
  EXPECT_TRUE(ec);
  bj::parse_options opt;
  opt.allow_comments = true;
  EXPECT_EQ(bj::serialize(parse(commented, ec, opt)), "[1.5E0,2.5E0]");
  EXPECT_FALSE(ec);

  parse("[1.5,]", ec);
  EXPECT_EQ(ec, bj::error::syntax);
  opt = {};
  opt.allow_trailing_commas = true;
  EXPECT_EQ(parse("[1.5,]", ec, opt).as_array().size(), 1u);
  EXPECT_FALSE(ec);

  const std::string bad_utf8 = "[\"\xff\"]";
  parse(bad_utf8, ec);
  EXPECT_EQ(ec, bj::error::syntax);
  opt = {};
  opt.allow_invalid_utf8 = true;
  parse(bad_utf8, ec, opt);
  EXPECT_FALSE(ec);
}

TEST(ExactParse, ResultUsesTheGivenStorage) {
  bj::monotonic_resource mr;
  bj::storage_ptr sp(&mr);
  boost::system::error_code ec;
  bj::value v = parse(R"({"a":[1.25,"long enough string to allocate"]})", ec, {}, sp);
  ASSERT_FALSE(ec);
  EXPECT_EQ(v.storage().get(), sp.get());
  EXPECT_EQ(v.at("a").storage().get(), sp.get());
}

TEST(ExactParse, LargeDocumentsBeyondTheStackBuffer) {
  // More than BOOST_JSON_STACK_BUFFER_SIZE of values, so the value stack grows onto the heap.
  std::string doc = "[";
  for (int i = 0; i < 5000; ++i) doc += (i ? "," : "") + std::string("40.385231401401484");
  doc += "]";
  boost::system::error_code ec;
  bj::value v = parse(doc, ec);
  ASSERT_FALSE(ec);
  ASSERT_EQ(v.as_array().size(), 5000u);
  for (const auto& e : v.as_array()) ASSERT_EQ(e.as_double(), 40.385231401401484);
}

// Mutated payloads must fail (or succeed) exactly when Boost's parser does, and never crash.
TEST(ExactParse, MutatedInputBehavesLikeBoost) {
  const std::string base =
      R"({"id":"7","version":"1.0","params":{"measurepoints":{"a":-12.5e-3,"b":[1,2,{"c":null}],)"
      R"("d":"x\u00e9y","e":true,"f":18446744073709551616},"time":1700000000000},"method":"m"})";
  std::mt19937 rng(5);
  const std::string alphabet = "{}[]\",:0123456789.eE+-tfn \\ux\xff";
  for (int i = 0; i < 5000; ++i) {
    std::string s = base;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < edits; ++k) {
      const std::size_t at = rng() % s.size();
      switch (rng() % 3) {
        case 0: s[at] = alphabet[rng() % alphabet.size()]; break;
        case 1: s.erase(at, 1); break;
        default: s.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
      }
    }
    boost::system::error_code ec, boost_ec;
    bj::value mine = parse(s, ec);
    bj::value theirs = bj::parse(s, boost_ec);
    ASSERT_EQ(ec, boost_ec) << s;
    if (ec) ASSERT_TRUE(mine.is_null());
    else ASSERT_EQ(mine.kind(), theirs.kind()) << s;
  }
}

// Not a test: the cost of exactness on a typical 1 KiB measure-point post. Run with
// unit_json --gtest_also_run_disabled_tests --gtest_filter='*Speed*'
TEST(ExactParse, DISABLED_SpeedOfA1KiBMeasurePointPost) {
  std::string doc = R"({"id":"123","version":"1.0","method":"thing.measurepoint.post","params":{"measurepoints":{)";
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> dist(0.0, 500.0);
  for (int i = 0; doc.size() < 980; ++i) doc += (i ? ",\"mp" : "\"mp") + std::to_string(i) + "\":" + shortest(dist(rng));
  doc += R"(},"time":1700000000000}})";
  std::printf("payload: %zu bytes\n", doc.size());
  const int rounds = 200000;
  auto time = [&](auto&& fn) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < rounds; ++i) fn();
    return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count() / rounds;
  };
  boost::system::error_code ec;
  for (int pass = 0; pass < 2; ++pass) {
    const double old_ns = time([&] { bj::value v = bj::parse(doc, ec); });
    const double new_ns = time([&] { bj::value v = parse(doc, ec); });
    std::printf("boost::json::parse %.0f ns, gridhub::json::parse %.0f ns (%.2fx)\n", old_ns, new_ns,
                new_ns / old_ns);
  }
  EXPECT_FALSE(ec);
}

}  // namespace
}  // namespace gridhub::json
