// Random keys and secrets (libsodium's CSPRNG) and the one-way hash under which API tokens are stored.
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

}  // namespace gridhub::registry
