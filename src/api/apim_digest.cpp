// SHA-256, HMAC-SHA256, constant-time comparison and randomness for the application credentials, over
// OpenSSL 3.
#include "api/apim_digest.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstdint>
#include <memory>

namespace gridhub::api {

namespace {
constexpr char kHex[] = "0123456789abcdef";
}  // namespace

std::string sha256_hex(std::initializer_list<std::string_view> parts) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  bool ok = md && EVP_DigestInit_ex(md.get(), EVP_sha256(), nullptr) == 1;
  for (std::string_view p : parts)
    if (ok && !p.empty()) ok = EVP_DigestUpdate(md.get(), p.data(), p.size()) == 1;
  ok = ok && EVP_DigestFinal_ex(md.get(), digest, &n) == 1 && n == 32;
  // An OpenSSL failure here means no memory; an empty digest then matches nothing a client can send.
  if (!ok) return {};
  std::string out(64, '0');
  for (unsigned i = 0; i < 32; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0xf];
  }
  return out;
}

std::string hmac_sha256(std::string_view key, std::string_view message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  // HMAC() with a NULL key pointer would mean "no key"; give it a valid pointer even for an empty key.
  static const unsigned char kEmpty = 0;
  const void* k = key.empty() ? static_cast<const void*>(&kEmpty) : static_cast<const void*>(key.data());
  const auto* m = message.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(message.data());
  if (!HMAC(EVP_sha256(), k, static_cast<int>(key.size()), m, message.size(), mac, &n) || n != 32) return {};
  return std::string(reinterpret_cast<const char*>(mac), n);
}

bool equal_constant_time(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<std::string> random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    return std::nullopt;
  return out;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace gridhub::api
