// Key generation and token hashing on libsodium.
#include "registry/keys.hpp"

#include <sodium.h>

#include <stdexcept>

namespace gridhub::registry {

namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

// sodium_init is idempotent and thread-safe; it only fails when the system has no entropy source, which is a
// start-up condition, not input-driven, so it throws.
void ensure_sodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw std::runtime_error("libsodium cannot initialise");
}

std::string random_over(std::string_view alphabet, std::size_t n) {
  ensure_sodium();
  // One randombytes_buf call per key instead of one per character (each is a getrandom syscall). Bytes at or
  // above the largest multiple of the alphabet size are rejected, so every character stays uniform.
  const unsigned limit = 256 - 256 % alphabet.size();
  std::string out;
  out.reserve(n);
  unsigned char buf[64];
  while (out.size() < n) {
    randombytes_buf(buf, sizeof buf);
    for (unsigned char b : buf) {
      if (b >= limit) continue;
      out.push_back(alphabet[b % alphabet.size()]);
      if (out.size() == n) break;
    }
  }
  sodium_memzero(buf, sizeof buf);  // unused bytes would reveal nothing, but secrets should not linger
  return out;
}

}  // namespace

std::string random_key(std::size_t n) { return random_over(kAlphabet, n); }

std::string random_digits(std::size_t n) { return random_over(kAlphabet.substr(52), n); }

std::string token_hash(std::string_view token) {
  ensure_sodium();
  std::string out(crypto_generichash_BYTES, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr, 0);
  return out;
}

}  // namespace gridhub::registry
