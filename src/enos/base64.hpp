// Base64 (RFC 4648, with padding) for raw pass-through payloads, which travel through JSON APIs as text.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace gridhub::enos {

std::string base64_encode(std::string_view bytes);
// nullopt when `text` is not canonical padded base64 (whitespace is not allowed).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace gridhub::enos
