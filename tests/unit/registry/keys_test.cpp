// Key generation: length, charset, spread; token hashing; password hashing.
#include "registry/keys.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "registry/limits.hpp"

namespace gridhub::registry {
namespace {

bool alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

TEST(Keys, RandomKeyHasRequestedLengthOverAlphanumerics) {
  for (std::size_t n :
       {std::size_t{0}, std::size_t{1}, kProductKeyLength, kDeviceSecretLength, std::size_t{100}}) {
    std::string k = random_key(n);
    ASSERT_EQ(k.size(), n);
    for (char c : k) EXPECT_TRUE(alnum(c)) << int(c);
  }
}

TEST(Keys, RandomKeyUsesAllThreeCharacterClassesAndRarelyRepeats) {
  std::set<std::string> seen;
  bool upper = false, lower = false, digit = false;
  for (int i = 0; i < 1000; ++i) {
    std::string k = random_key(kProductKeyLength);
    seen.insert(k);
    for (char c : k) {
      upper |= c >= 'A' && c <= 'Z';
      lower |= c >= 'a' && c <= 'z';
      digit |= c >= '0' && c <= '9';
    }
  }
  EXPECT_EQ(seen.size(), 1000u);  // 62^8 keys: a repeat in 1,000 draws would mean a broken generator
  EXPECT_TRUE(upper && lower && digit);
}

TEST(Keys, RandomKeyCharactersAreRoughlyUniform) {
  std::map<char, int> counts;
  for (int i = 0; i < 1000; ++i)
    for (char c : random_key(62)) ++counts[c];
  ASSERT_EQ(counts.size(), 62u);
  // 1,000 expected per character, standard deviation ~31: a biased mapping would land far outside.
  for (auto [c, n] : counts) EXPECT_TRUE(n > 800 && n < 1200) << c << ": " << n;
}

TEST(Keys, RandomDigitsAreDigitsOnly) {
  std::string d = random_digits(kOrgIdDigits);
  ASSERT_EQ(d.size(), kOrgIdDigits);
  for (char c : d) EXPECT_TRUE(c >= '0' && c <= '9');
}

TEST(Keys, TokenHashIsDeterministic32BytesAndDiffersPerToken) {
  EXPECT_EQ(token_hash("abc").size(), 32u);
  EXPECT_EQ(token_hash("abc"), token_hash("abc"));
  EXPECT_NE(token_hash("abc"), token_hash("abd"));
  EXPECT_EQ(token_hash("abc").find("abc"), std::string::npos);
}

TEST(Keys, PasswordHashIsSaltedArgon2idAndMatchesOnlyItsPassword) {
  const std::string a = hash_password("s3cret-pass"), b = hash_password("s3cret-pass");
  EXPECT_EQ(a.rfind("$argon2id$", 0), 0u) << a;
  EXPECT_NE(a, b) << "each hash has its own salt";
  EXPECT_EQ(a.find("s3cret-pass"), std::string::npos);
  EXPECT_TRUE(password_matches(a, "s3cret-pass"));
  EXPECT_TRUE(password_matches(b, "s3cret-pass"));
  EXPECT_FALSE(password_matches(a, "s3cret-pasS"));
  EXPECT_FALSE(password_matches(a, ""));
  EXPECT_FALSE(password_matches("", "s3cret-pass")) << "a damaged hash matches nothing";
  EXPECT_FALSE(password_matches(a.substr(0, a.size() - 4), "s3cret-pass"));
  EXPECT_FALSE(password_matches_nobody("s3cret-pass"));
  EXPECT_FALSE(password_matches_nobody(""));
}

}  // namespace
}  // namespace gridhub::registry
