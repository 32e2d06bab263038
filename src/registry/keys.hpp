// Random keys and secrets (libsodium's CSPRNG), the one-way hash under which API and session tokens are
// stored, and console password hashing (Argon2id).
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace gridhub::registry {

// n characters, uniform over [A-Za-z0-9].
std::string random_key(std::size_t n);
// n characters, uniform over [0-9].
std::string random_digits(std::size_t n);
// BLAKE2b-256 (crypto_generichash) of the token, as 32 raw bytes.
std::string token_hash(std::string_view token);

// The password as a crypto_pwhash_str string (Argon2id, libsodium's INTERACTIVE limits: ~0.1 s and 64 MiB,
// its own random salt). "" when libsodium cannot get the memory.
std::string hash_password(std::string_view password);
// Whether `password` matches a hash_password() string (crypto_pwhash_str_verify). False for a damaged hash.
bool password_matches(const std::string& hash, std::string_view password);
// The same work as password_matches on a real user's hash, always false: what a login for an unknown username
// runs, so its answer takes as long as a wrong password's.
bool password_matches_nobody(std::string_view password);

}  // namespace gridhub::registry
