// Writing a JSON string literal from arbitrary bytes: the envelope echoes device-chosen ids and messages, and
// the reply must stay valid JSON (RFC 8259) whatever they contain.
#pragma once
#include <string>
#include <string_view>

namespace gridhub::enos {

// Appends `s` to `out` as a quoted JSON string: '"' and '\\' escaped, control characters as \n, \t, ... or
// \u00XX, valid UTF-8 copied as is, and every byte that does not start a valid UTF-8 sequence (including
// overlong forms, surrogates and code points above U+10FFFF) replaced by \ufffd.
void append_json_string(std::string_view s, std::string& out);

}  // namespace gridhub::enos
