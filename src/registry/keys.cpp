// Key generation, token hashing and password hashing on libsodium.
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

namespace {
// libsodium wants a pointer even for zero bytes; a default string_view has none.
const char* bytes_of(std::string_view s) { return s.empty() ? "" : s.data(); }
}  // namespace

std::string hash_password(std::string_view password) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, bytes_of(password), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return {};
  return std::string(out);
}

bool password_matches(const std::string& hash, std::string_view password) {
  ensure_sodium();
  return crypto_pwhash_str_verify(hash.c_str(), bytes_of(password), password.size()) == 0;
}

bool password_matches_nobody(std::string_view password) {
  // A hash made once per process with the same parameters as real ones (so the verify costs the same), of a
  // random password nobody knows. Made on first use: the first failed login pays one extra hash.
  static const std::string dummy = hash_password(random_key(32));
  (void)password_matches(dummy, password);
  return false;
}

}  // namespace gridhub::registry
